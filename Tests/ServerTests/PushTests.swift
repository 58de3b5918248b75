import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Push")
struct PushTests {
    @Test("what is stored is the server's canonical encoding of the checked version, however the body was written")
    func canonicalStorage() async throws {
        try await ServerFixture.run { fx, client in
            let v = Fixture.create(Fixture.visit("visit-1", note: "メモ \"引用\" / é"), replica: "replica-a", counter: 1)
            // Pretty-printed, with escapes the canonical form does not use (\u escapes, an escaped slash).
            let text = String(decoding: try MimamoriJSON.encode(PushRequest(batchId: "b", replicaId: "replica-a", versions: [v]), pretty: true), as: UTF8.self)
                .replacingOccurrences(of: "メモ", with: "\\u30e1\\u30e2").replacingOccurrences(of: " / ", with: " \\/ ")
            let response = try await client.send(.post, API.pushPath, token: fx.visitor.secret, body: ByteBuffer(string: text))
            #expect(response.status == .ok, "\(response.text)")
            let stored = try await fx.sqlite.writer.read { db in try String.fetchAll(db, sql: "SELECT versions FROM documents") }
            #expect(stored == [String(decoding: try MimamoriJSON.encode(v), as: UTF8.self)])
            #expect(stored == [String(decoding: VersionJSON.encode(v), as: UTF8.self)])
        }
    }

    @Test("a batch of many documents is read and written a set at a time, with the same results as one by one", arguments: StoreKind.available)
    func setAtATime(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let first = (1...600).map { Fixture.create(Fixture.visit("visit-\($0)", date: "2025-0\(4 + $0 % 5)-01"), replica: a, counter: UInt64($0)) }
            #expect(try await client.pushOK(first, replica: a, token: fx.visitor).allSatisfy { $0.outcome == .new })
            // Edits of every other one, a resend of the rest, and a delete, in one batch.
            var second: [Version] = []
            for (i, v) in first.enumerated() {
                let counter = UInt64(1000 + i)
                if i % 2 == 0 {
                    second.append(try Fixture.edit([v], Fixture.visit(v.documentId, kind: .minseiWatch, date: "2025-06-01"), replica: a, counter: counter))
                } else if i == 1 {
                    second.append(try Fixture.edit([v], Fixture.visit(v.documentId), replica: a, counter: counter, deleted: true))
                } else {
                    second.append(v)
                }
            }
            let results = try await client.pushOK(second, replica: a, token: fx.visitor)
            #expect(results.filter { $0.outcome == .new }.count == 301)
            #expect(results.filter { $0.outcome == .known }.count == 299)
            let documents = try await fx.store.allDocuments()
            #expect(documents.count == 600)
            #expect(documents.values.allSatisfy { $0.count == 1 })
            #expect(documents["visit-2"]?.first?.deleted == true)
            #expect(try await fx.store.counters(fiscalYears: [2025]) == (try await fx.store.recount()))
            #expect(try await fx.store.lastSequence() == 600 + 301)
        }
    }

    @Test("refusals made before the store's transaction and inside it come back in the batch's order; the laptop's tally counts each once, a replay none",
          arguments: StoreKind.available)
    func refusalsBeforeAndInside(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let held = Fixture.create(Fixture.visit("visit-1", note: "first"), replica: a, counter: 1)
            #expect(try await client.pushOK([held], replica: a, token: fx.visitor).map(\.outcome) == [.new])
            let batch = [
                Fixture.create(Fixture.visit("visit-2"), replica: a, counter: 2),
                Fixture.create(Fixture.visit("visit-3", district: "higashi"), replica: a, counter: 3),  // the token's scope
                Fixture.create(Fixture.visit("visit-1", note: "other content"), replica: a, counter: 1),  // the stored set
                Fixture.create(Fixture.visit("visit-4"), replica: "replica-b", counter: 1),  // not its own write
                Fixture.create(Fixture.visit("visit-5"), replica: a, counter: 5),
            ]
            let request = PushRequest(batchId: "batch-refusals", replicaId: a, versions: batch)
            let first = try await client.push(request, token: fx.visitor)
            #expect(first.status == .ok, "\(first.text)")
            let results = try first.decode(PushResponse.self).results
            #expect(results.map(\.outcome) == [.new, .rejected, .rejected, .rejected, .new])
            #expect(results.map(\.code) == [nil, "out_of_scope", "counter_reused", "not_own_dot", nil])
            #expect(results.map(\.documentId) == batch.map(\.documentId))
            let laptop = try #require(try await fx.store.laptops(districts: ["nishi"]).first { $0.replicaId == a })
            #expect(laptop.refusedLastPush == 3)
            #expect(laptop.refusedTotal == 3)
            // A retry gets the same bytes and is not counted again.
            let replay = try await client.push(request, token: fx.visitor)
            #expect(replay.text == first.text)
            #expect(try await fx.store.laptops(districts: ["nishi"]).first { $0.replicaId == a }?.refusedTotal == 3)
            #expect(Set(try await fx.store.allDocuments().keys) == ["visit-1", "visit-2", "visit-5"])
            #expect(try await fx.store.counters(fiscalYears: [2025]) == (try await fx.store.recount()))
        }
    }

    @Test("a new version is new, the same again is known, a concurrent one is a conflict", arguments: StoreKind.available)
    func outcomes(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a", b = "replica-b"
            let v1 = Fixture.create(Fixture.visit("visit-1", note: "first"), replica: a, counter: 1)
            #expect(try await client.pushOK([v1], replica: a, token: fx.visitor).map(\.outcome) == [.new])
            #expect(try await client.pushOK([v1], replica: a, token: fx.visitor).map(\.outcome) == [.known])

            // B (an office laptop for nishi) learns v1 and edits it; A edits v1 concurrently.
            let officeNishi = try await fx.store.issueToken(role: .office, name: "Nishi office", districts: ["nishi"])
            let v2 = try Fixture.edit([v1], Fixture.visit("visit-1", note: "edited by B"), replica: b, counter: 1)
            let v3 = try Fixture.edit([v1], Fixture.visit("visit-1", note: "edited by A"), replica: a, counter: 2)
            #expect(try await client.pushOK([v2], replica: b, token: officeNishi).map(\.outcome) == [.new])
            #expect(try await client.pushOK([v3], replica: a, token: fx.visitor).map(\.outcome) == [.conflict])
            // The superseded v1 is gone; both concurrent edits are kept.
            #expect(try await fx.store.allDocuments()["visit-1"] == [v2, v3].sorted { $0.dot < $1.dot })
            // An old version pushed late changes nothing.
            #expect(try await client.pushOK([v1], replica: a, token: fx.visitor).map(\.outcome) == [.known])

            // Resolution: a write over both supersedes them.
            let v4 = try Fixture.edit([v2, v3], Fixture.visit("visit-1", note: "resolved"), replica: a, counter: 3)
            #expect(try await client.pushOK([v4], replica: a, token: fx.visitor).map(\.outcome) == [.new])
            #expect(try await fx.store.allDocuments()["visit-1"] == [v4])
        }
    }

    @Test("a replayed batch gets the identical reply bytes and writes nothing", arguments: StoreKind.available)
    func replay(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let versions = (1...3).map { Fixture.create(Fixture.visit("visit-\($0)"), replica: a, counter: UInt64($0)) }
            let request = PushRequest(batchId: "batch-1", replicaId: a, versions: versions)
            let first = try await client.push(request, token: fx.visitor)
            #expect(first.status == .ok)
            let sequence = try await fx.store.lastSequence()
            let counters = try await fx.store.counters(fiscalYears: [2025])
            #expect(sequence == 3)

            let second = try await client.push(request, token: fx.visitor)
            #expect(second.status == .ok)
            #expect(second.data == first.data)
            #expect(try await fx.store.lastSequence() == sequence)
            #expect(try await fx.store.counters(fiscalYears: [2025]) == counters)
            #expect(try first.decode(PushResponse.self).results.map(\.outcome) == [.new, .new, .new])
        }
    }

    @Test("a batch resent in other whitespace and key order is the same batch; other content under its id is refused", arguments: StoreKind.available)
    func replayWrittenOtherwise(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let versions = (1...3).map { Fixture.create(Fixture.visit("visit-\($0)", note: "メモ \($0)"), replica: a, counter: UInt64($0)) }
            let request = PushRequest(batchId: "batch-1", replicaId: a, versions: versions)
            let first = try await client.push(request, token: fx.visitor)
            #expect(first.status == .ok)
            let pretty = try MimamoriJSON.encode(request, pretty: true)
            let again = try await client.send(.post, API.pushPath, token: fx.visitor.secret, body: ByteBuffer(bytes: pretty))
            #expect(again.status == .ok)
            #expect(again.data == first.data)
            #expect(try await fx.store.lastSequence() == 3)

            let other = PushRequest(batchId: "batch-1", replicaId: a, versions: Array(versions.prefix(2)))
            let refused = try await client.push(other, token: fx.visitor)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("batch_conflict"))
        }
    }

    @Test("a rejected version does not block the rest of its batch", arguments: StoreKind.available)
    func rejectionDoesNotBlock(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let good1 = Fixture.create(Fixture.visit("visit-1"), replica: a, counter: 1)
            let future = Fixture.create(Fixture.visit("visit-2", date: "2025-12-01"), replica: a, counter: 2)
            let good2 = Fixture.create(Fixture.visit("visit-3"), replica: a, counter: 3)
            let results = try await client.pushOK([good1, future, good2], replica: a, token: fx.visitor)
            #expect(results.map(\.outcome) == [.new, .rejected, .new])
            #expect(results[1].code == "invalid_record")
            #expect(results[1].message?.contains("date") == true)
            #expect(results[1].documentId == "visit-2")
            #expect(Set(try await fx.store.allDocuments().keys) == ["visit-1", "visit-3"])
            #expect(try await fx.store.lastSequence() == 2)
        }
    }

    @Test("unknown kind ids from a newer client are kept, not rejected", arguments: StoreKind.available)
    func unknownKindKept(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let v = Fixture.create(Fixture.visit("visit-1", kind: VisitKind(rawValue: "jukyo_watch")), replica: "replica-a", counter: 1)
            let results = try await client.pushOK([v], replica: "replica-a", token: fx.visitor)
            #expect(results.map(\.outcome) == [.new])
            let stored = try await fx.store.allDocuments()
            #expect(stored["visit-1"] == [v])
        }
    }

    struct RejectionCase: Sendable, CustomTestStringConvertible {
        let code: String
        let expectedText: String
        let make: @Sendable () throws -> [Version]
        var testDescription: String { code }
    }

    static let rejections: [RejectionCase] = [
        RejectionCase(code: "invalid_record", expectedText: "dot") {
            // A dot that is not the vector's own entry.
            let v = Fixture.create(Fixture.visit("visit-9"), replica: "replica-a", counter: 1)
            return [Version(payload: v.payload, vector: VersionVector(["replica-a": 2]), dot: v.dot, author: v.author, writtenAt: v.writtenAt)]
        },
        RejectionCase(code: "invalid_record", expectedText: "2^53") {
            // An absurd counter.
            [Fixture.create(Fixture.visit("visit-9"), replica: "replica-a", counter: 1 << 60)]
        },
        RejectionCase(code: "not_own_dot", expectedText: "replica-z") {
            [Fixture.create(Fixture.visit("visit-9"), replica: "replica-z", counter: 1)]
        },
        RejectionCase(code: "out_of_scope", expectedText: "higashi") {
            [Fixture.create(Fixture.visit("visit-9", district: "higashi"), replica: "replica-a", counter: 1)]
        },
        RejectionCase(code: "unknown_counter", expectedText: "replica-z") {
            // Claims to have seen 1000 writes of replica-z, which the server has never heard of.
            let held = Fixture.create(Fixture.visit("visit-9"), replica: "replica-z", counter: 1000)
            return [try Fixture.edit([held], Fixture.visit("visit-9", note: "x"), replica: "replica-a", counter: 1)]
        },
        RejectionCase(code: "counter_reused", expectedText: "reused") {
            let first = Fixture.create(Fixture.visit("visit-9", note: "one"), replica: "replica-a", counter: 1)
            let again = Fixture.create(Fixture.visit("visit-9", note: "two"), replica: "replica-a", counter: 1)
            return [first, again]
        },
    ]

    @Test("each rejection code", arguments: rejections)
    func rejection(_ rejection: RejectionCase) async throws {
        try await ServerFixture.run { fx, client in
            let versions = try rejection.make()
            let before = try await fx.store.allDocuments()
            let results = try await client.pushOK(versions, replica: "replica-a", token: fx.visitor)
            let last = try #require(results.last)
            #expect(last.outcome == .rejected)
            #expect(last.code == rejection.code)
            #expect(last.message?.contains(rejection.expectedText) == true, "message: \(last.message ?? "nil")")
            if versions.count == 1 {
                #expect(try await fx.store.allDocuments() == before)
            }
            // The server keeps serving: a good version from the same replica goes in.
            let good = Fixture.create(Fixture.visit("visit-good"), replica: "replica-a", counter: 5000)
            #expect(try await client.pushOK([good], replica: "replica-a", token: fx.visitor).map(\.outcome) == [.new])
        }
    }

    @Test("a document of another district cannot be taken over by moving it into one's own", arguments: StoreKind.available)
    func cannotMoveForeignDocument(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let original = Fixture.create(Fixture.visit("visit-1", district: "higashi"), replica: "replica-o", counter: 1)
            #expect(try await client.pushOK([original], replica: "replica-o", token: fx.office).map(\.outcome) == [.new])
            let moved = try Fixture.edit([original], Fixture.visit("visit-1", district: "nishi"), replica: "replica-a", counter: 1)
            let results = try await client.pushOK([moved], replica: "replica-a", token: fx.visitor)
            #expect(results.map(\.code) == ["out_of_scope"])
            #expect(try await fx.store.allDocuments()["visit-1"] == [original])
        }
    }

    @Test("a visitor token is bound to the first replica that uses it", arguments: StoreKind.available)
    func replicaBinding(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            _ = try await client.pushOK([v], replica: "replica-a", token: fx.visitor)
            let w = Fixture.create(Fixture.visit("visit-2"), replica: "replica-b", counter: 1)
            let response = try await client.push(PushRequest(batchId: "x", replicaId: "replica-b", versions: [w]), token: fx.visitor)
            #expect(response.status == .forbidden)
            #expect(try response.error().code == "forbidden")
            #expect(try response.error().message.contains("replica-a"))
            let pull = try await client.changes(since: 0, token: fx.visitor, replica: "replica-b")
            #expect(pull.status == .forbidden)
            #expect(try await fx.store.allDocuments().keys.sorted() == ["visit-1"])
        }
    }
}
