import Foundation

/// A version the merge rule refuses, with the code a push reply gives it. The same refusals on server and laptop.
public protocol MergeRefusal: Error, LocalizedError {
    var code: RejectionCode { get }
}

/// Raised when two versions have equal vectors, or the same dot, but different content: a replica reused a
/// counter. That breaks the one promise version vectors rest on, so it is refused loudly, never papered over.
public struct CounterReuseError: MergeRefusal, Hashable, Sendable {
    public let documentId: String
    public let vector: VersionVector
    public let dot: Dot
    public var code: RejectionCode { .counterReused }
    public var errorDescription: String? {
        "document \(documentId): two different versions carry the same dot \(dot) or version vector \(vector); replica \(dot.replica) reused a write counter (was a database restored from backup without re-registering?)"
    }
}

/// Raised when versions of one document id are of different types: a subject cannot reuse a visit's id.
public struct DocumentTypeMismatch: MergeRefusal, Hashable, Sendable {
    public let documentId: String
    public let held: DocumentType
    public let incoming: DocumentType
    public var code: RejectionCode { .invalidRecord }
    public var errorDescription: String? {
        "document \(documentId) is a \(held.rawValue); a \(incoming.rawValue) cannot reuse its id"
    }
}

/// The current versions of one document: those that no other known version descends from.
/// This is the one merge rule of SYNC.md, used by the server and every client alike.
public struct VersionSet: Hashable, Sendable {
    /// Sorted by dot, so equal sets are equal arrays whatever order versions arrived in.
    public private(set) var versions: [Version]

    public init() { versions = [] }

    /// Builds the set from any versions of one document (keeping only the maximal ones).
    public init<S: Sequence>(_ versions: S) throws where S.Element == Version {
        self.versions = try VersionSet.maximal(Array(versions))
    }

    /// The set of a document's first version: one version is its own maximal set.
    public init(only version: Version) { versions = [version] }

    public var isEmpty: Bool { versions.isEmpty }
    public var isConflict: Bool { versions.count > 1 }

    /// The vector a new local write starts from: everything held, merged.
    public var mergedVector: VersionVector { VersionVector.merged(versions.map(\.vector)) }

    /// The version shown while in conflict, identical on every replica: a live version beats a deleted one,
    /// then the greatest dot wins.
    public var display: Version? {
        versions.max { a, b in (a.isLive ? 1 : 0, a.dot) < (b.isLive ? 1 : 0, b.dot) }
    }

    /// The display version if it is live: what counts, lists and shows.
    public var liveDisplay: Version? { display.flatMap { $0.isLive ? $0 : nil } }

    /// Merges another set in (commutative, associative, idempotent).
    public func merging(_ other: VersionSet) throws -> VersionSet {
        // A set is already maximal, so merging with nothing is itself.
        if other.isEmpty { return self }
        if isEmpty { return other }
        var result = VersionSet()
        result.versions = try VersionSet.maximal(versions + other.versions)
        return result
    }

    /// Applies one incoming version and says what it did: `new` (now the only current version), `known`
    /// (held already, or superseded by what is held) or `conflict` (kept beside a concurrent version) — never
    /// `rejected`: a refusal is thrown as a `MergeRefusal` (a reused counter, another document type), which a
    /// push reply turns into `rejected` with its code. The one outcome type of server and laptop alike.
    @discardableResult
    public mutating func apply(_ incoming: Version) throws -> PushOutcome {
        if let held = versions.first, held.type != incoming.type {
            throw DocumentTypeMismatch(documentId: incoming.documentId, held: held.type, incoming: incoming.type)
        }
        for held in versions {
            if held.vector == incoming.vector || held.dot == incoming.dot {
                guard held == incoming else {
                    throw CounterReuseError(documentId: incoming.documentId, vector: incoming.vector, dot: incoming.dot)
                }
                return .known
            }
            if held.vector.descends(from: incoming.vector) { return .known }
        }
        versions = try VersionSet.maximal(versions + [incoming])
        return versions.count > 1 ? .conflict : .new
    }

    /// Keeps the versions that no other version strictly descends from; equal vectors must be equal versions.
    static func maximal(_ all: [Version]) throws -> [Version] {
        // One version is its own maximal set (the common case of a first pull: no hashing of vectors).
        if all.count <= 1 { return all }
        if let first = all.first, let other = all.first(where: { $0.type != first.type }) {
            throw DocumentTypeMismatch(documentId: other.documentId, held: first.type, incoming: other.type)
        }
        var unique: [VersionVector: Version] = [:]
        for v in all {
            if let existing = unique[v.vector] {
                guard existing == v else { throw CounterReuseError(documentId: v.documentId, vector: v.vector, dot: v.dot) }
            } else {
                unique[v.vector] = v
            }
        }
        let candidates = Array(unique.values)
        let kept = candidates.filter { v in
            !candidates.contains { w in w.vector != v.vector && w.vector.descends(from: v.vector) }
        }
        return kept.sorted { $0.dot < $1.dot }
    }
}

extension VersionSet {
    /// A local write (create, edit, delete, resolve): its vector is everything held, merged, with the writer's
    /// own entry set to its next counter — so it supersedes exactly the versions its writer had seen.
    /// `counter` must come from the replica's persisted counter and exceed every value it used before.
    /// A delete erases: the tombstone carries only `payload.erased` (id, type, district).
    public func write(_ payload: DocumentPayload, deleted: Bool = false, replica: String, counter: UInt64,
                      author: String, at time: Timestamp = .now()) -> Version {
        precondition(counter > mergedVector[replica], "a write counter must exceed every counter the replica used before")
        return Version(payload: deleted ? payload.erased : payload, deleted: deleted, vector: mergedVector.setting(replica, to: counter),
                       dot: Dot(replica: replica, counter: counter), author: author, writtenAt: time)
    }
}
