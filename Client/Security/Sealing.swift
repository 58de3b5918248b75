import Crypto
import Foundation
import GRDB
import MimamoriShared

/// Free text at rest: names, notes and every other free text of subjects and visits (the whole canonical JSON
/// of each version), the subject name of the list projection, and the server token. Each is sealed with
/// AES-GCM under the database's data key, with a fresh random nonce per write, and bound to the column it
/// belongs in (the associated data), so a sealed note cannot be passed off as a token.
///
/// Stored form: `format ‖ nonce (12) ‖ ciphertext ‖ tag (16)` in blob columns; `sealed1:` + base64 of the same in
/// text columns. The format byte names the cipher: `0x02` AES-GCM (what is written), `0x01` ChaChaPoly (what
/// releases before wrote; still opened, never rewritten). Clear JSON starts with `{`, so a value written before
/// the first-run upgrade is still recognised.
///
/// Why AES-GCM: a first sync seals every pulled version, and on the x86 laptops (AES-NI and carry-less multiply)
/// swift-crypto's AES-GCM seals a visit's ~640 bytes in less CPU time than its ChaChaPoly (1.5 against 1.9 µs,
/// `mimamori-bench --sealing`; most of either is the wrapper's allocations, not the cipher). Both are 256-bit
/// AEADs with 96-bit random nonces, and a data key seals far fewer values than the 2^32 random nonces a key may
/// take.
enum Sealing {
    enum Purpose: String {
        case versionJSON = "mimamori version.json"
        case subjectName = "mimamori subject_index.name"
        case token = "mimamori replica.token"
        /// The server's reason for refusing a version: it may quote the refused name or note.
        case rejectMessage = "mimamori outbox.reject_message"
        case dataKey = "mimamori vault.wrapped_key"

        /// `rawValue`'s bytes, made once (a pulled group seals thousands of values).
        var authenticatedData: Data {
            switch self {
            case .versionJSON: return Self.versionJSONData
            case .subjectName: return Self.subjectNameData
            case .token: return Self.tokenData
            case .rejectMessage: return Self.rejectMessageData
            case .dataKey: return Self.dataKeyData
            }
        }

        private static let versionJSONData = Data(Purpose.versionJSON.rawValue.utf8)
        private static let subjectNameData = Data(Purpose.subjectName.rawValue.utf8)
        private static let tokenData = Data(Purpose.token.rawValue.utf8)
        private static let rejectMessageData = Data(Purpose.rejectMessage.rawValue.utf8)
        private static let dataKeyData = Data(Purpose.dataKey.rawValue.utf8)
    }

    /// The first byte of a stored value: the cipher it was sealed with.
    enum Format: UInt8 {
        /// Written by releases before AES-GCM; opened, never written.
        case chaChaPoly = 0x01
        case aesGCM = 0x02
    }

    /// What new values are sealed with.
    static let formatByte = Format.aesGCM.rawValue
    static let textPrefix = "sealed1:"

    static func seal(_ plain: Data, _ purpose: Purpose, key: SymmetricKey) throws -> Data {
        try seal(plain, purpose, key: key, nonce: AES.GCM.Nonce())
    }

    private static func seal(_ plain: Data, _ purpose: Purpose, key: SymmetricKey, nonce: AES.GCM.Nonce) throws -> Data {
        let box = try AES.GCM.seal(plain, using: key, nonce: nonce, authenticating: purpose.authenticatedData)
        // A 12-byte nonce always has a combined form.
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        var sealed = Data(capacity: 1 + combined.count)
        sealed.append(formatByte)
        sealed.append(combined)
        return sealed
    }

    /// Many values of one column sealed at once (a pulled page seals thousands): their random nonces are drawn
    /// from the system's generator with one call (`arc4random_buf`: one getrandom), not two calls per value, and
    /// the sealed values are written one after another into one buffer and handed back as slices of it, not made
    /// one `Data` each (with swift-crypto's own copies, the allocations were most of the cost of sealing).
    static func seal(_ plains: [Data], _ purpose: Purpose, key: SymmetricKey) throws -> [Data] {
        var nonces = [UInt8](repeating: 0, count: plains.count * nonceByteCount)
        nonces.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { arc4random_buf(base, buffer.count) }
        }
        var joined: [UInt8] = []
        joined.reserveCapacity(plains.reduce(0) { $0 + sealedOverhead + $1.count })
        var ends: [Int] = []
        ends.reserveCapacity(plains.count)
        for (i, plain) in plains.enumerated() {
            let start = i * nonceByteCount
            let nonce = try AES.GCM.Nonce(data: nonces[start..<(start + nonceByteCount)])
            let box = try AES.GCM.seal(plain, using: key, nonce: nonce, authenticating: purpose.authenticatedData)
            // A 12-byte nonce always has a combined form.
            guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
            joined.append(formatByte)
            combined.withUnsafeBytes { joined.append(contentsOf: $0) }
            ends.append(joined.count)
        }
        let all = Data(joined)
        var start = all.startIndex
        return ends.map { end in
            defer { start = all.startIndex + end }
            return all[start..<(all.startIndex + end)]
        }
    }

    /// What sealing adds to a value: the format byte, the nonce and AES-GCM's tag.
    private static let sealedOverhead = 1 + nonceByteCount + 16

    /// A pulled page's versions sealed for storage ahead of its write, by the task that fetched it (on the other
    /// core while a group is written), under the key the database had then: `json[i][j]` seals
    /// `versionJSON[i][j]`. The write uses them only under the same key, and seals anything else itself.
    struct PresealedPage: Sendable {
        let key: TaskKey
        let json: [[Data]]
    }

    /// The data key handed to the fetching task. `SymmetricKey` is an immutable value (its bytes never change
    /// once made) that this swift-crypto does not mark `Sendable`.
    struct TaskKey: @unchecked Sendable {
        let key: SymmetricKey
    }

    static func seal(_ received: ReceivedChanges, key: TaskKey) throws -> PresealedPage {
        // One call for the whole page's nonces, then cut back into the page's changes.
        var sealed = try seal(received.versionJSON.flatMap { $0 }, .versionJSON, key: key.key)[...]
        return PresealedPage(key: key, json: received.versionJSON.map { versions in
            defer { sealed = sealed.dropFirst(versions.count) }
            return Array(sealed.prefix(versions.count))
        })
    }

    /// The nonce of both ciphers: 96 bits.
    private static let nonceByteCount = 12

    /// Throws `CryptoKitError.authenticationFailure` for another key (or damaged bytes).
    static func open(_ sealed: Data, _ purpose: Purpose, key: SymmetricKey) throws -> Data {
        switch sealed.first.flatMap(Format.init(rawValue:)) {
        case .aesGCM:
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed.dropFirst()), using: key,
                                    authenticating: purpose.authenticatedData)
        case .chaChaPoly:
            return try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: sealed.dropFirst()), using: key,
                                       authenticating: purpose.authenticatedData)
        case nil:
            throw ClientError.sealedDataDamaged
        }
    }

    static func isSealed(_ stored: Data) -> Bool { stored.first.flatMap(Format.init(rawValue:)) != nil }
    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(textPrefix) }

    // MARK: Sealing and opening through a connection's keyring

    /// What to store: sealed when the database has a vault, as given before the first-run upgrade.
    static func seal(_ plain: Data, _ purpose: Purpose, in db: Database) throws -> Data {
        guard let key = try textKey(db) else { return plain }
        return try seal(plain, purpose, key: key)
    }

    /// `seal(_:_:in:)` of many values (see `seal(_:_:key:)` of many).
    static func seal(_ plains: [Data], _ purpose: Purpose, in db: Database) throws -> [Data] {
        guard let key = try textKey(db) else { return plains }
        return try seal(plains, purpose, key: key)
    }

    static func open(_ stored: Data, _ purpose: Purpose, in db: Database) throws -> Data {
        guard isSealed(stored) else { return stored }
        guard let key = Keyring.of(db)?.key else { throw ClientError.locked }
        do { return try open(stored, purpose, key: key) } catch is CryptoKitError { throw ClientError.sealedDataDamaged }
    }

    static func sealText(_ plain: String, _ purpose: Purpose, in db: Database) throws -> String {
        guard let key = try textKey(db) else { return plain }
        return try sealText(plain, purpose, key: key)
    }

    static func sealText(_ plain: String, _ purpose: Purpose, key: SymmetricKey) throws -> String {
        textPrefix + (try seal(Data(plain.utf8), purpose, key: key)).base64EncodedString()
    }

    static func openText(_ stored: String, _ purpose: Purpose, in db: Database) throws -> String {
        guard isSealed(stored) else { return stored }
        guard let key = Keyring.of(db)?.key else { throw ClientError.locked }
        guard let data = Data(base64Encoded: String(stored.dropFirst(textPrefix.count))) else { throw ClientError.sealedDataDamaged }
        do { return String(decoding: try open(data, purpose, key: key), as: UTF8.self) } catch is CryptoKitError {
            throw ClientError.sealedDataDamaged
        }
    }

    private static func textKey(_ db: Database) throws -> SymmetricKey? {
        switch Keyring.of(db)?.state ?? .clear {
        case .clear: return nil
        case .locked: throw ClientError.locked
        case let .unlocked(key): return key
        }
    }

    /// A version's canonical JSON, opened, decoded.
    static func version(_ stored: Data, in db: Database) throws -> Version {
        try VersionJSON.decode(open(stored, .versionJSON, in: db))
    }
}
