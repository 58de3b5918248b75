import Foundation
import Testing
@testable import MimamoriShared

@Suite("Version vectors")
struct VersionVectorTests {
    @Test func comparesCausally() {
        let a = VersionVector(["A": 1])
        let ab = VersionVector(["A": 1, "B": 1])
        let b = VersionVector(["B": 2])
        #expect(a.compare(ab) == .before)
        #expect(ab.compare(a) == .after)
        #expect(a.compare(b) == .concurrent)
        #expect(ab.compare(ab) == .equal)
        #expect(VersionVector().compare(a) == .before)
    }

    @Test func mergeIsPointwiseMax() {
        let m = VersionVector(["A": 3, "B": 1]).merged(with: VersionVector(["B": 4, "C": 2]))
        #expect(m == VersionVector(["A": 3, "B": 4, "C": 2]))
        #expect(m.descends(from: VersionVector(["A": 3])))
    }

    @Test func zeroEntriesAreTheSameAsMissing() {
        #expect(VersionVector(["A": 0, "B": 1]) == VersionVector(["B": 1]))
    }

    @Test func jsonIsAnObjectOfCounters() throws {
        let json = String(decoding: try MimamoriJSON.encode(VersionVector(["b": 2, "a": 1])), as: UTF8.self)
        #expect(json == #"{"a":1,"b":2}"#)
    }
}

@Suite("Merge rule (properties over random histories)")
struct MergeLawTests {
    static let seeds: [UInt64] = Array(1...200)

    @Test("merge is commutative, associative and idempotent", arguments: seeds)
    func mergeLaws(seed: UInt64) throws {
        let h = try History(seed: seed)
        let sets = h.replicas.map { h.held[$0]! }
        let (a, b, c) = (sets[0], sets[1], sets[2])
        #expect(try a.merging(b) == b.merging(a))
        #expect(try a.merging(b).merging(c) == a.merging(b.merging(c)))
        #expect(try a.merging(a) == a)
        #expect(try a.merging(b).merging(b) == a.merging(b))
    }

    @Test("every delivery order gives the same survivors and display version", arguments: seeds)
    func deliveryOrder(seed: UInt64) throws {
        let h = try History(seed: seed)
        var rng = SeededRandom(seed: seed &* 31)
        let reference = try VersionSet(h.versions)
        for _ in 0..<5 {
            var set = VersionSet()
            for v in h.versions.shuffled(using: &rng) { try set.apply(v) }
            #expect(set == reference)
            #expect(set.display == reference.display)
        }
    }

    @Test("a write made from everything held descends from all of it", arguments: seeds)
    func writeSupersedesHeld(seed: UInt64) throws {
        let h = try History(seed: seed)
        for r in h.replicas {
            var set = h.held[r]!
            guard !set.isEmpty else { continue }
            let before = set.versions
            let w = set.write(History.visit("doc", note: "resolved"), replica: r, counter: h.counters[r]! + 1, author: r)
            for v in before { #expect(w.vector.compare(v.vector) == .after) }
            #expect(try set.apply(w) == .new)
            #expect(set.versions == [w])
        }
    }

    @Test("survivors never outnumber the replicas that wrote concurrently", arguments: seeds)
    func siblingsBounded(seed: UInt64) throws {
        let h = try History(seed: seed, replicaCount: 4, steps: 40)
        let all = try VersionSet(h.versions)
        #expect(all.versions.count <= Set(all.versions.map(\.dot.replica)).count)
        for v in all.versions {
            for w in all.versions where w != v { #expect(v.vector.compare(w.vector) == .concurrent) }
        }
    }

    @Test func concurrentEditsAreAConflictAndResolutionEndsIt() throws {
        var a = VersionSet()
        let base = a.write(History.visit("d", note: "first"), replica: "A", counter: 1, author: "a")
        try a.apply(base)
        var b = a
        let editA = a.write(History.visit("d", note: "A's edit"), replica: "A", counter: 2, author: "a")
        let editB = b.write(History.visit("d", note: "B's edit"), replica: "B", counter: 1, author: "b")
        #expect(try a.apply(editA) == .new)
        #expect(try b.apply(editB) == .new)
        #expect(try a.apply(editB) == .conflict)
        #expect(a.versions.count == 2)
        #expect(try a.apply(editA) == .known)
        #expect(try a.apply(base) == .known)  // superseded
        let resolved = a.write(History.visit("d", note: "agreed"), replica: "B", counter: 2, author: "b")
        #expect(try a.apply(resolved) == .new)
        #expect(a.versions == [resolved])
    }

    @Test func deleteConcurrentWithEditIsAConflictShowingTheLiveVersion() throws {
        var s = VersionSet()
        let base = s.write(History.visit("d", note: "x"), replica: "A", counter: 1, author: "a")
        try s.apply(base)
        let del = s.write(History.visit("d", note: "x"), deleted: true, replica: "A", counter: 5, author: "a")
        let edit = s.write(History.visit("d", note: "edited"), replica: "B", counter: 1, author: "b")
        try s.apply(del)
        #expect(try s.apply(edit) == .conflict)
        #expect(s.isConflict)
        #expect(s.display == edit, "a live version beats a deleted one even with a smaller dot")
    }

    @Test func equalVectorsWithDifferentContentAreRefusedLoudly() throws {
        var s = VersionSet()
        let v1 = Version(payload: History.visit("d", note: "one"), vector: VersionVector(["A": 1]),
                         dot: Dot(replica: "A", counter: 1), author: "a", writtenAt: Timestamp(milliseconds: 0))
        let v2 = Version(payload: History.visit("d", note: "two"), vector: VersionVector(["A": 1]),
                         dot: Dot(replica: "A", counter: 1), author: "a", writtenAt: Timestamp(milliseconds: 0))
        try s.apply(v1)
        #expect(throws: CounterReuseError.self) { try s.apply(v2) }
        #expect(s.versions == [v1], "the refused version changed nothing")
        #expect(throws: CounterReuseError.self) { try VersionSet([v1, v2]) }
    }

    @Test func structuralProblemsAreFound() {
        let bad = Version(payload: History.visit("d", note: ""), vector: VersionVector(["A": 2]),
                          dot: Dot(replica: "A", counter: 3), author: "a", writtenAt: .now())
        #expect(bad.structuralProblems.map(\.field) == ["dot"])
        let absurd = Version(payload: History.visit("d", note: ""), vector: VersionVector(["A": 1, "B": UInt64.max]),
                             dot: Dot(replica: "A", counter: 1), author: "a", writtenAt: .now())
        #expect(absurd.structuralProblems.map(\.field) == ["vector"])
    }

    @Test func versionRoundTripsThroughJSONUnchanged() throws {
        var s = VersionSet()
        let v = s.write(History.visit("d", note: "メモ"), replica: "A", counter: 7, author: "a",
                        at: Timestamp(Date(timeIntervalSince1970: 1_750_000_000.123)))
        try s.apply(v)
        let back = try MimamoriJSON.decode(Version.self, from: try MimamoriJSON.encode(v))
        #expect(back == v)
        #expect(try s.apply(back) == .known)
    }
}

@Suite("Random histories are not trivial")
struct HistoryGeneratorTests {
    @Test func historiesIncludeConflictsDeletesAndSupersededVersions() throws {
        var conflicts = 0, deletes = 0, superseded = 0
        for seed in MergeLawTests.seeds {
            let h = try History(seed: seed)
            let all = try VersionSet(h.versions)
            if all.isConflict { conflicts += 1 }
            if h.versions.contains(where: \.deleted) { deletes += 1 }
            if all.versions.count < h.versions.count { superseded += 1 }
        }
        // Without these the merge-law properties above would hold vacuously.
        #expect(conflicts > 20)
        #expect(deletes > 20)
        #expect(superseded > 100)
    }
}

/// The whole merge rule is Shared's: server and laptop refuse the same things with the same codes.
@Suite("Merge refusals")
struct MergeRefusalTests {
    static func visit(_ note: String) -> DocumentPayload {
        .visit(Visit(id: "d", kind: .fureaiWatch, date: LocalDate("2025-06-01")!, visitorId: "v", visitorRole: .fureaiMember,
                     subjectId: "S-1", district: "nishi", note: note))
    }

    @Test func theSameDotWithOtherContentIsACounterReused() throws {
        var s = VersionSet()
        let v1 = s.write(Self.visit("one"), replica: "A", counter: 1, author: "a")
        try s.apply(v1)
        // Same dot, another vector and content: a replica restored from backup writing again.
        let again = Version(payload: Self.visit("two"), vector: VersionVector(["A": 1, "B": 1]), dot: Dot(replica: "A", counter: 1),
                            author: "a", writtenAt: .now())
        let error = #expect(throws: CounterReuseError.self) { try s.apply(again) }
        #expect(error?.code == .counterReused)
        #expect(try s.apply(v1) == .known)
    }

    @Test func anotherDocumentTypeUnderTheSameIdIsRefused() throws {
        var s = VersionSet()
        try s.apply(s.write(Self.visit("one"), replica: "A", counter: 1, author: "a"))
        let subject = s.write(.subject(Subject(id: "d", name: "佐藤", district: "nishi")), replica: "A", counter: 2, author: "a")
        let error = #expect(throws: DocumentTypeMismatch.self) { try s.apply(subject) }
        #expect(error?.code == .invalidRecord)
        #expect(throws: DocumentTypeMismatch.self) { try VersionSet(s.versions + [subject]) }
    }
}
