import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Pull")
struct PullTests {
    @Test("pages of changes since a cursor: no gaps, no repeats, hasMore until the end", arguments: StoreKind.available)
    func paging(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let versions = (1...7).map { Fixture.create(Fixture.visit("visit-\($0)"), replica: a, counter: UInt64($0)) }
            _ = try await client.pushOK(versions, replica: a, token: fx.visitor)

            var since: Int64 = 0
            var seen: [String] = []
            var pages = 0
            while true {
                let response = try await client.changes(since: since, limit: 3, token: fx.visitor, replica: a)
                #expect(response.status == .ok)
                let page = try response.decode(ChangesResponse.self)
                #expect(page.epoch == (try await fx.store.epoch()))
                seen += page.changes.map(\.documentId)
                #expect(page.changes.map(\.sequence) == page.changes.map(\.sequence).sorted())
                since = page.nextSince
                pages += 1
                if !page.hasMore { break }
            }
            #expect(pages == 3)
            #expect(seen == (1...7).map { "visit-\($0)" })
            #expect(since == 7)

            // Editing a document moves it to the end of the feed; asking again from the cursor gives only it.
            let edit = try Fixture.edit([versions[1]], Fixture.visit("visit-2", note: "later"), replica: a, counter: 8)
            _ = try await client.pushOK([edit], replica: a, token: fx.visitor)
            let next = try await client.changes(since: since, token: fx.visitor, replica: a).decode(ChangesResponse.self)
            #expect(next.changes.map(\.documentId) == ["visit-2"])
            #expect(next.changes.first?.versions == [edit])
            #expect(next.nextSince == 8 && !next.hasMore)

            let empty = try await client.changes(since: 8, token: fx.visitor, replica: a).decode(ChangesResponse.self)
            #expect(empty.changes.isEmpty && empty.nextSince == 8 && !empty.hasMore)
        }
    }

    @Test("each page carries every current version of a document in conflict", arguments: StoreKind.available)
    func conflictVersions(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let officeNishi = try await fx.store.issueToken(role: .office, name: "Nishi office", districts: ["nishi"])
            let v1 = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            _ = try await client.pushOK([v1], replica: "replica-a", token: fx.visitor)
            let b = try Fixture.edit([v1], Fixture.visit("visit-1", note: "B"), replica: "replica-b", counter: 1)
            let a = try Fixture.edit([v1], Fixture.visit("visit-1", note: "A"), replica: "replica-a", counter: 2)
            _ = try await client.pushOK([b], replica: "replica-b", token: officeNishi)
            _ = try await client.pushOK([a], replica: "replica-a", token: fx.visitor)
            let page = try await client.changes(since: 0, token: officeNishi, replica: "replica-b").decode(ChangesResponse.self)
            #expect(page.changes.count == 1)
            #expect(Set(page.changes[0].versions) == [a, b])
        }
    }

    @Test("a token sees only its own districts", arguments: StoreKind.available)
    func districtScoping(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let nishi = Fixture.create(Fixture.visit("visit-n"), replica: "replica-a", counter: 1)
            let subject = Fixture.create(Fixture.subject("S-0001"), replica: "replica-a", counter: 2)
            _ = try await client.pushOK([nishi, subject], replica: "replica-a", token: fx.visitor)
            let higashi = Fixture.create(Fixture.visit("visit-h", district: "higashi"), replica: "replica-o", counter: 1)
            let minami = Fixture.create(Fixture.visit("visit-m", district: "minami"), replica: "replica-o", counter: 2)
            _ = try await client.pushOK([higashi, minami], replica: "replica-o", token: fx.office)

            let visitorPage = try await client.changes(since: 0, token: fx.visitor, replica: "replica-a").decode(ChangesResponse.self)
            #expect(visitorPage.changes.map(\.documentId) == ["visit-n", "S-0001"])
            #expect(visitorPage.changes.map(\.type) == [.visit, .subject])
            let officePage = try await client.changes(since: 0, token: fx.office, replica: "replica-o").decode(ChangesResponse.self)
            #expect(officePage.changes.map(\.documentId) == ["visit-h", "visit-m"])
        }
    }

    @Test("coordinators and admins cannot pull documents (names and notes)", arguments: ["coordinator", "admin"])
    func noDocumentsForCoordinators(role: String) async throws {
        try await ServerFixture.run { fx, client in
            let token = role == "coordinator" ? fx.coordinator : fx.admin
            let response = try await client.changes(since: 0, token: token, replica: "replica-c")
            #expect(response.status == .forbidden)
            #expect(try response.error().message.contains("visitor or office"))
        }
    }

    @Test("bad cursors are refused naming the parameter", arguments: [
        ("", "since"), ("?since=-1", "since"), ("?since=abc", "since"), ("?since=0&limit=0", "limit"),
        ("?since=0&limit=100000", "limit"), ("?since=0&limit=x", "limit"),
    ])
    func badQueries(query: String, parameter: String) async throws {
        try await ServerFixture.run { fx, client in
            let response = try await client.send(.get, API.changesPath + query, token: fx.visitor.secret, replica: "replica-a")
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "bad_request")
            #expect(error.message.hasPrefix(parameter + ":"))
        }
    }

    @Test("a pull without the replica header is refused", arguments: StoreKind.available)
    func missingReplicaHeader(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let response = try await client.send(.get, API.changesPath + "?since=0", token: fx.visitor.secret)
            #expect(response.status == .badRequest)
            #expect(try response.error().message.contains(API.replicaHeader))
        }
    }
}
