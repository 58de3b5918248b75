import Foundation
import MimamoriShared

/// Writes a `ChangesResponse` as JSON around version JSON already stored, with the keys in the sorted order
/// `MimamoriJSON` uses, so a pull page costs no decoding or re-encoding of versions.
/// `ChangesPageTests` checks that the result decodes to what encoding the same `ChangesResponse` gives.
struct ChangesPageWriter {
    private var out: [UInt8] = []
    private let epoch: String
    private var nextSince: Int64
    private var documentOpen = false
    private var firstDocument = true
    private var firstVersion = true

    init(epoch: String, since: Int64) {
        self.epoch = epoch
        self.nextSince = since
        out.reserveCapacity(64 * 1024)
        out.append(contentsOf: #"{"changes":["#.utf8)
    }

    /// `movedTo`: the document left the caller's districts for this one (a move notice; no versions follow).
    mutating func beginDocument(id: String, type: String, sequence: Int64, movedTo: String? = nil) {
        closeDocument()
        if !firstDocument { out.append(UInt8(ascii: ",")) }
        firstDocument = false
        out.append(contentsOf: #"{"documentId":"#.utf8)
        appendString(id)
        if let movedTo {
            out.append(contentsOf: #","movedTo":"#.utf8)
            appendString(movedTo)
        }
        out.append(contentsOf: #","sequence":\#(sequence),"type":"#.utf8)
        appendString(type)
        out.append(contentsOf: #","versions":["#.utf8)
        documentOpen = true
        firstVersion = true
        nextSince = sequence
    }

    mutating func addVersion(_ json: String) {
        if !firstVersion { out.append(UInt8(ascii: ",")) }
        firstVersion = false
        out.append(contentsOf: json.utf8)
    }

    /// A document's versions as the SQLite store keeps them (`StoredVersionSet`: JSON joined by newlines), each
    /// one added; nothing for an empty set.
    /// Read from the stored bytes in place (`Row.withUnsafeData`): made into a `String` first, each page's versions
    /// were checked as UTF-8 and copied once more, a tenth of the server's work for a pull.
    mutating func addVersions(_ stored: Data) {
        stored.withUnsafeBytes { addVersions($0) }
    }

    /// `addVersions` of versions read as text (PostgreSQL's `documents.versions`).
    mutating func addVersions(_ stored: String) {
        var stored = stored
        stored.withUTF8 { addVersions(UnsafeRawBufferPointer($0)) }
    }

    private mutating func addVersions(_ raw: UnsafeRawBufferPointer) {
        guard let base = raw.baseAddress, !raw.isEmpty else { return }
        if !firstVersion { out.append(UInt8(ascii: ",")) }
        firstVersion = false
        let start = out.count
        out.append(contentsOf: raw)
        // Only a document in conflict has more than one version: its separators become the array's commas.
        guard memchr(base, Int32(StoredVersionSet.separator), raw.count) != nil else { return }
        for i in start..<out.count where out[i] == StoredVersionSet.separator { out[i] = UInt8(ascii: ",") }
    }

    mutating func finish(hasMore: Bool) -> Data {
        closeDocument()
        out.append(contentsOf: #"],"epoch":"#.utf8)
        appendString(epoch)
        out.append(contentsOf: #","hasMore":\#(hasMore),"nextSince":\#(nextSince)}"#.utf8)
        return Data(out)
    }

    private mutating func closeDocument() {
        if documentOpen { out.append(contentsOf: "]}".utf8) }
        documentOpen = false
    }

    private mutating func appendString(_ s: String) {
        MimamoriJSON.appendString(s, to: &out)
    }
}
