import Foundation
import MimamoriShared

/// その他の活動・連絡調整を記録する: the guided activity of a 民生委員・児童委員, asked like the guided visit — the
/// category from a numbered list, the date (today), the count (1) and an optional note, then a numbered summary
/// where any line is corrected by its number before 保存しますか. Nothing is written before the visitor confirms,
/// so Ctrl-C or the end of input at any question leaves the database as it was.
struct GuidedActivity: GuidedQuestions {
    let database: AppDatabase
    let terminal: Terminal
    let language: Language
    let today: LocalDate
    var wareki = false

    /// The numbered lines of the summary. The district is asked, and shown, only when `init` registered none:
    /// otherwise it is that district, as for `activity log`.
    enum Field: Int, CaseIterable { case category = 1, date, count, note, district }

    /// The answers so far.
    struct Draft {
        var category: ActivityCategory?
        var date: LocalDate
        var count = 1
        var note: String?
        var district: String?

        var fields: ActivityFields { ActivityFields(category: category, date: date, district: district, count: count, note: note) }

        /// A recorded activity corrected: every answer over it (a note taken away is taken away).
        func applied(to original: Activity) -> Activity {
            var a = original
            a.category = category ?? a.category; a.date = date; a.count = count; a.note = note
            return a
        }
    }

    /// Asks for an activity and saves it on confirmation. Returns the activity saved, or nil when nothing was saved.
    func record() throws -> Activity? {
        do {
            let replica = try database.requireReplica()
            terminal.say(strings.guidedIntro)
            var draft = Draft(date: today, district: replica.district)
            let fields = Field.allCases.filter { $0 != .district || replica.district == nil }
            for field in fields { try ask(field, &draft) }
            return try confirm(&draft, fields: fields)
        } catch is GuidedInputEnded {
            terminal.say()
            terminal.say(strings.notSaved)
            return nil
        }
    }

    /// Shows a recorded activity numbered like the summary, and saves the corrections the visitor makes (the menu's
    /// 記録を見る・直す). Its district is the one it was recorded with, not asked again.
    func correct(_ activity: Activity) throws -> Activity? {
        do {
            var draft = Draft(category: activity.category, date: activity.date, count: activity.count, note: activity.note,
                              district: activity.district)
            return try confirm(&draft, fields: Field.allCases.filter { $0 != .district }, editing: activity)
        } catch is GuidedInputEnded {
            terminal.say()
            terminal.say(strings.notSaved)
            return nil
        }
    }

    func confirm(_ draft: inout Draft, fields: [Field], editing original: Activity? = nil) throws -> Activity? {
        var changed = original == nil
        while true {
            let rows: [(Field, String, String)] = [
                (.category, strings.fieldActivityCategory, draft.category?.label(language) ?? strings.none),
                (.date, strings.fieldActivityDate, DateText.long(draft.date, language, wareki: wareki)),
                (.count, strings.fieldActivityCount, strings.activityCount(draft.count)),
                (.note, strings.fieldNote, draft.note ?? strings.none),
                (.district, strings.fieldActivityDistrict, draft.district ?? strings.none),
            ]
            showSummary(rows.filter { fields.contains($0.0) }.map { ($0.0.rawValue, $0.1, $0.2) })
            let prompt = original == nil ? strings.confirmSave : (changed ? strings.confirmEdit : strings.reviewUnchanged)
            switch try askConfirm(prompt, default: changed ? strings.saveDefault : strings.backDefault, lines: fields.map(\.rawValue)) {
            case nil: continue
            case .cancel?: return nil
            case .save?:
                guard changed else { return nil }
                let saved = try saveAndSay({ [draft] in
                    if let original { return try database.editActivity(draft.applied(to: original), today: today) }
                    return try database.logActivity(draft.fields, today: today)
                }, said: { activity in
                    let description = strings.activityDescription(category: activity.category.label(language), date: activity.date,
                                                                  count: activity.count)
                    return original == nil ? strings.saved(description) : strings.edited(description)
                })
                if let saved { return saved }
            case let .line(n)?:
                if let field = Field(rawValue: n), fields.contains(field) {
                    try ask(field, &draft)
                    changed = true
                }
            }
        }
    }

    func ask(_ field: Field, _ d: inout Draft) throws {
        switch field {
        case .category:
            d.category = try chooseOne(strings.askActivityCategory, field: strings.fieldActivityCategory, ActivityCategory.known,
                                       current: d.category)
        case .date:
            d.date = try askDate(strings.askActivityDate, field: strings.fieldActivityDate, current: d.date,
                                 from: earliestVisitDate, to: today) ?? d.date
        case .count: d.count = try askCount(current: d.count)
        case .note: d.note = try askNote(current: d.note)
        case .district: d.district = try askDistrict(current: d.district)
        }
    }

    func askCount(current: Int) throws -> Int {
        terminal.say()
        while true {
            guard let answer = terminal.ask(strings.askActivityCount, default: "\(current)") else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if let n = Int(answer), Limits.activityCount.contains(n) { return n }
            terminal.say(strings.badActivityCount(answer))
        }
    }

    func askDistrict(current: String?) throws -> String? {
        terminal.say()
        while true {
            guard let answer = terminal.ask(strings.askActivityDistrict, default: current ?? strings.none) else { throw GuidedInputEnded() }
            if answer.isEmpty, current != nil { return current }
            if !answer.isEmpty, answer != strings.none, Limits.idText.allows(answer) { return answer }
            terminal.say(strings.badActivityDistrict(answer))
        }
    }
}
