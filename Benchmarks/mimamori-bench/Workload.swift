import Foundation
import MimamoriShared

/// Deterministic documents shaped like a city's year of work: visitors on their own replicas in 20 of the
/// 46 校区, 500 subjects, and visits to them. Any version can be made from its index alone, so 10M visits
/// stream through without being held in memory.
struct Workload {
    static let districts = (1...46).map { String(format: "kouku-%02d", $0) }
    static let replicaCount = 20
    static let subjectCount = 500
    static let subjectsPerReplica = subjectCount / replicaCount
    static let replicas = (0..<replicaCount).map { String(format: "bench-replica-%03d", $0) }
    static let kinds: [VisitKind] = [.fureaiWatch, .fureaiWatch, .fureaiWatch, .minseiWatch, .kyoryokuinWatch, .outreach, .nichijiCheckin]
    static let firstDay = FiscalYear(2025).firstDay

    static func district(ofReplica r: Int) -> String { districts[r * 2 % districts.count] }

    static func subjectID(_ j: Int) -> String { String(format: "S-%04d", j) }

    /// Subject j, written by replica j % 20.
    static func subject(_ j: Int) -> Version {
        let r = j % replicaCount
        let counter = UInt64(j / replicaCount + 1)
        let s = Subject(id: subjectID(j), name: "見守り 太郎 \(j)", district: district(ofReplica: r),
                        categories: ["solo_elderly"], cadenceDays: 30)
        return Version(payload: .subject(s), vector: VersionVector([replicas[r]: counter]),
                       dot: Dot(replica: replicas[r], counter: counter), author: "visitor-\(r)",
                       writtenAt: Timestamp(milliseconds: 1_743_465_600_000 + Int64(j)))
    }

    /// Visit i, written by replica i % 20 about one of that replica's subjects.
    static func visit(_ i: Int) -> Version {
        var rng = SeededRandom(seed: UInt64(i) &* 0x9E37_79B9 &+ 42)
        let r = i % replicaCount
        let counter = UInt64(subjectsPerReplica + i / replicaCount + 1)
        let kind = kinds.randomElement(using: &rng)!
        let subject = Int.random(in: 0..<subjectsPerReplica, using: &rng) * replicaCount + r
        let visit = Visit(
            id: DocumentID.make(now: Date(timeIntervalSince1970: 1_743_465_600 + Double(i) / 10), using: &rng),
            kind: kind, method: ContactMethod.known.randomElement(using: &rng)!,
            date: firstDay.adding(days: Int.random(in: 0..<180, using: &rng)),
            durationMinutes: Int.random(in: 5...60, using: &rng), visitorId: "visitor-\(r)",
            visitorRole: .fureaiMember, assistsMinseiId: kind == .kyoryokuinWatch ? "minsei-1" : nil,
            subjectId: subjectID(subject), district: district(ofReplica: r),
            outcome: Outcome.known.randomElement(using: &rng)!,
            concerns: Bool.random(using: &rng) ? ["isolation"] : [], note: "定期訪問。お元気そうでした。")
        return Version(payload: .visit(visit), vector: VersionVector([replicas[r]: counter]),
                       dot: Dot(replica: replicas[r], counter: counter), author: "visitor-\(r)",
                       writtenAt: Timestamp(milliseconds: 1_743_465_600_000 + Int64(i)))
    }
}

