import Crypto
import Foundation
import MimamoriShared

/// A document as the server holds it: its current version set and where it belongs.
public struct StoredDocument: Sendable, Hashable {
    public var type: DocumentType
    /// 校区 of the display version: pull scoping follows it.
    public var district: String
    public var versions: VersionSet

    public init(type: DocumentType, district: String, versions: VersionSet) {
        self.type = type
        self.district = district
        self.versions = versions
    }

    /// Builds the stored form of a non-empty version set.
    init?(_ versions: VersionSet) {
        guard let display = versions.display else { return nil }
        self.init(type: display.type, district: display.payload.district, versions: versions)
    }
}

/// A batch applied before: its reply, and the SHA-256 of its content (nil for batches stored before the
/// hash was kept).
public struct StoredBatch: Sendable, Hashable {
    public let reply: Data
    public let contentHash: Data?

    public init(reply: Data, contentHash: Data?) {
        self.reply = reply
        self.contentHash = contentHash
    }
}

/// A `batchId` the replica already used for a batch with other content. Answering the first reply would
/// tell the client its second batch was stored when none of it was; it is a client bug to report.
public struct BatchReuseError: Error, LocalizedError, Sendable, Hashable {
    public let replica: String
    public let batchId: String
    public var errorDescription: String? {
        "batchId '\(batchId)' was already used by replica \(replica) for a batch with other content, and nothing of this batch was stored; a retry must resend exactly the same batch, and a new batch needs a new batchId (this is a client bug: report it)"
    }
}

/// One document a batch changed, to be written: its new state, what was stored before (nil: nothing), and
/// its new sequence.
public struct DocumentSave: Sendable {
    public let id: String
    public let document: StoredDocument
    public let previous: StoredDocument?
    public let sequence: Int64
    /// The canonical JSON (`VersionJSON`) of versions this batch brought, with their dots, made once per pushed
    /// version (nearly always one: a list, not a dictionary per document).
    public var versionJSON: [(dot: Dot, json: Data)] = []
    /// The change of its display version in counters' terms, when made before the transaction (nil: count it
    /// from `previous` and `document`).
    var displayChange: DisplayChange? = nil
    /// Its `displayChange` is already in the batch's sums made before the transaction (`PreparedPush.countedAhead`).
    var countedAhead = false

    /// The canonical JSON to store for one of `document`'s versions.
    public func json(of version: Version) -> Data {
        versionJSON.first { $0.dot == version.dot }?.json ?? VersionJSON.encode(version)
    }
}

/// The reads and writes one push needs, all inside one transaction of some backend, a set at a time: one read
/// for the stored sets of a whole batch, multi-row writes. The SQLite store implements it today; a PostgreSQL
/// store implements the same few statements and reuses `PushProcessor`.
public protocol PushTransaction {
    func epoch() throws -> String
    func storedBatch(replica: String, batchId: String) throws -> StoredBatch?
    /// The stored documents among `ids` (absent ids are not stored).
    func documents(_ ids: [String]) throws -> [String: StoredDocument]
    /// The highest counter of each replica's writes the server has accepted (absent: none).
    func highestCounters(of replicas: [String]) throws -> [String: UInt64]
    func lastSequence() throws -> Int64
    /// Writes each document's row with its version set.
    func saveDocuments(_ saves: [DocumentSave]) throws
    func setLastSequence(_ sequence: Int64) throws
    /// Raises (never lowers) the highest counter seen from each replica.
    func raiseHighestCounters(_ counters: [String: UInt64]) throws
    func addToCounters(_ deltas: [CounterKey: Int]) throws
    /// Records that a document left `from` for `to`, as a change of `from`'s feed with its own sequence.
    func recordMove(id: String, type: DocumentType, from: String, to: String, sequence: Int64) throws
    /// Stores a batch's reply, which refused `refused` of its versions.
    func storeReply(replica: String, batchId: String, contentHash: Data, body: Data, refused: Int) throws
}

/// The server's side of SYNC.md's push: checks each version, applies it through the shared merge rule
/// (`VersionSet.apply`), gives each changed document a new sequence and moves the indicator counters by
/// the change of its display version — all in the caller's transaction. The server never writes versions
/// of its own nor touches vectors.
public struct PushProcessor: Sendable {
    public let caller: Caller
    /// Latest visit date accepted: Japan-time today plus a day of slack for client clocks.
    public let today: LocalDate

    public init(caller: Caller, today: LocalDate) {
        self.caller = caller
        self.today = today
    }

    /// Everything of a push that does not depend on stored state, done before the store's transaction and its
    /// locks: each version's canonical JSON, the batch's content hash, the checks
    /// of each version on its own and against the caller, and the ids and replicas to read.
    public func prepare(_ request: PushRequest) -> PreparedPush {
        // Versions are read in place throughout: a version is a large value, costly to copy.
        request.versions.withUnsafeBufferPointer { prepare(request, versions: $0) }
    }

    private func prepare(_ request: PushRequest, versions: UnsafeBufferPointer<Version>) -> PreparedPush {
        // Each version's canonical JSON, in one buffer: hashed here and stored as it is by `saveDocuments`. A
        // request the fast reader read brings it, made from the body (versions sent canonical are copied, not
        // encoded again).
        let canonical = request.canonicalJSON ?? CanonicalPushBytes(request)
        // The hash of the batch's canonical JSON (the bytes `encodePush(request)` writes): a retry matches
        // whatever whitespace or key order it was sent in.
        var hasher = SHA256()
        hasher.update(data: canonical.head)
        hasher.update(data: canonical.joined)
        hasher.update(data: CanonicalPushBytes.tail)
        let contentHash = Data(hasher.finalize())
        let refusals = versions.indices.map { statelessRefusal(versions[$0], pushedBy: request.replicaId) }
        // What each acceptable version counts for should it become its document's display version.
        let contributions = versions.indices.map { refusals[$0] == nil ? DisplayContribution(versions[$0]) : .none }
        // The stored set of every document the batch names, and the highest counter the server has seen of every
        // other replica its vectors name, are read in one go (ids that cannot be valid are not looked up). Each
        // acceptable version gets its document's place in that list, so that the transaction's bookkeeping is
        // by position, not by id.
        var slotOf: [String: Int] = [:]
        slotOf.reserveCapacity(request.versions.count)
        var ids: [String] = []
        var slots: [Int] = []
        slots.reserveCapacity(request.versions.count)
        var others: Set<String> = []
        for i in versions.indices {
            guard refusals[i] == nil else { slots.append(-1); continue }
            let id = versions[i].documentId
            if let slot = slotOf[id] {
                slots.append(slot)
            } else {
                slotOf[id] = ids.count
                slots.append(ids.count)
                ids.append(id)
            }
            for other in versions[i].vector.counters.keys where other != request.replicaId { others.insert(other) }
        }
        // What the acceptable versions add to the counters, each as a new document's only version (nearly every
        // pushed version is one): summed here, outside the single writer, which then only corrects for the others.
        var ahead = CountedAhead()
        for i in versions.indices where refusals[i] == nil { ahead.add(contributions[i], sign: 1) }
        return PreparedPush(request: request, canonical: canonical, contentHash: contentHash, refusals: refusals,
                            contributions: contributions, countedAhead: ahead, documentIds: ids, slots: slots,
                            otherReplicas: Array(others))
    }

    /// `prepare` and `run` in one, for callers that hold no lock.
    public func run(_ request: PushRequest, in tx: some PushTransaction) throws -> PushReply {
        try run(prepare(request), in: tx)
    }

    /// The part of a push that reads and writes stored state, in the caller's transaction: the replay check, the
    /// server's checks against stored documents and counters, the merge, and the writes.
    /// With `leftovers`, what the batch's bookkeeping leaves is handed to it instead of freed here: a caller that
    /// holds a lock (the single writer) frees it after letting go.
    public func run(_ prepared: PreparedPush, in tx: some PushTransaction, leftovers: PushLeftovers? = nil) throws -> PushReply {
        // Versions are read in place throughout: a version is a large value, costly to copy.
        try prepared.request.versions.withUnsafeBufferPointer { try run(prepared, versions: $0, in: tx, leftovers: leftovers) }
    }

    private func run(_ prepared: PreparedPush, versions: UnsafeBufferPointer<Version>, in tx: some PushTransaction,
                     leftovers: PushLeftovers?) throws -> PushReply {
        let request = prepared.request
        let contentHash = prepared.contentHash
        if let stored = try tx.storedBatch(replica: request.replicaId, batchId: request.batchId) {
            if let hash = stored.contentHash, hash != contentHash {
                throw BatchReuseError(replica: request.replicaId, batchId: request.batchId)
            }
            return try StoredReply.expand(stored, versions: versions)
        }
        // One read for the whole batch.
        let ids = prepared.documentIds
        let stored = try tx.documents(ids)
        var state = BatchState(original: ids.map { stored[$0] })
        state.highest = try tx.highestCounters(of: prepared.otherReplicas)
        var results: [PushResult] = []
        results.reserveCapacity(request.versions.count)
        for index in versions.indices {
            if let refusal = prepared.refusals[index] {
                results.append(refusal)
            } else {
                results.append(try apply(versions[index], index: index, slot: prepared.slots[index], pushedBy: request.replicaId, state: &state))
            }
        }
        let refused = results.lazy.filter { $0.outcome == .rejected }.count

        var sequence = try tx.lastSequence()
        // Corrections to the sums made ahead (`PreparedPush.countedAhead`), for the versions that did not simply
        // become a new document's only version.
        var corrections = CountedAhead()
        var covered = [Bool](repeating: false, count: versions.count)
        var saves: [DocumentSave] = []
        saves.reserveCapacity(state.changedOrder.count)
        for slot in state.changedOrder {
            guard let document = state.documents[slot] else { continue }
            let id = ids[slot]
            sequence += 1
            let previous = state.original[slot]
            let brought = state.brought[slot]
            if previous == nil, brought.count == 1, document.versions.versions.count == 1 {
                // A new document whose one version this batch brought (nearly every pushed version): counted ahead,
                // exactly, so it needs no change of its own.
                let only = brought[0]
                covered[only] = true
                saves.append(DocumentSave(id: id, document: document, previous: nil, sequence: sequence,
                                          versionJSON: [(dot: versions[only].dot, json: prepared.canonical.json(at: only))],
                                          countedAhead: true))
                continue
            }
            if let previous, previous.district != document.district {
                try tx.recordMove(id: id, type: document.type, from: previous.district, to: document.district, sequence: sequence)
                sequence += 1
            }
            // The display after is nearly always a version this batch brought, counted before the lock; the one
            // before was stored, and is counted here.
            let broughtAfter: Int?
            if brought.count == 1, document.versions.versions.count == 1 {
                // The one version brought was applied and nothing of this batch superseded it: it is the set.
                broughtAfter = brought[0]
            } else {
                let dot = document.versions.display?.dot
                broughtAfter = brought.first { versions[$0].dot == dot }
            }
            let change = DisplayChange(before: previous.map { DisplayContribution($0.versions.display) } ?? .none,
                                       after: broughtAfter.map { prepared.contributions[$0] } ?? DisplayContribution(document.versions.display))
            // Its dashboard change is counted from the save by the transaction, as before.
            change.addIndicator(to: &corrections.indicator)
            saves.append(DocumentSave(id: id, document: document, previous: previous, sequence: sequence,
                                      versionJSON: brought.map { (dot: versions[$0].dot, json: prepared.canonical.json(at: $0)) },
                                      displayChange: change))
        }
        if !state.changedOrder.isEmpty {
            // Versions counted ahead that did not become a new document's only version (known, refused here, or
            // merged into a stored set) are taken back out; their documents' real changes were added above.
            for i in versions.indices where prepared.refusals[i] == nil && !covered[i] {
                corrections.add(prepared.contributions[i], sign: -1)
            }
            var counted = prepared.countedAhead
            counted.merge(corrections)
            if let recording = tx as? any CountingAheadTransaction {
                try recording.saveDocuments(saves, dashboardCounted: counted.dashboard)
            } else {
                try tx.saveDocuments(saves)
            }
            try tx.setLastSequence(sequence)
            try tx.raiseHighestCounters(state.raisedCounters)
            try tx.addToCounters(counted.indicator.filter { $0.value != 0 })
        }

        let response = PushResponse(batchId: request.batchId, epoch: try tx.epoch(), results: results)
        try tx.storeReply(replica: request.replicaId, batchId: request.batchId, contentHash: contentHash,
                          body: StoredReply.compact(response), refused: refused)
        leftovers?.keep([state, saves, stored, covered, corrections])
        return PushReply(response: response, replayed: false)
    }

    /// Documents and counters touched by this batch, held in memory and written once at the end. Documents are
    /// by their place in `PreparedPush.documentIds`.
    private struct BatchState {
        var documents: [StoredDocument?]
        /// As stored before this batch.
        let original: [StoredDocument?]
        var changedOrder: [Int] = []
        var changed: [Bool]
        var highest: [String: UInt64] = [:]
        var raisedCounters: [String: UInt64] = [:]
        /// The versions this batch brought to each document: their index in the request.
        var brought: [[Int]]

        init(original: [StoredDocument?]) {
            self.original = original
            documents = original
            changed = Array(repeating: false, count: original.count)
            brought = Array(repeating: [], count: original.count)
        }
    }

    private static func reject(_ version: Version, _ code: RejectionCode, _ message: String) -> PushResult {
        PushResult(documentId: version.documentId, dot: version.dot, outcome: .rejected, code: code.rawValue, message: message)
    }

    /// The refusal of a version on its own and against the caller, whatever is stored (nil: it passes these).
    func statelessRefusal(_ version: Version, pushedBy replica: String) -> PushResult? {
        func reject(_ code: RejectionCode, _ message: String) -> PushResult { Self.reject(version, code, message) }
        let structural = version.structuralProblems
        if !structural.isEmpty {
            return reject(.invalidRecord, "the version is malformed and was not stored: " + structural.map(\.description).joined(separator: "; "))
        }
        let problems = version.payload.problems(today: today, codes: .allowUnknown)
        if !problems.isEmpty {
            return reject(.invalidRecord, "the record was not stored; fix it on the device and save it again: " + problems.map(\.description).joined(separator: "; "))
        }
        if version.dot.replica != replica {
            return reject(.notOwnDot, "this version was written by replica \(version.dot.replica), but replica \(replica) pushed it; a replica pushes only its own writes (the server already has the others')")
        }
        let district = version.payload.district
        if !caller.districts.contains(district) {
            return reject(.outOfScope, "district '\(district)' is not among this token's districts (\(caller.token.districts.sorted().joined(separator: ", "))); ask the administrator for a token that covers it")
        }
        return nil
    }

    /// Applies a version that passed `statelessRefusal` to the batch's state: the checks against what is stored,
    /// then the merge.
    private func apply(_ version: Version, index: Int, slot: Int, pushedBy replica: String, state: inout BatchState) throws -> PushResult {
        func reject(_ code: RejectionCode, _ message: String) -> PushResult { Self.reject(version, code, message) }
        let district = version.payload.district
        let id = version.documentId
        let current = state.documents[slot]
        if let current {
            if !caller.districts.contains(current.district) {
                return reject(.outOfScope, "document \(id) is in district '\(current.district)' (a district office may have moved it there), which this token does not cover; the change was not stored — ask the office of '\(current.district)'")
            }
            // A move to another 校区 is an office's deliberate act, and it carries the whole record: it must build
            // on every current version, so no sibling of the old district travels to the new one.
            if current.district != district {
                if caller.role != .office {
                    return reject(.outOfScope, "document \(id) is in district '\(current.district)'; only a district office covering both '\(current.district)' and '\(district)' may move it")
                }
                if !version.vector.descends(from: current.versions.mergedVector) {
                    return reject(.invalidRecord, "moving document \(id) from '\(current.district)' to '\(district)' must build on every current version of it; pull, resolve any conflict, then move it again")
                }
            }
        }

        for (other, counter) in version.vector.counters where other != replica {
            let seen = state.highest[other] ?? 0
            if counter > seen {
                return reject(.unknownCounter, "the version vector claims write #\(counter) of replica \(other), but the server has only seen up to #\(seen) from it. If this version was written over a copy received from \(other) directly, push it again after \(other) has synced; otherwise this data did not come from this server (restored backup, or another server?) — re-register the replica")
            }
        }

        // The merge rule itself — reused counters, type changes, new / known / conflict — is Shared's, the
        // laptop's too; what is the server's alone (scope, moves, counters it has seen) is checked above.
        let outcome: PushOutcome
        if let current {
            var versions = current.versions
            do {
                outcome = try versions.apply(version)
            } catch let refusal as any MergeRefusal {
                return reject(refusal.code, refusal.errorDescription ?? "\(refusal)")
            }
            if outcome != .known { state.documents[slot] = StoredDocument(versions) }
        } else {
            // A new document (the bulk of any first push): the version alone is its set, nothing to merge.
            outcome = .new
            state.documents[slot] = StoredDocument(type: version.type, district: district, versions: VersionSet(only: version))
        }
        if outcome != .known {
            state.brought[slot].append(index)
            if !state.changed[slot] {
                state.changed[slot] = true
                state.changedOrder.append(slot)
            }
            if version.dot.counter > state.raisedCounters[replica] ?? 0 { state.raisedCounters[replica] = version.dot.counter }
        }
        return PushResult(documentId: id, dot: version.dot, outcome: outcome)
    }
}

/// What a push's bookkeeping (a thousand documents' sets, saves and rows) leaves behind, held so that it is freed
/// by whoever drops this, not inside the transaction: freeing it took ~1/10 of the single writer's time in `run`.
public final class PushLeftovers: @unchecked Sendable {
    private var kept: [Any] = []
    public init() {}
    fileprivate func keep(_ values: [Any]) { kept = values }
}

/// A batch's reply as it is stored: all a replay needs beyond the batch itself. A replay carries the same
/// versions (its content hash says so), and the result of every version that was not refused is its document id
/// and dot, taken from the batch, with its outcome: so only each outcome's letter is kept, and the refusals in
/// full (their messages tell of what was stored then). About one byte per version instead of ~120 of JSON.
/// Replies stored whole (before this form, or by a server that kept them so) are JSON, and start with `{`.
enum StoredReply {
    /// The first byte of the compact form; a whole reply starts with `{`.
    static let marker: UInt8 = 1
    private static func letter(_ outcome: PushOutcome) -> UInt8 {
        switch outcome {
        case .new: UInt8(ascii: "n")
        case .known: UInt8(ascii: "k")
        case .conflict: UInt8(ascii: "c")
        case .rejected: UInt8(ascii: "r")
        }
    }

    /// The marker, one letter per result, then the reply's JSON with the refused results alone.
    static func compact(_ response: PushResponse) -> Data {
        var out: [UInt8] = [marker]
        out.reserveCapacity(1 + response.results.count + 128)
        var refused: [PushResult] = []
        // Read in place: a result is a large value, not worth copying for its outcome.
        response.results.withUnsafeBufferPointer { results in
            for i in results.indices {
                out.append(letter(results[i].outcome))
                if results[i].outcome == .rejected { refused.append(results[i]) }
            }
        }
        out.append(contentsOf: MimamoriJSON.encodePushResponse(PushResponse(batchId: response.batchId, epoch: response.epoch, results: refused)))
        return Data(out)
    }

    /// The reply (and its exact bytes) of a stored batch, given the versions of the batch sent again.
    static func expand(_ stored: StoredBatch, versions: UnsafeBufferPointer<Version>) throws -> PushReply {
        guard stored.reply.first == marker else {
            return PushReply(response: try MimamoriJSON.decodePushResponse(stored.reply), body: stored.reply, replayed: true)
        }
        let bytes = stored.reply.dropFirst()
        let split = bytes.firstIndex(of: UInt8(ascii: "{")) ?? bytes.endIndex
        let outcomes = bytes[..<split]
        let refusals = try MimamoriJSON.decodePushResponse(Data(bytes[split...]))
        // The content hash matched, so this cannot fail short of a damaged database; it is said so, not guessed.
        guard stored.contentHash != nil, outcomes.count == versions.count,
              outcomes.filter({ $0 == UInt8(ascii: "r") }).count == refusals.results.count else {
            throw StoredReplyDamaged(batchId: refusals.batchId)
        }
        var refused = refusals.results.makeIterator()
        var results: [PushResult] = []
        results.reserveCapacity(versions.count)
        for (i, letter) in zip(versions.indices, outcomes) {
            if let outcome = [PushOutcome.new, .known, .conflict].first(where: { Self.letter($0) == letter }) {
                results.append(PushResult(documentId: versions[i].documentId, dot: versions[i].dot, outcome: outcome))
            } else {
                guard let r = refused.next() else { throw StoredReplyDamaged(batchId: refusals.batchId) }
                results.append(r)
            }
        }
        let response = PushResponse(batchId: refusals.batchId, epoch: refusals.epoch, results: results)
        return PushReply(response: response, replayed: true)
    }
}

/// A stored reply that does not fit the batch sent again under its batchId, though the content matched.
struct StoredReplyDamaged: Error, LocalizedError {
    let batchId: String
    var errorDescription: String? {
        "the stored reply of batch '\(batchId)' does not match the batch's versions; the server database may be damaged (run `PRAGMA integrity_check`); nothing of this batch was stored again"
    }
}

/// A push request with the work that needs no stored state done (`PushProcessor.prepare`): what the store's
/// transaction then applies.
public struct PreparedPush: Sendable {
    public let request: PushRequest
    /// The canonical JSON of each version, in one buffer.
    let canonical: CanonicalPushBytes
    /// SHA-256 of the batch's canonical JSON: a retry with other content is refused by it.
    let contentHash: Data
    /// For each version, its refusal when it fails a check that needs nothing stored (nil: it passes them).
    let refusals: [PushResult?]
    /// For each version, what it counts for as its document's display version (nothing for a refused one).
    let contributions: [DisplayContribution]
    /// The sum of `contributions` of the versions not refused already.
    let countedAhead: CountedAhead
    /// The document ids of the batch's acceptable versions, each once.
    let documentIds: [String]
    /// For each version, its document's place in `documentIds` (-1 for a version refused already).
    let slots: [Int]
    /// Other replicas the versions' vectors name, whose highest counters the server has seen are read.
    let otherReplicas: [String]
}
