import Foundation
import GRDB
import MimamoriShared

/// A row of `tokens`: the token's public facts and the SHA-256 hash of its secret.
struct TokenRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tokens"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var secretHash: String
    var role: String
    var name: String
    /// JSON array of 校区 names.
    var districts: String
    var replicaId: String?
    var createdAt: Int64
    var revokedAt: Int64?

    init(info: TokenInfo, secretHash: String) throws {
        id = info.id
        self.secretHash = secretHash
        role = info.role.rawValue
        name = info.name
        districts = String(decoding: try MimamoriJSON.encode(info.districts), as: UTF8.self)
        replicaId = info.replicaId
        createdAt = info.createdAt.milliseconds
        revokedAt = info.revokedAt?.milliseconds
    }

    func info() throws -> TokenInfo {
        guard let role = TokenRole(rawValue: role) else {
            throw StoreError.invalidToken("token \(id) has an unknown role '\(role)' in the database")
        }
        return TokenInfo(
            id: id, role: role, name: name,
            districts: try MimamoriJSON.decode([String].self, from: Data(districts.utf8)),
            replicaId: replicaId, createdAt: Timestamp(milliseconds: createdAt),
            revokedAt: revokedAt.map(Timestamp.init(milliseconds:)))
    }
}

extension TokenRow {
    /// A new token: its secret (printed once) and the row that stores only the secret's hash. The same for every store.
    static func issue(role: TokenRole, name: String, districts: [String]) throws -> (IssuedToken, TokenRow) {
        let secret = TokenSecret.make()
        let info = TokenInfo(id: TokenSecret.makeID(), role: role, name: name, districts: districts,
                             replicaId: nil, createdAt: .now(), revokedAt: nil)
        return (IssuedToken(info: info, secret: secret), try TokenRow(info: info, secretHash: TokenSecret.hash(secret)))
    }
}
