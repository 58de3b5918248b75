import Foundation
import Logging
@testable import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import PostgresNIO
import Testing

@Suite("PostgreSQL migrations", .enabled(if: TestPostgres.adminURL != nil, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresMigrationTests {
    @Test("a database from before documents held their versions (migration 5) keeps every document, version, sequence, move and count, pulls the same pages, and takes pushes after")
    func documentsHoldTheirVersions() async throws {
        // Given a database at migration 4 with rows as that release wrote them: a document with one version (its note
        // holding a newline), one in conflict three ways (its version rows written out of dot order), a subject, a
        // deleted visit, a visit an office moved to another district (its move notice), counters, replica counters.
        let url = try await TestPostgres.freshDatabase()
        let (a, b, c, o) = ("replica-a", "replica-b", "replica-c", "replica-o")
        let one = Fixture.create(Fixture.visit("visit-1", note: "一行目\n二行目"), replica: a, counter: 1)
        let base = Fixture.create(Fixture.visit("visit-2"), replica: a, counter: 2)
        let left = try Fixture.edit([base], Fixture.visit("visit-2", kind: .minseiWatch, note: "left"), replica: a, counter: 3)
        let right = try Fixture.edit([base], Fixture.visit("visit-2", note: "right"), replica: b, counter: 1)
        let third = try Fixture.edit([base], Fixture.visit("visit-2", note: "third"), replica: c, counter: 2)
        let conflict = try VersionSet([left, right, third])
        let subject = Fixture.create(Fixture.subject("subject-1"), replica: b, counter: 2)
        let created = Fixture.create(Fixture.visit("visit-3"), replica: a, counter: 4)
        let deleted = try Fixture.edit([created], Fixture.visit("visit-3"), replica: a, counter: 5, deleted: true)
        let before = Fixture.create(Fixture.visit("visit-4"), replica: a, counter: 6)
        let moved = try Fixture.edit([before], Fixture.visit("visit-4", district: "higashi"), replica: o, counter: 1)
        let rows: [(version: Version, sequence: Int64)] = [(one, 1), (subject, 3), (left, 5), (third, 5), (right, 5), (deleted, 6), (moved, 8)]
        let displays = [one, conflict.display, subject, deleted, moved].compactMap { $0 }
        let counts = IndicatorCounting.recount(displays: displays)
        #expect(conflict.versions.map(\.dot) == [right.dot, third.dot, left.dot], "dot order is not the order the rows are written in")

        var statements: [String] = []
        var documents: Set<String> = []
        for (v, sequence) in rows where documents.insert(v.documentId).inserted {
            statements.append("""
                INSERT INTO documents (document_id, type, district, sequence)
                VALUES ('\(v.documentId)', '\(v.type.rawValue)', '\(v.payload.district)', \(sequence))
                """)
        }
        for (v, _) in rows {
            statements.append("""
                INSERT INTO versions (document_id, dot_replica, dot_counter, version)
                VALUES ('\(v.documentId)', '\(v.dot.replica)', \(v.dot.counter), $json$\(String(decoding: VersionJSON.encode(v), as: UTF8.self))$json$)
                """)
        }
        statements.append("INSERT INTO moves (document_id, from_district, to_district, type, sequence) VALUES ('visit-4', 'nishi', 'higashi', 'visit', 7)")
        statements += Self.counterRows(counts)
        statements.append("INSERT INTO replica_counters (replica_id, highest_counter) VALUES ('\(a)', 6), ('\(b)', 2), ('\(c)', 2), ('\(o)', 1)")
        statements.append("UPDATE server_state SET last_sequence = 8")
        try await Self.atMigration(4, url, statements)

        // When a server starts on it (and upgrades it).
        try await TestPostgres.withStore(url) { store in
            // Then every document keeps its versions, the `versions` table is gone, and the counts equal a recount.
            #expect(try await store.allDocuments() == ["visit-1": [one], "visit-2": conflict.versions, "subject-1": [subject],
                                                       "visit-3": [deleted], "visit-4": [moved]])
            #expect(try await Self.tableExists("versions", in: store) == false)
            #expect(try await store.counters(fiscalYears: [2025]) == counts.filter { $0.key.fiscalYear == 2025 })
            #expect(try await store.recount() == counts)
            #expect(try await store.lastSequence() == 8)

            // The pulls send the same sequences as before, versions in dot order, the move as a notice to the old
            // district, page after page; each version as the canonical JSON that was stored.
            let nishi = try await Self.pullAll(store, districts: ["nishi"])
            #expect(nishi.map(\.documentId) == ["visit-1", "subject-1", "visit-2", "visit-3", "visit-4"])
            #expect(nishi.map(\.sequence) == [1, 3, 5, 6, 7])
            #expect(nishi.map(\.versions) == [[one], [subject], conflict.versions, [deleted], []])
            #expect(nishi.map(\.movedTo) == [nil, nil, nil, nil, "higashi"])
            let both = try await Self.pullAll(store, districts: ["nishi", "higashi"])
            #expect(both.map(\.sequence) == [1, 3, 5, 6, 8])
            #expect(both.last?.versions == [moved])
            let page = try await store.changesJSON(since: 4, limit: 1, districts: ["nishi"], types: Set(DocumentType.allCases))
            let expected = "[" + conflict.versions.map { String(decoding: VersionJSON.encode($0), as: UTF8.self) }.joined(separator: ",") + "]"
            #expect(String(decoding: page, as: UTF8.self).contains(expected))

            // And it takes pushes: a resolution of the conflict replaces its three versions, with the next sequence.
            let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
            let resolved = try Fixture.edit(conflict.versions, Fixture.visit("visit-2", note: "resolved"), replica: a, counter: 7)
            let reply = try await store.push(PushRequest(batchId: "after", replicaId: a, versions: [resolved]),
                                             by: Caller(token: token.info), today: ServerFixture.today)
            #expect(reply.response.results.map(\.outcome) == [.new])
            #expect(try await store.allDocuments()["visit-2"] == [resolved])
            let after = try await store.changes(since: 8, limit: 10, districts: ["nishi"])
            #expect(after.changes.map(\.sequence) == [9])
            #expect(after.changes.map(\.versions) == [[resolved]])
            #expect(try await store.counters(fiscalYears: [2025]) == (try await store.recount()).filter { $0.key.fiscalYear == 2025 })
        }
    }

    @Test("a database from before documents' ids and 校区 compared bytewise (migration 6) keeps every document and sequence, pulls the same pages, finds its stored documents when pushed to, and still tells a lost race by its primary key")
    func documentsComparedBytewise() async throws {
        // Given a database at migration 5 with rows as that release wrote them: ids and 校区 names whose order differs
        // between bytewise and case-folding collations, one document in conflict.
        let url = try await TestPostgres.freshDatabase()
        let (a, b) = ("replica-a", "replica-b")
        let upper = Fixture.create(Fixture.visit("Visit-B"), replica: a, counter: 1)
        let lower = Fixture.create(Fixture.visit("visit-a", district: "higashi"), replica: a, counter: 2)
        let base = Fixture.create(Fixture.visit("visit-c"), replica: a, counter: 3)
        let left = try Fixture.edit([base], Fixture.visit("visit-c", note: "left"), replica: a, counter: 4)
        let right = try Fixture.edit([base], Fixture.visit("visit-c", note: "right"), replica: b, counter: 1)
        let conflict = try VersionSet([left, right])
        let rows: [(id: String, district: String, sequence: Int64, versions: [Version])] = [
            ("Visit-B", "nishi", 1, [upper]), ("visit-a", "higashi", 2, [lower]), ("visit-c", "nishi", 4, conflict.versions),
        ]
        var statements = rows.map { row in
            """
            INSERT INTO documents (document_id, type, district, sequence, versions)
            VALUES ('\(row.id)', 'visit', '\(row.district)', \(row.sequence),
                    $json$\(row.versions.map { String(decoding: VersionJSON.encode($0), as: UTF8.self) }.joined(separator: "\n"))$json$)
            """
        }
        statements += Self.counterRows(IndicatorCounting.recount(displays: [upper, lower, conflict.display].compactMap { $0 }))
        statements.append("INSERT INTO replica_counters (replica_id, highest_counter) VALUES ('\(a)', 4), ('\(b)', 1)")
        statements.append("UPDATE server_state SET last_sequence = 4")
        try await Self.atMigration(5, url, statements)

        // When a server starts on it (and upgrades it).
        try await TestPostgres.withStore(url) { store in
            // Then both columns compare bytewise, and the primary key keeps the name a lost race is told by.
            var collations: [String: String] = [:]
            for try await (column, collation) in try await store.client.query("""
                SELECT column_name::text, coalesce(collation_name::text, '') FROM information_schema.columns
                WHERE table_name = 'documents' AND column_name IN ('document_id', 'district')
                """).decode((String, String).self) { collations[column] = collation }
            #expect(collations == ["document_id": "C", "district": "C"])
            var keys: [String] = []
            for try await name in try await store.client.query("""
                SELECT conname::text FROM pg_constraint WHERE conrelid = 'documents'::regclass AND contype = 'p'
                """).decode(String.self) { keys.append(name) }
            #expect(keys == ["documents_pkey"])

            // Every document keeps its versions; the pulls send the same sequences per 校区 as before.
            #expect(try await store.allDocuments() == ["Visit-B": [upper], "visit-a": [lower], "visit-c": conflict.versions])
            #expect(try await Self.pullAll(store, districts: ["nishi"]).map(\.sequence) == [1, 4])
            #expect(try await Self.pullAll(store, districts: ["higashi"]).map(\.documentId) == ["visit-a"])

            // And a push finds the stored documents it names (an edit of each, a resolution of the conflict), beside
            // a new one, in one batch.
            let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi", "higashi"])
            let edits = [
                try Fixture.edit([upper], Fixture.visit("Visit-B", note: "edited"), replica: a, counter: 5),
                try Fixture.edit([lower], Fixture.visit("visit-a", district: "higashi", note: "edited"), replica: a, counter: 6),
                try Fixture.edit(conflict.versions, Fixture.visit("visit-c", note: "resolved"), replica: a, counter: 7),
                Fixture.create(Fixture.visit("visit-0"), replica: a, counter: 8),
            ]
            let reply = try await store.push(PushRequest(batchId: "after", replicaId: a, versions: edits),
                                             by: Caller(token: token.info), today: ServerFixture.today)
            #expect(reply.response.results.map(\.outcome) == [.new, .new, .new, .new])
            let documents = try await store.allDocuments()
            #expect(documents.count == 4)
            for edit in edits { #expect(documents[edit.documentId] == [edit]) }
            #expect(try await store.changes(since: 4, limit: 10, districts: ["nishi", "higashi"]).changes.map(\.sequence) == [5, 6, 7, 8])
            #expect(try await store.counters(fiscalYears: [2025]) == (try await store.recount()).filter { $0.key.fiscalYear == 2025 })
        }
    }

    /// The `counters` rows of `counts`, as an older release wrote them.
    static func counterRows(_ counts: [CounterKey: Int]) -> [String] {
        counts.map { key, count in
            """
            INSERT INTO counters (fiscal_year, dimension, key, kind, count)
            VALUES (\(key.fiscalYear), '\(key.dimension.rawValue)', '\(key.key)', '\(key.kind.rawValue)', \(count))
            """
        }
    }

    /// Brings `url`'s database to `migration` and runs `statements` on it, in order.
    static func atMigration(_ migration: Int, _ url: PostgresDatabaseURL, _ statements: [String]) async throws {
        let logger = Logger(label: "mimamori-tests")
        let client = PostgresClient(configuration: try url.clientConfiguration(), backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await PostgresSchema.migrate(client, to: migration, logger: logger)
        for statement in statements { try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
    }

    static func tableExists(_ name: String, in store: PostgresSyncStore) async throws -> Bool {
        for try await exists in try await store.client.query("SELECT to_regclass(\(name)) IS NOT NULL").decode(Bool.self) {
            return exists
        }
        return false
    }

    /// Every change of `districts`' feed, pulled in pages of 2.
    static func pullAll(_ store: PostgresSyncStore, districts: Set<String>) async throws -> [DocumentChange] {
        var changes: [DocumentChange] = []
        var since: Int64 = 0
        while true {
            let page = try await store.changes(since: since, limit: 2, districts: districts)
            changes += page.changes
            since = page.nextSince
            if !page.hasMore { return changes }
        }
    }
}
