import Crypto
import Foundation
import MimamoriShared

/// What a bearer token allows. Visitors and district offices sync their own 校区; a coordinator
/// (生活支援コーディネーター) reads totals only, never names or notes; an admin manages tokens.
public enum TokenRole: String, Codable, Sendable, Hashable, CaseIterable {
    case visitor
    case office
    case coordinator
    case admin

    /// Roles that push and pull documents, and so must name districts and are bound to one replica.
    public var syncsDocuments: Bool { self == .visitor || self == .office }

    public static let acceptedDescription = allCases.map(\.rawValue).joined(separator: ", ")
}

/// A token as the server keeps it: everything but the secret, of which only the SHA-256 hash is stored.
public struct TokenInfo: Codable, Sendable, Hashable {
    public let id: String
    public let role: TokenRole
    public let name: String
    public let districts: [String]
    /// The replica the token was first used from (visitor and office tokens only); others are refused.
    public let replicaId: String?
    public let createdAt: Timestamp
    public let revokedAt: Timestamp?

    public init(id: String, role: TokenRole, name: String, districts: [String], replicaId: String?,
                createdAt: Timestamp, revokedAt: Timestamp?) {
        self.id = id; self.role = role; self.name = name; self.districts = districts
        self.replicaId = replicaId; self.createdAt = createdAt; self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A freshly issued token: the secret is shown once and never stored.
public struct IssuedToken: Sendable, Hashable {
    public let info: TokenInfo
    public let secret: String
}

/// Making and hashing bearer secrets.
public enum TokenSecret {
    /// `mmr_` + 32 random bytes as lower-case hex: easy to spot in a config file, impossible to guess.
    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return "mmr_" + bytes.map { $0.zeroPadded(2, radix: 16) }.joined()
    }

    /// A short public id used by `token list` and `token revoke`.
    public static func makeID() -> String {
        var rng = SystemRandomNumberGenerator()
        return "tok-" + (0..<5).map { _ in UInt8.random(in: .min ... .max, using: &rng).zeroPadded(2, radix: 16) }.joined()
    }

    /// SHA-256 of the secret, hex: what the database keeps.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { $0.zeroPadded(2, radix: 16) }.joined()
    }
}
