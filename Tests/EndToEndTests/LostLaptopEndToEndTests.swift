import Foundation
@testable import MimamoriClient
import MimamoriServer
import MimamoriShared
import Testing

/// Whether `text` appears in `bytes` as UTF-8, UTF-16LE or UTF-16BE.
private func contains(_ bytes: Data, _ text: String) -> Bool {
    let encodings: [Data] = [Data(text.utf8), text.data(using: .utf16LittleEndian)!, text.data(using: .utf16BigEndian)!]
    return encodings.contains { bytes.range(of: $0) != nil }
}

@Suite("A lost laptop gives nothing away, with a live server")
struct LostLaptopEndToEndTests {
    static let passphrase = "ひまわり畑で待ち合わせ"

    @Test("after logging, syncing and pulling others' work, the file and WAL hold no name, note or token in UTF-8 or UTF-16")
    func nothingReadable() async throws {
        try await Cluster.run(replicas: 2, passphrase: Self.passphrase) { c in
            try c.replicas[0].addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: Cluster.district, cadenceDays: 30,
                                                                              note: "長男が県外に住んでいる"))
            try c.log(0, subject: "S-0001", note: "ポストに新聞がたまっていた")
            try c.replicas[1].addSubject(id: "S-0002", fields: SubjectFields(name: "鈴木花子", district: Cluster.district, cadenceDays: 14))
            try c.log(1, subject: "S-0002", note: "膝が痛いと話していた")
            try await c.syncAll()
            try c.log(1, subject: "S-0001", note: "民生委員さんと一緒に訪問した")
            try await c.syncAll()
            try await c.expectConverged()

            let secrets = ["佐藤一郎", "鈴木花子", "長男が県外に住んでいる", "ポストに新聞がたまっていた", "膝が痛いと話していた",
                           "民生委員さんと一緒に訪問した"] + c.tokens.map(\.secret)
            for i in c.replicas.indices {
                // Each laptop holds its own and the other's work, readable with the key …
                #expect(Set(try c.replicas[i].subjects().map(\.subject.name)) == ["佐藤一郎", "鈴木花子"])
                let file = c.directory.appendingPathComponent("laptop-\(i)").appendingPathComponent(AppDatabase.fileName).path
                var bytes = Data()
                for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: file + suffix) ?? Data() }
                #expect(bytes.count > 0)
                // … and none of it without.
                for secret in secrets { #expect(!contains(bytes, secret), "laptop \(i): \(secret) readable in the file or WAL") }
                #expect(contains(bytes, "訪問者\(i)"), "the search finds what is in clear (the visitor's own name)")
            }
        }
    }

    @Test("a forgotten passphrase: init again and sync bring back everything that was synced")
    func forgottenPassphrase() async throws {
        try await Cluster.run(replicas: 2, passphrase: Self.passphrase) { c in
            try c.addSubject(0, "S-0001")
            try c.log(0, subject: "S-0001", note: "ポストに新聞がたまっていた")
            try c.addSubject(1, "S-0002")
            try await c.syncAll()
            let laptop = c.directory.appendingPathComponent("laptop-0")
            let expected = try c.replicas[0].visits().map(\.visit)
            #expect(try c.replicas[0].unsentChanges() == 0)
            let old = try c.replicas[0].requireReplica()

            let aside = try AppDatabase.setAside(directory: laptop)
            #expect(FileManager.default.fileExists(atPath: aside.path))
            let fresh = try AppDatabase.open(directory: laptop, create: true)
            try fresh.initReplica(visitorId: "visitor-0", name: "訪問者0", role: .fureaiMember, district: Cluster.district)
            try fresh.continueReplica(old)
            try fresh.encrypt(passphrase: "a new passphrase", parameters: .testing)
            try fresh.login(server: c.url.absoluteString, token: c.tokens[0].secret)
            _ = try await SyncEngine.forLogin(database: fresh).sync()
            #expect(try fresh.visits().map(\.visit) == expected)
            #expect(Set(try fresh.subjects().map(\.subject.id)) == ["S-0001", "S-0002"])
            // Writing on goes on from the old counter: nothing the server holds is overwritten.
            let next = try fresh.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: .today())
            #expect(try fresh.visitDetail(id: next.id).display.dot.counter > UInt64(old.counter))
            #expect(try await SyncEngine.forLogin(database: fresh).sync().rejected == 0)
        }
    }
}
