import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import Testing

/// A few checks over real HTTP on a free port; everything else runs in-process.
@Suite("Live server")
struct LiveTests {
    @Test("push and pull over loopback HTTP through withRunningServer on port 0")
    func pushPullLive() async throws {
        let store = try SQLiteSyncStore.inMemory()
        let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
        let configuration = ServerConfiguration(port: 0, today: { ServerFixture.today })
        let (page, port) = try await withRunningServer(configuration, store: store) { base in
            #expect(base.port != 0)
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            var push = URLRequest(url: base.appendingPathComponent("v1/push"))
            push.httpMethod = "POST"
            push.setValue("Bearer \(token.secret)", forHTTPHeaderField: "Authorization")
            push.setValue("application/json", forHTTPHeaderField: "Content-Type")
            push.httpBody = try MimamoriJSON.encode(PushRequest(batchId: "b1", replicaId: "replica-a", versions: [v]))
            let (pushData, pushResponse) = try await URLSession.shared.data(for: push)
            #expect((pushResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(try MimamoriJSON.decode(PushResponse.self, from: pushData).results.map(\.outcome) == [.new])

            var pull = URLRequest(url: URL(string: base.absoluteString + API.changesPath + "?since=0")!)
            pull.setValue("Bearer \(token.secret)", forHTTPHeaderField: "Authorization")
            pull.setValue("replica-a", forHTTPHeaderField: API.replicaHeader)
            let (pullData, _) = try await URLSession.shared.data(for: pull)
            return (try MimamoriJSON.decode(ChangesResponse.self, from: pullData), base.port!)
        }
        #expect(page.changes.map(\.documentId) == ["visit-1"])
        // After the body returns the server is stopped.
        let url = URL(string: "http://127.0.0.1:\(port)\(API.healthPath)")!
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(from: url) }
    }

    @Test("the application answers health over a live connection (app.test(.live))")
    func healthLive() async throws {
        let fixture = try await ServerFixture()
        var configuration = fixture.configuration
        configuration.port = 0
        let app = buildApplication(configuration, store: fixture.store)
        try await app.test(.live) { client in
            let response = try await client.send(.get, API.healthPath, token: nil)
            #expect(response.status == .ok)
            #expect(try response.decode(HealthResponse.self).epoch == (try await fixture.store.epoch()))
        }
    }
}
