import Foundation
import MimamoriShared

/// The guided record (案内つきの記録): one question per line, each with its default in brackets so that Enter
/// takes it, then a numbered summary where any answer can be corrected by its number before 保存しますか.
/// Nothing is written before the visitor confirms, so Ctrl-C or the end of input at any question leaves the
/// database as it was.
///
/// The routine path asks only what differs from visit to visit — whom, how it went, what was noticed, a note —
/// so a routine visit takes six keypresses from the menu. The kind (from the last visit logged, else the
/// visitor's role), the contact method, the date and what was done have defaults shown in the summary;
/// urgency, what was done and the follow-up (shared at, referral, next visit) are asked when something was
/// noticed — and, for a 民生委員・児童委員, the consultation's field and topics of the monthly activity record.
struct GuidedVisit: GuidedQuestions {
    let database: AppDatabase
    let terminal: Terminal
    let language: Language
    let today: LocalDate
    var wareki = false

    /// Whether this laptop's visitor keeps the 民生委員 activity record (asked for the consultation's field and topics).
    var keepsActivityRecord: Bool {
        (try? database.requireReplica()).map { VisitorRole.minseiRecordRoles.contains($0.visitorRole) } ?? false
    }

    /// The lines of the summary this visitor sees: the consultation lines only for a 民生委員.
    var fields: [Field] { Field.allCases.filter { keepsActivityRecord || !$0.isConsultation } }

    /// The answers so far.
    struct Draft {
        var subject: Subject
        var date: LocalDate
        var kind: VisitKind
        var method: ContactMethod = .homeVisit
        var outcome: Outcome = .safetyConfirmed
        var actions: [VisitAction] = [VisitAction(rawValue: "safety_check")]
        var concerns: [Concern] = []
        var urgent = false
        var note: String?
        var sharedAt: [SharingVenue] = []
        var referral: ReferralDestination?
        var nextDue: LocalDate?
        var consultationField: ConsultationField?
        var consultationTopics: [ConsultationTopic] = []

        var fields: VisitFields {
            VisitFields(subjectId: subject.id, kind: kind, date: date, method: method, outcome: outcome, actions: actions,
                        concerns: concerns, urgent: urgent, sharedAt: sharedAt, referral: referral, nextDue: nextDue,
                        consultationField: consultationField, consultationTopics: consultationTopics, note: note)
        }

        /// A recorded visit corrected: every answer over it, an answer taken away (なし) taken away too; what the
        /// questions do not ask (time, services, plan event…) stays as recorded.
        func applied(to original: Visit) -> Visit {
            var v = original
            v.subjectId = subject.id; v.date = date; v.kind = kind; v.method = method; v.outcome = outcome
            v.actions = actions; v.concerns = concerns; v.urgent = urgent; v.note = note; v.sharedAt = sharedAt
            v.referral = referral; v.nextDue = nextDue; v.consultationField = consultationField
            v.consultationTopics = consultationTopics
            return v
        }
    }

    /// The numbered lines of the summary.
    enum Field: Int, CaseIterable {
        case subject = 1, date, kind, method, outcome, actions, concerns, urgent, note, sharedAt, referral, nextDue
        case consultationField, consultationTopics

        var isConsultation: Bool { self == .consultationField || self == .consultationTopics }
    }

    // MARK: A new record

    /// Asks for a visit and saves it on confirmation. Returns the visit saved, or nil when nothing was saved.
    func record(preset: VisitFields = VisitFields()) throws -> Visit? {
        do {
            let subjects = try database.subjects().map(\.subject)
            guard !subjects.isEmpty else { terminal.say(strings.noSubjects); return nil }
            terminal.say(strings.guidedIntro)
            let subject: Subject
            if let id = preset.subjectId, let given = subjects.first(where: { $0.id == id }) {
                subject = given
            } else {
                subject = try askSubject(subjects: subjects, due: try database.due(today: today))
            }
            let kind = try preset.kind ?? database.defaultKind() ?? askKind(current: nil)
            var draft = Draft(subject: subject, date: preset.date ?? today, kind: kind)
            if let m = preset.method { draft.method = m }
            try ask(.outcome, &draft)
            try ask(.concerns, &draft)
            if !draft.concerns.isEmpty {
                try ask(.urgent, &draft)
                try ask(.actions, &draft)
                if keepsActivityRecord {
                    try ask(.consultationField, &draft)
                    try ask(.consultationTopics, &draft)
                }
            }
            try ask(.note, &draft)
            if !draft.concerns.isEmpty || draft.urgent {
                try ask(.sharedAt, &draft)
                try ask(.referral, &draft)
                try ask(.nextDue, &draft)
            }
            return try confirm(&draft, editing: nil)
        } catch is GuidedInputEnded {
            terminal.say()
            terminal.say(strings.notSaved)
            return nil
        }
    }

    // MARK: Correcting a record

    /// Shows a recorded visit numbered like the summary, and saves the corrections the visitor makes.
    func correct(_ visit: Visit) throws -> Visit? {
        do {
            let subject = try database.subjects(includeInactive: true).map(\.subject).first { $0.id == visit.subjectId }
                ?? Subject(id: visit.subjectId, name: visit.subjectId, district: visit.district)
            var draft = Draft(subject: subject, date: visit.date, kind: visit.kind, method: visit.method, outcome: visit.outcome,
                              actions: visit.actions, concerns: visit.concerns, urgent: visit.urgent, note: visit.note,
                              sharedAt: visit.sharedAt, referral: visit.referral, nextDue: visit.nextDue,
                              consultationField: visit.consultationField, consultationTopics: visit.consultationTopics)
            return try confirm(&draft, editing: visit)
        } catch is GuidedInputEnded {
            terminal.say()
            terminal.say(strings.notSaved)
            return nil
        }
    }

    // MARK: Summary and 保存しますか

    func confirm(_ draft: inout Draft, editing original: Visit?) throws -> Visit? {
        var changed = original == nil
        while true {
            showSummary(draft)
            let prompt = original == nil ? strings.confirmSave : (changed ? strings.confirmEdit : strings.reviewUnchanged)
            let shown = changed ? strings.saveDefault : strings.backDefault
            switch try askConfirm(prompt, default: shown, lines: fields.map(\.rawValue)) {
            case nil: continue
            case .cancel?: return nil
            case .save?:
                guard changed else { return nil }
                let saved = try saveAndSay({
                    if let original { return try database.editVisit(draft.applied(to: original), today: today) }
                    return try database.logVisit(draft.fields, today: today)
                }, said: { [draft] visit in
                    original == nil ? strings.saved(describe(visit, draft.subject)) : strings.edited(describe(visit, draft.subject))
                })
                if let saved { return saved }
                continue
            case let .line(n)?:
                guard let field = Field(rawValue: n) else { continue }
                if field == .subject {
                    draft.subject = try askSubject(subjects: try database.subjects().map(\.subject), due: try database.due(today: today))
                } else {
                    try ask(field, &draft)
                }
                changed = true
            }
        }
    }

    func showSummary(_ d: Draft) {
        let rows: [(Field, String, String)] = [
            (.subject, strings.fieldSubject, strings.subjectWithId(name: d.subject.name, id: d.subject.id)),
            (.date, strings.fieldDate, DateText.long(d.date, language, wareki: wareki)),
            (.kind, strings.fieldKind, d.kind.label(language)),
            (.method, strings.fieldMethod, d.method.label(language)),
            (.outcome, strings.fieldOutcome, d.outcome.label(language)),
            (.actions, strings.fieldActions, list(d.actions)),
            (.concerns, strings.fieldConcerns, list(d.concerns)),
            (.urgent, strings.fieldUrgent, d.urgent ? strings.urgentYes : strings.urgentNo),
            (.note, strings.fieldNote, d.note ?? strings.none),
            (.sharedAt, strings.fieldSharedAt, list(d.sharedAt)),
            (.referral, strings.fieldReferral, d.referral?.label(language) ?? strings.none),
            (.nextDue, strings.fieldNextDue, d.nextDue.map { DateText.long($0, language, wareki: wareki) } ?? strings.none),
            (.consultationField, strings.fieldConsultationField, d.consultationField?.label(language) ?? strings.none),
            (.consultationTopics, strings.fieldConsultationTopics, list(d.consultationTopics)),
        ].filter { fields.contains($0.0) }
        showSummary(rows.map { ($0.0.rawValue, $0.1, $0.2) })
    }

    func describe(_ v: Visit, _ subject: Subject) -> String {
        strings.visitDescription(subjectName: subject.name, date: v.date, kind: v.kind.label(language), outcome: v.outcome.label(language))
    }

    func list<C: CodeList>(_ values: [C]) -> String {
        values.isEmpty ? strings.none : values.map { $0.label(language) }.joined(separator: strings.listSeparator)
    }

    // MARK: The questions

    func ask(_ field: Field, _ d: inout Draft) throws {
        switch field {
        case .subject: break
        case .date: d.date = try askDate(strings.askDate, field: strings.fieldDate, current: d.date, from: earliestVisitDate, to: today) ?? d.date
        case .kind: d.kind = try askKind(current: d.kind)
        case .method: d.method = try chooseOne(strings.askMethod, field: strings.fieldMethod, ContactMethod.known, current: d.method)
        case .outcome:
            let before = d.outcome
            d.outcome = try chooseOne(strings.askOutcome, field: strings.fieldOutcome, Outcome.known, current: d.outcome)
            // 安否確認 is what a visit that met the person did; a 不在 or 面会拒否 visit did nothing else by default.
            if before != d.outcome, d.actions == [] || d.actions == [VisitAction(rawValue: "safety_check")] {
                d.actions = d.outcome == .safetyConfirmed ? [VisitAction(rawValue: "safety_check")] : []
            }
        case .actions: d.actions = try chooseSeveral(strings.askActions, field: strings.fieldActions, VisitAction.known, current: d.actions)
        case .concerns: d.concerns = try chooseSeveral(strings.askConcerns, field: strings.fieldConcerns, Concern.known, current: d.concerns)
        case .urgent: d.urgent = try askYesNo(strings.askUrgent, field: strings.fieldUrgent, current: d.urgent)
        case .note: d.note = try askNote(current: d.note)
        case .sharedAt: d.sharedAt = try chooseSeveral(strings.askSharedAt, field: strings.fieldSharedAt, SharingVenue.known, current: d.sharedAt)
        case .referral: d.referral = try chooseOptional(strings.askReferral, field: strings.fieldReferral, ReferralDestination.known, current: d.referral)
        case .nextDue:
            d.nextDue = try askDate(strings.askNextDue, field: strings.fieldNextDue, current: d.nextDue, from: d.date,
                                    to: d.date.adding(days: 366), allowNone: true)
        case .consultationField:
            d.consultationField = try chooseOptional(strings.askConsultationField, field: strings.fieldConsultationField,
                                                     ConsultationField.known, current: d.consultationField)
        case .consultationTopics:
            d.consultationTopics = try chooseSeveral(strings.askConsultationTopics, field: strings.fieldConsultationTopics,
                                                     ConsultationTopic.known, current: d.consultationTopics)
        }
    }

    func askSubject(subjects: [Subject], due: [DueItem]) throws -> Subject {
        // Due subjects first (never visited, then most overdue), then everyone else, up to a screenful.
        let dueIds = Set(due.map(\.subjectId))
        let ordered = due.compactMap { item in item.subject.map { ($0, strings.subjectLineDue(name: $0.name, lastVisit: item.lastVisit, daysOverdue: item.daysOverdue)) } }
            + subjects.filter { !dueIds.contains($0.id) }.map { ($0, strings.subjectLine(name: $0.name)) }
        let shownCount = min(ordered.count, 15)
        var choices = Array(ordered.prefix(shownCount))
        terminal.say()
        terminal.say(strings.askSubject)
        showNumbered(choices.map(\.1))
        if ordered.count > shownCount { terminal.say(strings.moreSubjects(ordered.count - shownCount)) }
        while true {
            guard let answer = terminal.ask(strings.subjectPrompt, default: "1 " + strings.honorific(choices[0].0.name)) else { throw GuidedInputEnded() }
            if answer.isEmpty { return choices[0].0 }
            if let n = Int(answer) {
                if (1...choices.count).contains(n) { return choices[n - 1].0 }
                terminal.say(strings.badChoice(field: strings.fieldSubject, answer, count: choices.count))
                continue
            }
            let needle = answer.lowercased()
            let matches = ordered.filter { $0.0.name.lowercased().contains(needle) || $0.0.id.lowercased().contains(needle) }
            switch matches.count {
            case 0: terminal.say(strings.subjectNoMatch(answer))
            case 1: return matches[0].0
            default:
                choices = Array(matches.prefix(15))
                terminal.say(strings.subjectManyMatches(answer, count: matches.count))
                showNumbered(choices.map(\.1))
            }
        }
    }

    func askKind(current: VisitKind?) throws -> VisitKind {
        try chooseOne(strings.askKind, field: strings.fieldKind, VisitKind.known, current: current)
    }
}
