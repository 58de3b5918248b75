import Crypto
import Foundation
import GRDB
import MimamoriShared

/// Free text at rest: names, notes and every other free text of subjects and visits (the whole canonical JSON
/// of each version), the subject name of the list projection, and the server token. Each is sealed with
/// ChaChaPoly under the database's data key, with a fresh random nonce per write, and bound to the column it
/// belongs in (the associated data), so a sealed note cannot be passed off as a token.
///
/// Stored form: `0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)` in blob columns; `sealed1:` + base64 of the same in
/// text columns. Clear JSON starts with `{`, so a value written before the upgrade is still recognised.
enum Sealing {
    enum Purpose: String {
        case versionJSON = "mimamori version.json"
        case subjectName = "mimamori subject_index.name"
        case token = "mimamori replica.token"
        /// The server's reason for refusing a version: it may quote the refused name or note.
        case rejectMessage = "mimamori outbox.reject_message"
        case dataKey = "mimamori vault.wrapped_key"
    }

    static let formatByte: UInt8 = 0x01
    static let textPrefix = "sealed1:"

    static func seal(_ plain: Data, _ purpose: Purpose, key: SymmetricKey) throws -> Data {
        try seal(plain, purpose, key: key, nonce: ChaChaPoly.Nonce())
    }

    private static func seal(_ plain: Data, _ purpose: Purpose, key: SymmetricKey, nonce: ChaChaPoly.Nonce) throws -> Data {
        let box = try ChaChaPoly.seal(plain, using: key, nonce: nonce, authenticating: Data(purpose.rawValue.utf8))
        var sealed = Data(capacity: 1 + box.combined.count)
        sealed.append(formatByte)
        sealed.append(box.combined)
        return sealed
    }

    /// Many values of one column sealed at once (a pulled page seals hundreds): their random nonces are drawn
    /// from the system's generator with one call (`arc4random_buf`: one getrandom), not two calls per value.
    static func seal(_ plains: [Data], _ purpose: Purpose, key: SymmetricKey) throws -> [Data] {
        var nonces = [UInt8](repeating: 0, count: plains.count * nonceByteCount)
        nonces.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { arc4random_buf(base, buffer.count) }
        }
        return try plains.enumerated().map { i, plain in
            let start = i * nonceByteCount
            return try seal(plain, purpose, key: key, nonce: ChaChaPoly.Nonce(data: nonces[start..<(start + nonceByteCount)]))
        }
    }

    /// ChaChaPoly's nonce: 96 bits.
    private static let nonceByteCount = 12

    /// Throws `CryptoKitError.authenticationFailure` for another key (or damaged bytes).
    static func open(_ sealed: Data, _ purpose: Purpose, key: SymmetricKey) throws -> Data {
        guard isSealed(sealed) else { throw ClientError.sealedDataDamaged }
        let box = try ChaChaPoly.SealedBox(combined: Data(sealed.dropFirst()))
        return try ChaChaPoly.open(box, using: key, authenticating: Data(purpose.rawValue.utf8))
    }

    static func isSealed(_ stored: Data) -> Bool { stored.first == formatByte }
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
