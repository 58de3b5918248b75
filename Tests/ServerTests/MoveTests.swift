import Foundation
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// Moving a document to another 校区 (docs/sync.md, moves): an office's deliberate act that carries the whole
/// record; the new district receives only the move itself; the old district's laptops are told where it went.
@Suite("District moves")
struct MoveTests {
    static func pull(_ client: any TestClientProtocol, since: Int64 = 0, token: IssuedToken, replica: String) async throws -> ChangesResponse {
        let response = try await client.changes(since: since, token: token, replica: replica)
        #expect(response.status == .ok, "\(response.text)")
        return try MimamoriJSON.decodeChanges(response.data)
    }

    @Test("a move carries only itself to the new district and tells the old one where the record went", arguments: StoreKind.available)
    func move(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let office = try await fx.store.issueToken(role: .office, name: "Nishi–Higashi office", districts: ["nishi", "higashi"])
            let higashiVisitor = try await fx.store.issueToken(role: .visitor, name: "Higashi visitor", districts: ["higashi"])
            let v1 = Fixture.create(Fixture.visit("v1", note: "西の記録"), replica: "replica-a", counter: 1)
            _ = try await client.pushOK([v1], replica: "replica-a", token: fx.visitor)
            let cursor = try await Self.pull(client, token: fx.visitor, replica: "replica-a").nextSince

            // The office moves it, having seen every current version.
            let moved = try Fixture.edit([v1], Fixture.visit("v1", district: "higashi", note: "東へ移管"), replica: "replica-o", counter: 1)
            #expect(try await client.pushOK([moved], replica: "replica-o", token: office).map(\.outcome) == [.new])

            // Then: the old district's laptop is told, with no versions; the new district receives the move alone.
            let notice = try await Self.pull(client, since: cursor, token: fx.visitor, replica: "replica-a")
            #expect(notice.changes.map(\.movedTo) == ["higashi"])
            #expect(notice.changes.first?.versions == [])
            #expect(notice.changes.first?.documentId == "v1")
            let higashi = try await Self.pull(client, token: higashiVisitor, replica: "replica-h")
            #expect(higashi.changes.map(\.versions) == [[moved]])
            #expect(higashi.changes.allSatisfy { $0.movedTo == nil })
            // An office covering both districts gets the document, not a notice.
            let both = try await Self.pull(client, token: office, replica: "replica-o")
            #expect(both.changes.map(\.movedTo) == [nil])

            // A pending edit from the old district is refused, naming where the record went.
            let late = try Fixture.edit([v1], Fixture.visit("v1", note: "追記"), replica: "replica-a", counter: 2)
            let refused = try await client.pushOK([late], replica: "replica-a", token: fx.visitor)
            #expect(refused.map(\.outcome) == [.rejected])
            #expect(refused.first?.code == RejectionCode.outOfScope.rawValue)
            #expect(refused.first?.message?.contains("higashi") == true)
            #expect(try await fx.store.allDocuments()["v1"] == [moved])

            let totals = try await client.send(.get, API.totalsPath + "?fy=2025&asOf=2025-09-30", token: fx.coordinator.secret)
            #expect(try totals.decode(TotalsReport.self).byDistrict.filter { $0.all > 0 }.map(\.key) == ["higashi"])
            #expect(try await fx.store.counters(fiscalYears: [2025]) == (try await fx.store.recount()))
        }
    }

    @Test("a move that does not build on every current version is refused: no sibling travels with it", arguments: StoreKind.available)
    func moveMustSupersedeSiblings(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let office = try await fx.store.issueToken(role: .office, name: "Nishi–Higashi office", districts: ["nishi", "higashi"])
            let v1 = Fixture.create(Fixture.visit("v1"), replica: "replica-a", counter: 1)
            let edit = try Fixture.edit([v1], Fixture.visit("v1", note: "西の追記"), replica: "replica-a", counter: 2)
            _ = try await client.pushOK([v1, edit], replica: "replica-a", token: fx.visitor)
            let stale = try Fixture.edit([v1], Fixture.visit("v1", district: "higashi"), replica: "replica-o", counter: 1)
            let results = try await client.pushOK([stale], replica: "replica-o", token: office)
            #expect(results.map(\.outcome) == [.rejected])
            #expect(results.first?.message?.contains("every current version") == true)
            #expect(try await fx.store.allDocuments()["v1"] == [edit])
        }
    }

    @Test("only an office moves a record, even a visitor covering both districts", arguments: StoreKind.available)
    func onlyAnOfficeMoves(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let visitor = try await fx.store.issueToken(role: .visitor, name: "Two-district visitor", districts: ["nishi", "higashi"])
            let v1 = Fixture.create(Fixture.visit("v1"), replica: "replica-b", counter: 1)
            _ = try await client.pushOK([v1], replica: "replica-b", token: visitor)
            let moved = try Fixture.edit([v1], Fixture.visit("v1", district: "higashi"), replica: "replica-b", counter: 2)
            let results = try await client.pushOK([moved], replica: "replica-b", token: visitor)
            #expect(results.map(\.outcome) == [.rejected])
            #expect(results.first?.message?.contains("only a district office") == true)
        }
    }
}
