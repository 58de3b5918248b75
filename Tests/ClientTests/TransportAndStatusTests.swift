import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("HTTP transport addressing, login and status")
struct TransportAndStatusTests {
    @Test("request URLs keep a base path and carry the query", arguments: [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/changes?since=5&limit=10"),
        ("https://office.example.jp/mimamori/", "https://office.example.jp/mimamori/v1/changes?since=5&limit=10"),
    ])
    func urls(_ base: String, _ expected: String) throws {
        let t = HTTPTransport(baseURL: URL(string: base)!, token: "t", replicaId: "r")
        let url = try t.url(path: API.changesPath, query: [URLQueryItem(name: "since", value: "5"), URLQueryItem(name: "limit", value: "10")])
        #expect(url.absoluteString == expected)
    }

    @Test("an unreachable server is a network error that says the data is safe, and nothing changes")
    func unreachable() async throws {
        let db = try makeDatabase()
        try db.login(server: "http://127.0.0.1:9", token: "t")
        let before = try dump(db)
        var message = ""
        do { _ = try await SyncEngine.forLogin(database: db).sync() } catch { message = error.localizedDescription }
        #expect(message.contains("could not reach the server"))
        #expect(try dump(db) == before)
    }

    @Test("a reply over the cap is reported with the cap, in English and Japanese, and says nothing changed")
    func replyTooLargeMessages() {
        let error = ClientError.replyTooLarge(limit: HTTPTransport.defaultMaxReplyBytes)
        #expect(Language.english.strings.error(error).contains("larger than 128 MB"))
        #expect(Language.english.strings.error(error).contains("Nothing was changed"))
        #expect(Language.japanese.strings.error(error).contains("128 MB を超えて"))
        #expect(Language.japanese.strings.error(error).contains("何も変わっていません"))
    }

    @Test("status shows the replica, pending changes, server and last sync")
    func status() async throws {
        let db = try makeDatabase()
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        var s = try db.status()
        #expect(s.pendingChanges == 2)
        #expect(s.server == nil)
        #expect(s.lastSyncAt == nil)
        #expect(s.visits == 1 && s.subjects == 1)
        try db.login(server: "http://127.0.0.1:8080", token: "secret")
        let server = FakeServer()
        _ = try await SyncEngine(database: db, transport: FakeTransport(server: server)).sync()
        s = try db.status()
        #expect(s.server == "http://127.0.0.1:8080")
        #expect(s.pendingChanges == 0)
        #expect(s.lastSync?.pushed == 2)
        #expect(s.serverEpoch == "epoch-1")
        #expect(try db.serverSettings()?.token == "secret")
    }
}
