import Foundation
import GRDB
import MimamoriShared

/// The embedded default store: SQLite through GRDB, a WAL `DatabasePool` on disk (an in-memory
/// `DatabaseQueue` in tests). Every method is one transaction.
public struct SQLiteSyncStore: SyncStore {
    public let writer: any DatabaseWriter

    /// Opens (creating if needed) the store in `directory`/mimamori-server.sqlite, readable by its owner only.
    public init(directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent(SQLiteSyncStore.fileName)
        if !fm.fileExists(atPath: file.path) {
            // Created 0600 before SQLite opens it; SQLite gives the -wal and -shm files the same mode.
            _ = fm.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var config = Configuration()
        config.busyMode = .timeout(10)  // `token issue` may write while `serve` runs
        try self.init(writer: DatabasePool(path: file.path, configuration: config))
    }

    /// A private in-memory database, for tests and benchmarks.
    public static func inMemory() throws -> SQLiteSyncStore {
        try SQLiteSyncStore(writer: DatabaseQueue())
    }

    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try ServerSchema.migrator.migrate(writer)
    }

    public static let fileName = "mimamori-server.sqlite"

    // MARK: Sync

    public func epoch() async throws -> String {
        try await writer.read { db in try SQLitePushTransaction(db: db).epoch() }
    }

    public func lastSequence() async throws -> Int64 {
        try await writer.read { db in try SQLitePushTransaction(db: db).lastSequence() }
    }

    public func push(_ request: PushRequest, rawVersions: [Data]?, by caller: Caller, today: LocalDate) async throws -> PushReply {
        try await writer.write { db in
            let tx = DashboardRecordingTransaction(base: SQLitePushTransaction(db: db), db: db, now: .now())
            return try PushProcessor(caller: caller, today: today).run(request, rawVersions: rawVersions, in: tx)
        }
    }

    public func changesJSON(since: Int64, limit: Int, districts: Set<String>) async throws -> Data {
        try await writer.read { db in
            let epoch = try SQLitePushTransaction(db: db).epoch()
            var page = ChangesPageWriter(epoch: epoch, since: since)
            guard !districts.isEmpty else { return page.finish(hasMore: false) }
            let sortedDistricts = districts.sorted()
            let placeholders = Array(repeating: "?", count: sortedDistricts.count).joined(separator: ", ")
            var arguments: StatementArguments = [since]
            arguments += StatementArguments(sortedDistricts)
            arguments += [limit + 1]
            // One query for the page and its versions; versions in dot order (counter, then replica), as VersionSet keeps them.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.document_id, d.type, d.sequence, v.version
                FROM (SELECT document_id, type, sequence FROM documents
                      WHERE sequence > ? AND district IN (\(placeholders))
                      ORDER BY sequence LIMIT ?) d
                JOIN versions v ON v.document_id = d.document_id
                ORDER BY d.sequence, v.dot_counter, v.dot_replica
                """, arguments: arguments)
            var documents = 0
            var lastSequence: Int64?
            while let row = try rows.next() {
                let sequence: Int64 = row["sequence"]
                if sequence != lastSequence {
                    documents += 1
                    if documents > limit { return page.finish(hasMore: true) }
                    page.beginDocument(id: row["document_id"], type: row["type"], sequence: sequence)
                    lastSequence = sequence
                }
                page.addVersion(row["version"])
            }
            return page.finish(hasMore: false)
        }
    }

    public func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int] {
        guard !fiscalYears.isEmpty else { return [:] }
        return try await writer.read { db in
            let placeholders = Array(repeating: "?", count: fiscalYears.count).joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT fiscal_year, dimension, key, kind, count FROM counters
                WHERE fiscal_year IN (\(placeholders)) AND count <> 0
                """, arguments: StatementArguments(fiscalYears))
            var counters: [CounterKey: Int] = [:]
            while let row = try rows.next() {
                guard let dimension = CounterDimension(rawValue: row["dimension"]) else { continue }
                counters[CounterKey(fiscalYear: row["fiscal_year"], dimension: dimension, key: row["key"],
                                    kind: VisitKind(rawValue: row["kind"]))] = row["count"]
            }
            return counters
        }
    }

    /// Reads every document's versions, in document order, and counts their display versions afresh.
    public func recount() async throws -> [CounterKey: Int] {
        try await writer.read { db in
            var displays: [Version] = []
            var currentId: String?
            var current: [Version] = []
            func flush() throws {
                if !current.isEmpty, let display = try VersionSet(current).display { displays.append(display) }
                current = []
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT document_id, version FROM versions ORDER BY document_id")
            while let row = try rows.next() {
                let id: String = row["document_id"]
                if id != currentId { try flush(); currentId = id }
                current.append(try SQLitePushTransaction.decodeVersion(row["version"]))
            }
            try flush()
            return IndicatorCounting.recount(displays: displays)
        }
    }

    /// Every document's current version set, for checks in tests and by an administrator.
    public func allDocuments() async throws -> [String: [Version]] {
        try await writer.read { db in
            var result: [String: [Version]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT document_id, version FROM versions")
            while let row = try rows.next() {
                result[row["document_id"], default: []].append(try SQLitePushTransaction.decodeVersion(row["version"]))
            }
            return result.mapValues { $0.sorted { $0.dot < $1.dot } }
        }
    }

    // MARK: Tokens

    public func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken {
        let secret = TokenSecret.make()
        let info = TokenInfo(id: TokenSecret.makeID(), role: role, name: name, districts: districts,
                             replicaId: nil, createdAt: .now(), revokedAt: nil)
        let row = try TokenRow(info: info, secretHash: TokenSecret.hash(secret))
        try await writer.write { db in try row.insert(db) }
        return IssuedToken(info: info, secret: secret)
    }

    public func tokens() async throws -> [TokenInfo] {
        try await writer.read { db in
            try TokenRow.order(Column("created_at"), Column("id")).fetchAll(db).map { try $0.info() }
        }
    }

    @discardableResult public func revokeToken(id: String) async throws -> TokenInfo {
        try await writer.write { db in
            guard var row = try TokenRow.fetchOne(db, key: id) else { throw StoreError.unknownToken(id: id) }
            if row.revokedAt != nil { throw StoreError.tokenAlreadyRevoked(id: id) }
            row.revokedAt = Timestamp.now().milliseconds
            try row.update(db)
            return try row.info()
        }
    }

    public func token(secret: String) async throws -> TokenInfo? {
        let hash = TokenSecret.hash(secret)
        return try await writer.read { db in
            try TokenRow.filter(Column("secret_hash") == hash).fetchOne(db)?.info()
        }
    }

    public func bindToken(id: String, toReplica replica: String) async throws -> String {
        try await writer.write { db in
            // Only the first replica wins, even when two race: the update is conditional on no binding yet.
            try db.execute(sql: "UPDATE tokens SET replica_id = ? WHERE id = ? AND replica_id IS NULL",
                           arguments: [replica, id])
            guard let bound = try String.fetchOne(db, sql: "SELECT replica_id FROM tokens WHERE id = ?", arguments: [id]) else {
                throw StoreError.unknownToken(id: id)
            }
            return bound
        }
    }
}

/// `PushTransaction` over one GRDB database connection inside a write transaction.
struct SQLitePushTransaction: PushTransaction {
    let db: Database

    static func decodeVersion(_ text: String) throws -> Version {
        var text = text
        if let v = text.withUTF8({ VersionJSON.parse(UnsafeRawBufferPointer($0)) }) { return v }
        return try MimamoriJSON.decode(Version.self, from: Data(text.utf8))
    }

    func epoch() throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT epoch FROM server_state WHERE id = 1"))!
    }

    func lastSequence() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_sequence FROM server_state WHERE id = 1"))!
    }

    func storedReply(replica: String, batchId: String) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT reply FROM batches WHERE replica_id = ? AND batch_id = ?"),
                          arguments: [replica, batchId])
    }

    func versions(of id: String) throws -> [Version] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT version FROM versions WHERE document_id = ?"), arguments: [id])
            .map(SQLitePushTransaction.decodeVersion)
            .sorted { $0.dot < $1.dot }
    }

    func document(_ id: String) throws -> StoredDocument? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT type, district FROM documents WHERE document_id = ?"),
                                         arguments: [id]),
            let type = DocumentType(rawValue: row["type"])
        else { return nil }
        return StoredDocument(type: type, district: row["district"], versions: try VersionSet(versions(of: id)))
    }

    func highestCounter(of replica: String) throws -> UInt64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT highest_counter FROM replica_counters WHERE replica_id = ?"),
                           arguments: [replica]).map { UInt64($0) } ?? 0
    }

    func saveDocument(id: String, _ document: StoredDocument, replacing previous: StoredDocument?, sequence: Int64) throws {
        if previous == nil {
            try db.cachedStatement(sql: "INSERT INTO documents (document_id, type, district, sequence) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, document.type.rawValue, document.district, sequence])
        } else {
            try db.cachedStatement(sql: "UPDATE documents SET type = ?, district = ?, sequence = ? WHERE document_id = ?")
                .execute(arguments: [document.type.rawValue, document.district, sequence, id])
        }
        let kept = Set(document.versions.versions.map(\.dot))
        let before = Set(previous?.versions.versions.map(\.dot) ?? [])
        let delete = try db.cachedStatement(sql: "DELETE FROM versions WHERE document_id = ? AND dot_replica = ? AND dot_counter = ?")
        for dot in before.subtracting(kept) {
            try delete.execute(arguments: [id, dot.replica, Int64(dot.counter)])
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO versions (document_id, dot_replica, dot_counter, version) VALUES (?, ?, ?, ?)")
        for version in document.versions.versions where !before.contains(version.dot) {
            let json = document.rawVersions[version.dot] ?? VersionJSON.encode(version)
            try insert.execute(arguments: [id, version.dot.replica, Int64(version.dot.counter), String(decoding: json, as: UTF8.self)])
        }
    }

    func setLastSequence(_ sequence: Int64) throws {
        try db.cachedStatement(sql: "UPDATE server_state SET last_sequence = ? WHERE id = 1").execute(arguments: [sequence])
    }

    func raiseHighestCounters(_ counters: [String: UInt64]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO replica_counters (replica_id, highest_counter) VALUES (?, ?)
            ON CONFLICT (replica_id) DO UPDATE SET highest_counter = excluded.highest_counter
            WHERE replica_counters.highest_counter < excluded.highest_counter
            """)
        for (replica, counter) in counters {
            try statement.execute(arguments: [replica, Int64(counter)])
        }
    }

    func addToCounters(_ deltas: [CounterKey: Int]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = counters.count + excluded.count
            """)
        for (key, delta) in deltas {
            try statement.execute(arguments: [key.fiscalYear, key.dimension.rawValue, key.key, key.kind.rawValue, delta])
        }
    }

    func storeReply(replica: String, batchId: String, body: Data) throws {
        try db.cachedStatement(sql: "INSERT INTO batches (replica_id, batch_id, reply) VALUES (?, ?, ?)")
            .execute(arguments: [replica, batchId, body])
    }
}
