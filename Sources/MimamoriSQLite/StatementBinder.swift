import Foundation
import GRDB
import GRDBSQLite

/// Binds a multi-row statement's values straight to SQLite, in order, with no `StatementArguments` (an array of
/// existentials per row) built: what the laptop's `DocumentBatch.write` does for the thousands of rows of a pulled
/// group, and the server's push for a batch's documents and versions. The first failing bind is kept and thrown by
/// `execute`.
package struct StatementBinder {
    private let statement: Statement
    private let sqlite: OpaquePointer
    private var index: Int32 = 1
    private var failure: Int32 = SQLITE_OK

    /// Resets `statement` and clears its bindings; GRDB then holds no arguments of its own for it.
    package init(_ statement: Statement) {
        statement.setUncheckedArguments(StatementArguments())
        self.statement = statement
        sqlite = statement.sqliteStatement
    }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private mutating func next(_ code: Int32) {
        if failure == SQLITE_OK, code != SQLITE_OK { failure = code }
        index += 1
    }

    package mutating func text(_ value: String) {
        var value = value
        let (s, i) = (sqlite, index)
        next(value.withUTF8 { Self.bindText(s, i, UnsafeRawBufferPointer($0)) })
    }

    package mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// Text given as its UTF-8 bytes (a version's canonical JSON), without a copy into a `String`.
    package mutating func text(utf8 value: Data) {
        let (s, i) = (sqlite, index)
        next(value.withUnsafeBytes { Self.bindText(s, i, $0) })
    }

    /// An empty buffer may have no address, and a null pointer would bind NULL: "" is bound instead.
    private static func bindText(_ s: OpaquePointer, _ i: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return sqlite3_bind_text(s, i, "", 0, transient) }
        guard let length = Int32(exactly: bytes.count) else { return SQLITE_TOOBIG }
        return sqlite3_bind_text(s, i, base.assumingMemoryBound(to: CChar.self), length, transient)
    }

    /// Bytes as a blob (as GRDB binds `Data`).
    package mutating func blob(_ value: Data) {
        let (s, i) = (sqlite, index)
        next(value.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return sqlite3_bind_zeroblob(s, i, 0) }
            guard let length = Int32(exactly: bytes.count) else { return SQLITE_TOOBIG }
            return sqlite3_bind_blob(s, i, base, length, Self.transient)
        })
    }

    package mutating func int(_ value: Int64) { next(sqlite3_bind_int64(sqlite, index, value)) }

    package mutating func int(_ value: Int?) {
        if let value { int(Int64(value)) } else { null() }
    }

    /// 1 or 0, as GRDB stores a `Bool`.
    package mutating func bool(_ value: Bool) { int(value ? 1 : 0) }

    package mutating func null() { next(sqlite3_bind_null(sqlite, index)) }

    /// Runs the statement with the values bound, or throws the first bind that failed.
    package func execute(_ what: String) throws {
        try query(what).execute()
    }

    /// The statement with the values bound, for reading its rows (`Row.fetchCursor(_:)` with no arguments), or
    /// throws the first bind that failed.
    package func query(_ what: String) throws -> Statement {
        if failure != SQLITE_OK {
            throw DatabaseError(resultCode: ResultCode(rawValue: failure), message: "binding the values of \(what)", sql: statement.sql)
        }
        return statement
    }
}
