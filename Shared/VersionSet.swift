import Foundation

/// Raised when two versions have equal vectors but different content: a replica reused a counter.
/// That breaks the one promise version vectors rest on, so it is refused loudly, never papered over.
public struct CounterReuseError: Error, LocalizedError, Hashable, Sendable {
    public let documentId: String
    public let vector: VersionVector
    public var errorDescription: String? {
        "document \(documentId): two different versions carry the same version vector \(vector); a replica reused a write counter (was a database restored from backup without re-registering?)"
    }
}

/// What applying one incoming version did to a document's set of versions.
public enum ApplyOutcome: String, Sendable, Hashable, Codable {
    /// The version was new and now the only current one.
    case new
    /// The version was already held, or something held already descends from it.
    case known
    /// The version was new and is concurrent with another kept version.
    case conflict
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

    /// Applies one incoming version and says what it did.
    @discardableResult
    public mutating func apply(_ incoming: Version) throws -> ApplyOutcome {
        for held in versions {
            if held.vector == incoming.vector {
                guard held == incoming else {
                    throw CounterReuseError(documentId: incoming.documentId, vector: incoming.vector)
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
        var unique: [VersionVector: Version] = [:]
        for v in all {
            if let existing = unique[v.vector] {
                guard existing == v else { throw CounterReuseError(documentId: v.documentId, vector: v.vector) }
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
    public func write(_ payload: DocumentPayload, deleted: Bool = false, replica: String, counter: UInt64,
                      author: String, at time: Timestamp = .now()) -> Version {
        precondition(counter > mergedVector[replica], "a write counter must exceed every counter the replica used before")
        return Version(payload: payload, deleted: deleted, vector: mergedVector.setting(replica, to: counter),
                       dot: Dot(replica: replica, counter: counter), author: author, writtenAt: time)
    }
}
