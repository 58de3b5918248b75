import Foundation
@testable import MimamoriShared


/// Replicas that each hold a version set of one document, write, and exchange versions in random order:
/// a random history of the kind SYNC.md describes.
struct History {
    var versions: [Version] = []   // every version any replica ever wrote
    var replicas: [String]
    var held: [String: VersionSet]
    var counters: [String: UInt64]

    static func visit(_ id: String, note: String, kind: VisitKind = .fureaiWatch) -> DocumentPayload {
        .visit(Visit(id: id, kind: kind, date: LocalDate("2025-06-01")!, visitorId: "v1", visitorRole: .fureaiMember,
                     subjectId: "S-1", district: "nishi", note: note))
    }

    /// Runs `steps` random actions: a replica writes (edit or delete) or receives what another holds.
    init(seed: UInt64, replicaCount: Int = 3, steps: Int = 20) throws {
        var rng = SeededRandom(seed: seed)
        replicas = (0..<replicaCount).map { "replica-\($0)" }
        held = Dictionary(uniqueKeysWithValues: replicas.map { ($0, VersionSet()) })
        counters = Dictionary(uniqueKeysWithValues: replicas.map { ($0, UInt64(0)) })
        for step in 0..<steps {
            let r = replicas.randomElement(using: &rng)!
            if Bool.random(using: &rng) {
                counters[r]! += UInt64.random(in: 1...3, using: &rng)  // one counter shared by all documents
                let v = held[r]!.write(History.visit("doc", note: "\(r) step \(step)",
                                                     kind: Bool.random(using: &rng) ? .fureaiWatch : .minseiWatch),
                                       deleted: Int.random(in: 0..<5, using: &rng) == 0, replica: r,
                                       counter: counters[r]!, author: r, at: Timestamp(milliseconds: Int64(step)))
                try held[r]!.apply(v)
                versions.append(v)
            } else {
                let from = replicas.randomElement(using: &rng)!
                held[r] = try held[r]!.merging(held[from]!)
            }
        }
    }
}
