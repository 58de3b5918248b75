import Foundation
import MimamoriShared

/// The two tables only an office sees: its laptops and the documents in conflict waiting for a person.
enum OfficeTables {
    static let conflictLimit = 500

    static func make(laptops: [LaptopActivity], conflicts: [ConflictEntry], fiscalYear: Int) -> [DataTable] {
        let q = "?fy=\(fiscalYear)"
        let laptopTable = DataTable(
            id: "laptops", title: "端末（ノートパソコン）の同期状況", csvPath: "/csv/laptops.csv\(q)",
            headers: ["名前", "トークンID", "役割", "校区", "最終同期（日本時間）", "最終送信（日本時間）", "拒否された変更（累計）", "直近の送信で拒否"],
            rows: laptops.map { l in
                TableRow([.text(l.tokenName), .text(l.tokenId), .text(roleLabel(l.role)),
                          .text(l.districts.map(KurumeDistricts.label).joined(separator: "・")),
                          .text(JapaneseFormat.time(l.lastContactAt)), .text(JapaneseFormat.time(l.lastPushAt)),
                          .count(l.refusedTotal), .count(l.refusedLastPush)])
            },
            note: laptops.isEmpty ? "この校区の端末用トークンはまだ発行されていません。" : "拒否された変更は端末の「mimamori status」で内容と直し方を確認できます。")
        let conflictTable = DataTable(
            id: "conflicts", title: "競合中の記録（確認待ち）", csvPath: "/csv/conflicts.csv\(q)",
            headers: ["文書ID", "校区", "種類", "訪問日", "版の数", "競合が生じた日時（日本時間）"],
            rows: conflicts.map { c in
                TableRow([.text(c.documentId), .text(KurumeDistricts.label(c.district)), .text(typeLabel(c.type)),
                          .text(c.visitDate.map(JapaneseFormat.date) ?? "—"), .count(c.versions), .text(JapaneseFormat.time(c.since))])
            },
            note: conflicts.isEmpty ? "競合中の記録はありません。"
                : conflicts.count >= conflictLimit ? "古い順に\(conflictLimit)件まで表示しています。" : "事務所の端末で「mimamori conflicts」から解決できます。")
        return [laptopTable, conflictTable]
    }

    /// 民生委員・児童委員の活動記録 of one month in the national form's layout: one row per item of the form
    /// (訪問回数 … その他の活動 by category), one column per 民生委員 and 校区, and the 地区民児協's sum. Items down the
    /// page, as on the paper form, so the table stays readable and prints on A4 whatever the number of items.
    static func minsei(_ records: [MinseiMonth], month: String, fiscalYear: Int) -> DataTable {
        let items = ["訪問回数", "活動日数", "連絡調整回数", "相談・支援件数"]
            + ConsultationField.entries.map { "分野別: \($0.japanese)" } + ConsultationTopic.entries.map { "内容別: \($0.japanese)" }
            + ["その他の活動件数"] + ActivityCategory.otherActivities.map { "その他の活動: \($0.japanese)" }
        func counts(_ r: MinseiMonth) -> [Int] {
            [r.visits, r.activeDays, r.liaison, r.consultations] + r.report.byField.filter { $0.key != CodeID.unknownRow }.map(\.count)
                + r.report.byTopic.filter { $0.key != CodeID.unknownRow }.map(\.count)
                + [r.report.otherActivities] + r.report.byActivity.filter { $0.key != CodeID.unknownRow }.map(\.count)
        }
        let columns = records.map(counts)
        let sum = columns.reduce(Array(repeating: 0, count: items.count)) { zip($0, $1).map(+) }
        let rows = items.enumerated().map { i, item in
            TableRow([.text(item)] + (columns + [sum]).map { .count(i < $0.count ? $0[i] : 0) })
        }
        return DataTable(
            id: "minsei", title: "民生委員・児童委員の活動記録（\(JapaneseFormat.month(month, withYear: true))）",
            csvPath: "/csv/minsei.csv?fy=\(fiscalYear)&month=\(month)",
            headers: ["項目"] + records.map { "\($0.visitorId)（\(KurumeDistricts.label($0.district))）" } + ["合計（地区民児協）"],
            rows: rows,
            note: "民生委員・児童委員（主任児童委員を含む）の訪問記録と活動記録から数えています。列は民生委員（訪問者ID・校区）ごと、最後の列が地区民児協の合計です。活動日数は訪問か活動のあった日の数です。連絡調整回数は対応内容に「関係機関との連絡調整」がある訪問の数と、区分「連絡調整」の活動の件数の合計、相談・支援件数は「相談対応」または相談・支援の分野か内容を記録した訪問の数です。分野別・内容別は記録された分野と内容の件数です（一つの訪問が複数の内容に数えられることがあります）。その他の活動件数は活動記録の件数を区分ごとに数えています。")
    }

    static func roleLabel(_ role: TokenRole) -> String {
        switch role {
        case .visitor: return "訪問者"
        case .office: return "地区事務所"
        case .coordinator: return "コーディネーター"
        case .admin: return "管理者"
        }
    }

    static func typeLabel(_ type: String) -> String {
        switch type {
        case DocumentType.visit.rawValue: return "訪問記録"
        case DocumentType.subject.rawValue: return "対象者"
        case DocumentType.activity.rawValue: return "活動記録"
        default: return type
        }
    }
}
