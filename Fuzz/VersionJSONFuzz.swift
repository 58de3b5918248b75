// libFuzzer target for the hand-written JSON reader (`VersionJSON`'s fast path), compiled together with
// Shared's sources into one module so it reaches the internal parser. Built and run by `Fuzz/run`:
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -O Shared/*.swift Fuzz/VersionJSONFuzz.swift -o .build/fuzz-versionjson
//
// The rule it checks, on every input: whenever the fast reader accepts, the Codable path (after
// `StrictJSON.check`) accepts too and gives an equal value, and both writers give the same bytes for it,
// which read back to the same value. Whenever the fast reader refuses, `decode` is exactly the Codable
// path. What is kept of a received version as its stored bytes (a push's, a pulled page's) is always
// `VersionJSON.encode` of the version read, whether copied or encoded again. The cursor a pull page's end
// announces (`announcedNextSince`) is the page's own whenever the page reads. Any difference, or any trap, is a crash libFuzzer reports and keeps.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersionJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    // The first byte picks the message type, so one corpus covers every reader entry point.
    guard let selector = data.first else { return 0 }
    let body = data.dropFirst()
    let bytes = Data(body)
    switch selector % 4 {
    case 0:
        let fast = bytes.withUnsafeBytes { VersionJSON.parse($0) }
        let codable = try? MimamoriJSON.decode(Version.self, from: bytes)
        check(fast: fast, codable: codable, encode: { VersionJSON.encode($0) }, reparse: { d in d.withUnsafeBytes { VersionJSON.parse($0) } })
        agree(try? VersionJSON.decode(bytes), codable)
    case 1:
        let fast = bytes.withUnsafeBytes { VersionJSON.parsePayload($0) }
        let codable = try? MimamoriJSON.decode(DocumentPayload.self, from: bytes)
        check(fast: fast, codable: codable, encode: { VersionJSON.encodePayload($0) }, reparse: { d in d.withUnsafeBytes { VersionJSON.parsePayload($0) } })
        agree(try? VersionJSON.decodePayload(bytes), codable)
    case 2:
        let codable = try? MimamoriJSON.decode(PushRequest.self, from: bytes)
        let decoded = try? MimamoriJSON.decodePush(bytes)
        agree(decoded, codable)
        if let decoded { agree(try? MimamoriJSON.decodePush(MimamoriJSON.encodePush(decoded)), decoded) }
        if let decoded { agree(MimamoriJSON.encodePush(decoded), try? MimamoriJSON.encode(decoded)) }
        // What the server stores of each version (copied from the body when the reader proved it canonical) is
        // always the canonical encoding of what was read.
        if let decoded, let canonical = decoded.canonicalJSON {
            for i in decoded.versions.indices { agree(canonical.json(at: i), VersionJSON.encode(decoded.versions[i])) }
        }
    default:
        let codable = try? MimamoriJSON.decode(ChangesResponse.self, from: bytes)
        let decoded = try? MimamoriJSON.decodeChanges(bytes)
        agree(decoded, codable)
        if let decoded { agree(MimamoriJSON.encodeChanges(decoded), try? MimamoriJSON.encode(decoded)) }
        // The cursor a page's end announces, read without decoding it, is the page's own whenever the page reads.
        if let announced = MimamoriJSON.announcedNextSince(bytes), let decoded {
            agree(announced, decoded.nextSince)
            agree(decoded.hasMore, true)
        }
        // What a laptop stores of each pulled version, likewise.
        if let received = try? ReceivedChanges.decode(bytes) {
            for (change, kept) in zip(received.page.changes, received.versionJSON) {
                for (version, json) in zip(change.versions, kept) { agree(json, VersionJSON.encode(version)) }
            }
        }
        let reply = try? MimamoriJSON.decodePushResponse(bytes)
        agree(reply, try? MimamoriJSON.decode(PushResponse.self, from: bytes))
    }
    return 0
}

func check<T: Hashable & Encodable>(fast: T?, codable: T?, encode: (T) -> Data, reparse: (Data) -> T?) {
    guard let fast else { return }
    guard let codable else { fatalError("the fast reader accepted what Codable refuses: \(fast)") }
    guard fast == codable else { fatalError("the fast reader and Codable read different values:\n\(fast)\n\(codable)") }
    let written = encode(fast)
    guard let encoded = try? MimamoriJSON.encode(fast), encoded == written else {
        fatalError("the fast writer and JSONEncoder write different bytes for \(fast)")
    }
    guard reparse(written) == fast else { fatalError("a value does not read back as itself: \(fast)") }
}

func agree<T: Equatable>(_ a: T?, _ b: T?) {
    guard a == b else { fatalError("the fast path and Codable disagree:\n\(String(describing: a))\n\(String(describing: b))") }
}
