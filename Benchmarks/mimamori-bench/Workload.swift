import Foundation
import MimamoriShared

/// Deterministic visit versions shaped like a city's year of work: 46 校区, a few hundred subjects each,
/// visitors on their own replicas, every visit written once by its visitor's replica.
struct Workload {
    static let districts = (1...46).map { String(format: "kouku-%02d", $0) }

    let versions: [Version]
    let replicas: [String]

    init(visits: Int, replicas replicaCount: Int = 20, seed: UInt64 = 42, fiscalYear: Int = 2025) {
        var rng = SplitMix(seed: seed)
        let replicas = (0..<replicaCount).map { String(format: "bench-replica-%03d", $0) }
        var counters = [UInt64](repeating: 0, count: replicaCount)
        let kinds: [VisitKind] = [.fureaiWatch, .fureaiWatch, .fureaiWatch, .minseiWatch, .kyoryokuinWatch, .outreach, .nichijiCheckin]
        let first = FiscalYear(fiscalYear).firstDay
        var out: [Version] = []
        out.reserveCapacity(visits)
        let epoch = Date(timeIntervalSince1970: 1_750_000_000)
        for i in 0..<visits {
            let r = Int.random(in: 0..<replicaCount, using: &rng)
            counters[r] += 1
            let kind = kinds.randomElement(using: &rng)!
            let district = Workload.districts[r % Workload.districts.count]
            let visit = Visit(
                id: DocumentID.make(now: epoch.addingTimeInterval(Double(i)), using: &rng), kind: kind,
                method: ContactMethod.known.randomElement(using: &rng)!,
                date: first.adding(days: Int.random(in: 0..<180, using: &rng)),
                durationMinutes: Int.random(in: 5...60, using: &rng), visitorId: "visitor-\(r)",
                visitorRole: .fureaiMember, assistsMinseiId: kind == .kyoryokuinWatch ? "minsei-1" : nil,
                subjectId: "S-\(r)-\(Int.random(in: 0..<500, using: &rng))", district: district,
                outcome: Outcome.known.randomElement(using: &rng)!, concerns: Bool.random(using: &rng) ? ["isolation"] : [],
                note: "定期訪問。お元気そうでした。")
            let dot = Dot(replica: replicas[r], counter: counters[r])
            out.append(Version(payload: .visit(visit), vector: VersionVector([replicas[r]: counters[r]]), dot: dot,
                               author: "visitor-\(r)", writtenAt: Timestamp(milliseconds: 1_750_000_000_000 + Int64(i))))
        }
        self.versions = out
        self.replicas = replicas
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
