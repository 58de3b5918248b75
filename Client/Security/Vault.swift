import _CryptoExtras
import Crypto
import Foundation
import GRDB

/// The passphrase-protected data key of one laptop database (table `vault`, one row, in clear).
///
/// A random 256-bit data key seals the free text; it is kept here only wrapped (sealed) by a key derived from
/// the visitor's passphrase with scrypt. A wrong passphrase fails the wrap's authentication, so it is refused
/// before anything is written. `keyCheck` (an HMAC of a fixed text under the data key) lets a key kept in the
/// login session's memory be recognised without scrypt, which is what keeps every command after the first fast.
struct Vault: Codable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "vault"
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    var id: Int64 = 1
    /// Random; names the file the unlocked key is kept in for the login session.
    var keyId: String
    var kdf: String
    var scryptN: Int
    var scryptR: Int
    var scryptP: Int
    var salt: Data
    var wrappedKey: Data
    var keyCheck: Data

    /// The table, created empty by the migration; the row is written when a passphrase is set.
    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("key_id", .text).notNull()
            t.column("kdf", .text).notNull()
            t.column("scrypt_n", .integer).notNull()
            t.column("scrypt_r", .integer).notNull()
            t.column("scrypt_p", .integer).notNull()
            t.column("salt", .blob).notNull()
            t.column("wrapped_key", .blob).notNull()
            t.column("key_check", .blob).notNull()
        }
    }

    /// A new vault around a new random data key.
    static func make(passphrase: String, parameters: KeyDerivation = .standard) throws -> (Vault, SymmetricKey) {
        let dataKey = SymmetricKey(size: .bits256)
        var salt = Data(count: 16)
        salt.withUnsafeMutableBytes { bytes in
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        }
        let wrapping = try parameters.derive(passphrase: passphrase, salt: salt)
        let wrapped = try Sealing.seal(dataKey.withUnsafeBytes { Data($0) }, .dataKey, key: wrapping)
        let vault = Vault(keyId: UUID().uuidString.lowercased(), kdf: "scrypt", scryptN: parameters.n,
                          scryptR: parameters.r, scryptP: parameters.p, salt: salt, wrappedKey: wrapped,
                          keyCheck: check(dataKey))
        return (vault, dataKey)
    }

    var parameters: KeyDerivation { KeyDerivation(n: scryptN, r: scryptR, p: scryptP) }

    /// The data key, or `ClientError.wrongPassphrase`.
    func unwrap(passphrase: String) throws -> SymmetricKey {
        let wrapping = try parameters.derive(passphrase: passphrase, salt: salt)
        guard let raw = try? Sealing.open(wrappedKey, .dataKey, key: wrapping) else { throw ClientError.wrongPassphrase }
        return SymmetricKey(data: raw)
    }

    /// Whether `key` (e.g. one kept for the session) is this vault's data key.
    func accepts(_ key: SymmetricKey) -> Bool { Vault.check(key) == keyCheck }

    private static func check(_ key: SymmetricKey) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("mimamori key check v1".utf8), using: key))
    }
}

/// scrypt's cost parameters, stored in the vault so that they can be raised later without losing old databases.
public struct KeyDerivation: Sendable, Hashable {
    public let n: Int
    public let r: Int
    public let p: Int

    /// N = 2^17, r = 8, p = 1: 128 MiB and about half a second, once per login session (OWASP's scrypt minimum).
    public static let standard = KeyDerivation(n: 1 << 17, r: 8, p: 1)
    /// For tests only: cheap, and no protection worth the name.
    public static let testing = KeyDerivation(n: 1 << 10, r: 8, p: 1)

    func derive(passphrase: String, salt: Data) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(passphrase.precomposedStringWithCanonicalMapping.utf8), salt: salt,
                                 outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
    }
}
