import Foundation
import MimamoriShared

/// Prints command results as text or as JSON (the shapes of docs/cli-json.md).
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        print(String(decoding: try MimamoriJSON.encode(value, pretty: true), as: UTF8.self))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func visitLine(_ v: Visit, inConflict: Bool, language: Language) -> String {
        let t = language.strings
        var parts = [v.date.description, v.id, v.subjectId, v.kind.label(language), v.method.label(language),
                     v.outcome.label(language)]
        if v.urgent { parts.append(t.label(.urgentBadge)) }
        if inConflict { parts.append(t.label(.conflictBadge)) }
        return parts.joined(separator: "  ")
    }

    static func visitText(_ v: Visit, language: Language) -> [String] {
        let t = language.strings
        func list<C: CodeList>(_ values: [C]) -> String { values.map { $0.label(language) }.joined(separator: ", ") }
        var lines = [
            "\(t.label(.visitId)): \(v.id)",
            "\(t.label(.date)): \(v.date)\(v.time.map { " \($0)" } ?? "") (\(Wareki.dateLabel(v.date)))",
            "\(t.label(.kind)): \(v.kind.label(language)) [\(v.kind)]",
            "\(t.label(.method)): \(v.method.label(language)) [\(v.method)]",
            "\(t.label(.outcome)): \(v.outcome.label(language)) [\(v.outcome)]",
            "\(t.label(.subject)): \(v.subjectId) (\(v.district))",
            "\(t.label(.visitor)): \(v.visitorId) \(v.visitorRole.label(language))\(v.organization.map { " / \($0)" } ?? "")",
        ]
        if !v.concerns.isEmpty { lines.append("\(t.label(.concerns)): " + list(v.concerns)) }
        if v.urgent { lines.append(t.label(.urgentLine)) }
        if !v.actions.isEmpty { lines.append("\(t.label(.actions)): " + list(v.actions)) }
        if !v.services.isEmpty { lines.append("\(t.label(.services)): " + list(v.services)) }
        if !v.sharedAt.isEmpty { lines.append("\(t.label(.sharedAt)): " + list(v.sharedAt)) }
        if let r = v.referral { lines.append("\(t.label(.referral)): \(r.label(language))") }
        if let d = v.nextDue { lines.append("\(t.label(.nextDue)): \(d)") }
        if let m = v.durationMinutes { lines.append("\(t.label(.duration)): \(m) \(t.label(.minutes))") }
        if let p = v.planEvent { lines.append("\(t.label(.plan)): \(p.label(language))") }
        if let f = v.consultationField { lines.append("\(t.label(.consultations)) \(t.label(.byField)): \(f.label(language))") }
        if !v.consultationTopics.isEmpty {
            lines.append("\(t.label(.consultations)) \(t.label(.byTopic)): " + list(v.consultationTopics))
        }
        if let n = v.note { lines.append("\(t.label(.note)): \(n)") }
        return lines
    }

    static func activityLine(_ a: Activity, inConflict: Bool, language: Language) -> String {
        var parts = [a.date.description, a.id, a.category.label(language), "×\(a.count)", a.district]
        if inConflict { parts.append(language.strings.label(.conflictBadge)) }
        return parts.joined(separator: "  ")
    }

    static func activityText(_ a: Activity, language: Language) -> [String] {
        let t = language.strings
        var lines = [
            "\(t.label(.activityId)): \(a.id)",
            "\(t.label(.date)): \(a.date) (\(Wareki.dateLabel(a.date)))",
            "\(t.label(.activityCategory)): \(a.category.label(language)) [\(a.category)]",
            "\(t.label(.activityCount)): \(a.count)",
            "\(t.label(.district)): \(a.district)",
            "\(t.label(.visitor)): \(a.visitorId) \(a.visitorRole.label(language))",
        ]
        if let n = a.note { lines.append("\(t.label(.note)): \(n)") }
        return lines
    }

    static func subjectText(_ s: Subject, language: Language) -> [String] {
        let t = language.strings
        var lines = [
            "\(t.label(.subjectId)): \(s.id)",
            "\(t.label(.name)): \(s.name)",
            "\(t.label(.district)): \(s.district)",
            "\(t.label(.state)): \(t.label(s.active ? .active : .inactive))",
        ]
        if !s.categories.isEmpty { lines.append("\(t.label(.categories)): " + s.categories.map { $0.label(language) }.joined(separator: ", ")) }
        if let c = s.cadenceDays { lines.append("\(t.label(.cadence)): \(c) \(t.label(.days))") }
        lines.append("\(t.label(.consent)): \(t.label(s.consentToShare ? .given : .notGiven))\(s.consentDate.map { " (\($0))" } ?? "")")
        if let n = s.note { lines.append("\(t.label(.note)): \(n)") }
        return lines
    }

    static func versionHeader(_ v: Version, language: Language) -> String {
        let t = language.strings
        return "\(v.dot) \(t.label(.by)) \(v.author) \(t.label(.at)) \(v.writtenAt.japanTimeDescription) JST\(v.deleted ? t.label(.deletedSuffix) : "")"
    }

    static func documentText(_ d: DocumentDetail, language: Language) -> [String] {
        func body(_ v: Version) -> [String] {
            switch v.payload {
            case let .visit(x): return visitText(x, language: language)
            case let .subject(x): return subjectText(x, language: language)
            case let .activity(x): return activityText(x, language: language)
            case .erased: return [language.strings.erasedContent]
            }
        }
        let t = language.strings
        var lines: [String] = []
        if d.inConflict {
            lines.append(t.inConflictHeader(count: d.current.count, id: d.documentId))
            // Name the fields the versions disagree on, so a person need not compare them line by line.
            let bodies = d.current.map { v in Dictionary(body(v).map { (String($0.prefix { $0 != ":" }), $0) }, uniquingKeysWith: { a, _ in a }) }
            let fields = Set(bodies.flatMap(\.keys)).filter { f in Set(bodies.map { $0[f] ?? "" }).count > 1 }.sorted()
            let deletedDiffers = Set(d.current.map(\.deleted)).count > 1
            let differs = (deletedDiffers ? [t.label(.deletedWord)] : []) + fields
            if !differs.isEmpty { lines.append(t.label(.differsIn) + differs.joined(separator: ", ")) }
            for (i, v) in d.current.enumerated() {
                lines.append("--- [\(i + 1)] " + versionHeader(v, language: language) + (v.deleted ? t.label(.deletedSuffix) : ""))
                lines += body(v).map { "    " + $0 }
            }
        } else {
            if d.display.deleted { lines.append(t.label(.deletedLine)) }
            lines += body(d.display)
        }
        lines.append(t.label(.history))
        for v in d.history { lines.append("  " + versionHeader(v, language: language)) }
        return lines
    }
}
