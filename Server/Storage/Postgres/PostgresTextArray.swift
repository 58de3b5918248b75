import Foundation
import NIOCore
import PostgresNIO

/// A `text[]` bind made from UTF-8 bytes the server already holds — each version set's canonical JSON, which the
/// server wrote itself or whose strings the push's reader checked — written into the bind as they are, and from
/// strings, each written as it is appended. Bound as `[String]`, each version set was first copied into a `String`
/// (checking its UTF-8 again) and then copied out of it (about 1/10 of the push thread's time for a batch of 1000
/// documents of ~750 bytes), and PostgresNIO's generic array encoding of the ids, types and 校区 took as much
/// again. PostgreSQL still checks every element's encoding when it receives the array.
struct PostgresTextArray: PostgresNonThrowingEncodable, Sendable {
    /// Each element as PostgreSQL's binary array format has it: its length (Int32), then its bytes.
    private var elements = ByteBuffer()
    private(set) var count = 0

    static var psqlType: PostgresDataType { .textArray }
    static var psqlFormat: PostgresFormat { .binary }

    mutating func append(_ bytes: Data) {
        elements.writeInteger(Int32(truncatingIfNeeded: bytes.count))
        elements.writeBytes(bytes)
        count += 1
    }

    mutating func append(_ string: String) {
        elements.writeInteger(Int32(truncatingIfNeeded: string.utf8.count))
        elements.writeString(string)
        count += 1
    }

    /// The binary format of a one-dimensional array without NULLs (what PostgresNIO writes for `[String]`): the
    /// number of dimensions (0 when empty), no NULL bitmap, the element type, then the length and lower bound of
    /// the one dimension and the elements.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(count == 0 ? 0 : 1, as: UInt32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(PostgresDataType.text.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(truncatingIfNeeded: count))
        buffer.writeInteger(1, as: Int32.self)
        var elements = elements
        buffer.writeBuffer(&elements)
    }
}
