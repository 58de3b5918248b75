import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// Activities (活動記録) on the server: stored and served like visits, in both stores, with the same scope rules.
@Suite("Activities on the server")
struct ActivityServerTests {
    static func activity(_ id: String, district: String = "nishi", category: ActivityCategory = "survey", count: Int = 2,
                         note: String? = "民児協定例会の準備（秘密のメモ）") -> DocumentPayload {
        .activity(Activity(id: id, category: category, date: LocalDate("2025-10-01")!, district: district, count: count,
                           visitorId: "m-1", visitorRole: .minseiIin, note: note))
    }

    @Test("an activity is stored, served to its 校区 only, and erased when deleted", arguments: StoreKind.available)
    func storedScopedErased(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let v1 = Fixture.create(Self.activity("act-1"), replica: a, counter: 1)
            #expect(try await client.pushOK([v1], replica: a, token: fx.visitor).map(\.outcome) == [.new])
            // Outside the token's 校区: refused, naming the district.
            let outside = Fixture.create(Self.activity("act-2", district: "higashi"), replica: a, counter: 2)
            let refused = try await client.pushOK([outside], replica: a, token: fx.visitor)
            #expect(refused.map(\.outcome) == [.rejected] && refused.first?.code == RejectionCode.outOfScope.rawValue)
            // A bad count is refused with the field named, and nothing is stored.
            let bad = Fixture.create(Self.activity("act-3", count: 0), replica: a, counter: 3)
            let invalid = try await client.pushOK([bad], replica: a, token: fx.visitor)
            #expect(invalid.first?.code == RejectionCode.invalidRecord.rawValue)
            #expect(invalid.first?.message?.contains("count: '0' is not accepted; accepted: a whole number from 1 to 99") == true)

            let page = try await client.changes(since: 0, token: fx.visitor, replica: a).decode(ChangesResponse.self)
            #expect(page.changes.map(\.documentId) == ["act-1"])
            #expect(page.changes.first?.type == .activity)
            #expect(page.changes.first?.versions == [v1])
            // A laptop from before activities (a pull naming no types) is not sent them: it would refuse the page.
            let older = try await client.changes(since: 0, token: fx.visitor, replica: a, types: nil).decode(ChangesResponse.self)
            #expect(older.changes.isEmpty)
            let unknownType = try await client.changes(since: 0, token: fx.visitor, replica: a, types: "visit,memo").decode(ChangesResponse.self)
            #expect(unknownType.changes.isEmpty, "a type this server does not know is passed over")
            let badTypes = try await client.changes(since: 0, token: fx.visitor, replica: a, types: "visit;DROP")
            #expect(badTypes.status == .badRequest)
            #expect(try badTypes.error().message.contains("types: 'visit;DROP' is not accepted"))
            // Another 校区's office does not see it.
            let other = try await client.changes(since: 0, token: fx.office, replica: "replica-office").decode(ChangesResponse.self)
            #expect(other.changes.isEmpty)

            let tombstone = try Fixture.edit([v1], Self.activity("act-1"), replica: a, counter: 4, deleted: true)
            #expect(try await client.pushOK([tombstone], replica: a, token: fx.visitor).map(\.outcome) == [.new])
            let stored = try await fx.store.allDocuments()["act-1"]
            #expect(stored?.map(\.payload) == [.erased(ErasedDocument(type: .activity, id: "act-1", district: "nishi"))])
            let json = String(decoding: try MimamoriJSON.encode(stored ?? []), as: UTF8.self)
            #expect(!json.contains("秘密のメモ") && !json.contains("survey"))
            // Activities never count as visits.
            #expect(try await fx.store.counters(fiscalYears: [2025]).isEmpty)
        }
    }
}
