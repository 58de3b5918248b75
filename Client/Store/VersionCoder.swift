import Foundation
import GRDB
import MimamoriShared

/// Reads and writes versions as table columns: the payload as MimamoriJSON, the vector as `replica=counter;…`,
/// the dot, author and time as plain columns (time in milliseconds).
///
/// Why not one JSON blob per version: Shared's `Timestamp` makes a new ISO 8601 formatter for every encode and
/// two for every decode, which made pulling 100,000 visits take minutes. Every field of `Version` is stored
/// exactly (the time is kept to the millisecond, as `Timestamp` itself is), so a version read back is `==` to
/// the one written — which the merge rule's counter-reuse check relies on.
/// The payload JSON goes through `VersionJSON` (the same bytes as `MimamoriJSON`, without Codable's cost).
final class VersionCoder {
    static let columns = columns(of: nil)

    /// The columns, qualified by a table alias for joins.
    static func columns(of alias: String?) -> String {
        ["document_id", "dot_replica", "dot_counter", "deleted", "vector", "payload", "author", "written_at"]
            .map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }

    /// The payload as `MimamoriJSON.encode` writes it, byte for byte, through the fast writer.
    func encode(_ payload: DocumentPayload) throws -> Data { VersionJSON.encodePayload(payload) }

    /// The fast reader, falling back to Codable on anything unusual (so errors are Codable's).
    func decodePayload(_ data: Data) throws -> DocumentPayload { try VersionJSON.decodePayload(data) }

    /// The arguments for `columns`, with the payload already encoded (so callers can reuse it).
    func arguments(_ v: Version, payload: Data) -> StatementArguments {
        [v.documentId, v.dot.replica, Int64(v.dot.counter), v.deleted, VersionCoder.vectorText(v.vector), payload, v.author,
         v.writtenAt.milliseconds]
    }

    /// A version from a row selecting `columns`.
    func version(_ row: Row) throws -> Version {
        let payload = try decodePayload(row[5])
        let dot = Dot(replica: row[1], counter: UInt64(row[2] as Int64))
        return Version(payload: payload, deleted: row[3], vector: try VersionCoder.vector(row[4]), dot: dot,
                       author: row[6], writtenAt: Timestamp(milliseconds: row[7]))
    }

    static func vectorText(_ vector: VersionVector) -> String {
        vector.counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    static func vector(_ text: String) throws -> VersionVector {
        var counters: [String: UInt64] = [:]
        for entry in text.split(separator: ";") {
            guard let eq = entry.lastIndex(of: "="), let n = UInt64(entry[entry.index(after: eq)...]) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "bad version vector '\(text)'")
            }
            counters[String(entry[..<eq])] = n
        }
        return VersionVector(counters)
    }
}
