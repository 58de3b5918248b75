import Foundation
import MimamoriShared

/// A pull page as it arrived, not read yet: the sync engine asks for the next page with `announcedNextSince`
/// before it reads (decodes) this one, so that the server writes the next page while the laptop reads this one.
public struct PageBody: Sendable {
    private let bytes: Data
    private let received: ReceivedChanges?
    /// The `nextSince` the page's last bytes announce when they also say there are more, found without reading
    /// the page: a hint only. The engine keeps a page asked for with it only when reading this page gives the same
    /// `nextSince` and `hasMore` (a page that says otherwise is dropped, and the right one asked for).
    public let announcedNextSince: Int64?

    /// A `/v1/changes` reply's bytes, read by `read()`.
    public init(bytes: Data) {
        self.bytes = bytes
        self.received = nil
        self.announcedNextSince = Self.announcedNextSince(bytes)
    }

    /// A page read already (test doubles), with what it announces, if anything.
    public init(_ received: ReceivedChanges, announcedNextSince: Int64? = nil) {
        self.bytes = Data()
        self.received = received
        self.announcedNextSince = announcedNextSince
    }

    /// The page, each version's bytes kept as received (`ReceivedChanges.decode`).
    public func read() throws -> ReceivedChanges {
        if let received { return received }
        do { return try ReceivedChanges.decode(bytes) } catch {
            throw ClientError.badServerReply(MimamoriJSON.describe(error))
        }
    }

    /// What every page a Mimamori server writes ends with when there are more (`ChangesPageWriter` and
    /// `MimamoriJSON` both write the keys sorted, so `nextSince` comes last, after `hasMore`).
    private static let moreTail = Array(#","hasMore":true,"nextSince":"#.utf8)

    /// `N` when `bytes` end with `,"hasMore":true,"nextSince":N}` (and perhaps white space), N at most 18 digits;
    /// nil for anything else (a last page, another key order): the engine then reads the page before asking for the
    /// next, as it would without.
    static func announcedNextSince(_ bytes: Data) -> Int64? {
        bytes.withUnsafeBytes { raw -> Int64? in
            let b = raw.bindMemory(to: UInt8.self)
            var end = b.count
            while end > 0, [0x20, 0x0A, 0x0D, 0x09].contains(b[end - 1]) { end -= 1 }
            guard end > 0, b[end - 1] == UInt8(ascii: "}") else { return nil }
            end -= 1
            var start = end
            while start > 0, end - start < 19, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[start - 1]) { start -= 1 }
            // 18 digits always fit an Int64.
            guard start < end, end - start <= 18, start >= moreTail.count else { return nil }
            for (i, byte) in moreTail.enumerated() where b[start - moreTail.count + i] != byte { return nil }
            return b[start..<end].reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
    }
}
