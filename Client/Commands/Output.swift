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
        var parts = [v.date.description, v.id, v.subjectId, v.kind.label(language), v.method.label(language),
                     v.outcome.label(language)]
        if v.urgent { parts.append(language == .japanese ? "緊急" : "URGENT") }
        if inConflict { parts.append(language == .japanese ? "［競合］" : "[CONFLICT]") }
        return parts.joined(separator: "  ")
    }

    static func visitText(_ v: Visit, language: Language) -> [String] {
        let ja = language == .japanese
        var lines = [
            "\(ja ? "訪問ID" : "visit"): \(v.id)",
            "\(ja ? "日付" : "date"): \(v.date)\(v.time.map { " \($0)" } ?? "") (\(Wareki.dateLabel(v.date)))",
            "\(ja ? "種類" : "kind"): \(v.kind.label(language)) [\(v.kind)]",
            "\(ja ? "方法" : "method"): \(v.method.label(language)) [\(v.method)]",
            "\(ja ? "結果" : "outcome"): \(v.outcome.label(language)) [\(v.outcome)]",
            "\(ja ? "訪問先" : "subject"): \(v.subjectId) (\(v.district))",
            "\(ja ? "訪問者" : "visitor"): \(v.visitorId) \(v.visitorRole.label(language))\(v.organization.map { " / \($0)" } ?? "")",
        ]
        if !v.concerns.isEmpty { lines.append("\(ja ? "気づき" : "concerns"): " + v.concerns.map { $0.label(language) }.joined(separator: ", ")) }
        if v.urgent { lines.append(ja ? "緊急性あり" : "urgent") }
        if !v.actions.isEmpty { lines.append("\(ja ? "対応" : "actions"): " + v.actions.map { $0.label(language) }.joined(separator: ", ")) }
        if !v.services.isEmpty { lines.append("\(ja ? "サービス" : "services"): " + v.services.map { $0.label(language) }.joined(separator: ", ")) }
        if !v.sharedAt.isEmpty { lines.append("\(ja ? "共有先" : "shared at"): " + v.sharedAt.map { $0.label(language) }.joined(separator: ", ")) }
        if let r = v.referral { lines.append("\(ja ? "つなぎ先" : "referral"): \(r.label(language))") }
        if let d = v.nextDue { lines.append("\(ja ? "次回予定" : "next due"): \(d)") }
        if let m = v.durationMinutes { lines.append("\(ja ? "所要時間" : "duration"): \(m) min") }
        if let p = v.planEvent { lines.append("\(ja ? "プラン" : "plan"): \(p.label(language))") }
        if let n = v.note { lines.append("\(ja ? "メモ" : "note"): \(n)") }
        return lines
    }

    static func subjectText(_ s: Subject, language: Language) -> [String] {
        let ja = language == .japanese
        var lines = [
            "\(ja ? "訪問先ID" : "subject"): \(s.id)",
            "\(ja ? "氏名" : "name"): \(s.name)",
            "\(ja ? "校区" : "district"): \(s.district)",
            "\(ja ? "状態" : "active"): \(s.active ? (ja ? "有効" : "yes") : (ja ? "無効" : "no"))",
        ]
        if !s.categories.isEmpty { lines.append("\(ja ? "区分" : "categories"): " + s.categories.map { $0.label(language) }.joined(separator: ", ")) }
        if let c = s.cadenceDays { lines.append("\(ja ? "訪問間隔" : "cadence"): \(c) \(ja ? "日" : "days")") }
        lines.append("\(ja ? "外部提供同意" : "consent to share"): \(s.consentToShare ? (ja ? "あり" : "yes") : (ja ? "なし" : "no"))\(s.consentDate.map { " (\($0))" } ?? "")")
        if let n = s.note { lines.append("\(ja ? "メモ" : "note"): \(n)") }
        return lines
    }

    static func versionHeader(_ v: Version, language: Language) -> String {
        let ja = language == .japanese
        return "\(v.dot) \(ja ? "作成者" : "by") \(v.author) \(ja ? "日時" : "at") \(v.writtenAt.japanTimeDescription) JST\(v.deleted ? (ja ? "（削除）" : " (deleted)") : "")"
    }

    static func documentText(_ d: DocumentDetail, language: Language) -> [String] {
        func body(_ v: Version) -> [String] {
            switch v.payload {
            case let .visit(x): return visitText(x, language: language)
            case let .subject(x): return subjectText(x, language: language)
            case .erased: return [language == .japanese ? "（削除済み：内容は消去されています）" : "(deleted: its content was erased)"]
            }
        }
        let ja = language == .japanese
        var lines: [String] = []
        if d.inConflict {
            lines.append(ja ? "競合しています：\(d.current.count) 版 — `mimamori conflicts resolve \(d.documentId) --keep N` で解決"
                            : "IN CONFLICT: \(d.current.count) versions — resolve with `mimamori conflicts resolve \(d.documentId) --keep N`")
            // Name the fields the versions disagree on, so a person need not compare them line by line.
            let bodies = d.current.map { v in Dictionary(body(v).map { (String($0.prefix { $0 != ":" }), $0) }, uniquingKeysWith: { a, _ in a }) }
            let fields = Set(bodies.flatMap(\.keys)).filter { f in Set(bodies.map { $0[f] ?? "" }).count > 1 }.sorted()
            let deletedDiffers = Set(d.current.map(\.deleted)).count > 1
            let differs = (deletedDiffers ? [ja ? "削除" : "deleted"] : []) + fields
            if !differs.isEmpty { lines.append((ja ? "異なる項目: " : "differs in: ") + differs.joined(separator: ", ")) }
            for (i, v) in d.current.enumerated() {
                lines.append("--- [\(i + 1)] " + versionHeader(v, language: language) + (v.deleted ? (ja ? "（削除）" : " (deleted)") : ""))
                lines += body(v).map { "    " + $0 }
            }
        } else {
            if d.display.deleted { lines.append(ja ? "（削除済み）" : "(deleted)") }
            lines += body(d.display)
        }
        lines.append(ja ? "履歴:" : "history:")
        for v in d.history { lines.append("  " + versionHeader(v, language: language)) }
        return lines
    }
}
