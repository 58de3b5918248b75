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
        self.announcedNextSince = MimamoriJSON.announcedNextSince(bytes)
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
}
