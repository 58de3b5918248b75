import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MimamoriServer
import MimamoriShared
import Testing

@Suite("Version JSON kept as sent")
struct RawJSONTests {
    @Test("the elements of a member array are found byte for byte, whatever the layout")
    func elements() throws {
        let versions = [
            Fixture.create(Fixture.visit("visit-1", note: #"brackets ] } [ { and "quotes" and \ backslash"#), replica: "replica-a", counter: 1),
            Fixture.create(Fixture.subject("S-1", name: "山田 花子"), replica: "replica-a", counter: 2),
        ]
        for pretty in [false, true] {
            let request = try MimamoriJSON.encode(PushRequest(batchId: "b", replicaId: "replica-a", versions: versions), pretty: pretty)
            let elements = try #require(RawJSON.arrayElements(member: "versions", of: request))
            #expect(elements.count == 2)
            #expect(try elements.map { try MimamoriJSON.decode(Version.self, from: $0) } == versions)
            if !pretty { #expect(try elements == versions.map { try MimamoriJSON.encode($0) }) }
        }
    }

    @Test("surprises give nil, so the caller encodes instead", arguments: [
        #"{"versions": [1, 2], "versions": [3]}"#,   // duplicated member: which one would a decoder take?
        #"{"vers\u0069ons": [1]}"#,                  // escaped key
        #"{"versions": [1, 2"#,                      // truncated
        #"[1, 2]"#,                                  // not an object
        #"{"batchId": "x"}"#,                        // no such member
    ])
    func surprises(json: String) {
        #expect(RawJSON.arrayElements(member: "versions", of: Data(json.utf8)) == nil)
    }

    @Test("a version pushed as pretty-printed JSON is pulled back byte for byte")
    func roundTrip() async throws {
        try await ServerFixture.run { fx, client in
            let v = Fixture.create(Fixture.visit("visit-1", note: "メモ"), replica: "replica-a", counter: 1)
            let versionJSON = try MimamoriJSON.encode(v, pretty: true)
            let body = #"{"batchId": "b1", "replicaId": "replica-a", "versions": [ "# + String(decoding: versionJSON, as: UTF8.self) + " ]}"
            let push = try await client.send(.post, API.pushPath, token: fx.visitor.secret, body: ByteBuffer(string: body))
            #expect(try push.decode(PushResponse.self).results.map(\.outcome) == [.new])
            let pull = try await client.changes(since: 0, token: fx.visitor, replica: "replica-a")
            #expect(pull.text.contains(String(decoding: versionJSON, as: UTF8.self)))
            #expect(try pull.decode(ChangesResponse.self).changes.first?.versions == [v])
        }
    }

    @Test("a pull page written around stored JSON is exactly what encoding the response gives")
    func pageMatchesEncoder() async throws {
        try await ServerFixture.run { fx, client in
            let officeNishi = try await fx.store.issueToken(role: .office, name: "Nishi office", districts: ["nishi"])
            let v1 = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            let v2 = Fixture.create(Fixture.subject("S-1"), replica: "replica-a", counter: 2)
            _ = try await client.pushOK([v1, v2], replica: "replica-a", token: fx.visitor)
            let b = try Fixture.edit([v1], Fixture.visit("visit-1", note: "b"), replica: "replica-b", counter: 1)
            let a = try Fixture.edit([v1], Fixture.visit("visit-1", note: "a"), replica: "replica-a", counter: 3)
            _ = try await client.pushOK([b], replica: "replica-b", token: officeNishi)
            _ = try await client.pushOK([a], replica: "replica-a", token: fx.visitor)
            for (since, limit) in [(Int64(0), 1), (0, 5), (2, 5), (10, 5)] {
                let json = try await fx.store.changesJSON(since: since, limit: limit, districts: ["nishi"])
                let decoded = try MimamoriJSON.decode(ChangesResponse.self, from: json)
                #expect(json == (try MimamoriJSON.encode(decoded)))
            }
            let all = try await fx.store.changes(since: 0, limit: 5, districts: ["nishi"])
            #expect(all.changes.map(\.documentId) == ["S-1", "visit-1"])
            #expect(all.changes[1].versions == [b, a].sorted { $0.dot < $1.dot })
            #expect(all.changes[1].versions.count == 2)
        }
    }
}
