import MimamoriShared

/// The English table: every sentence the client shows under a non-Japanese locale.
struct EnglishStrings: Strings {
    var language: Language { .english }
    var help: HelpStrings { .english }

    func menuTitle(name: String, today: LocalDate) -> String { "Mimamori — \(name) — \(DateText.long(today, .english))" }
    func menuPending(_ count: Int) -> String {
        count == 0 ? "Everything has been sent." : "\(count) change\(count == 1 ? "" : "s") wait to be sent (choose Sync)."
    }
    var menuRecord: String { "Record a visit" }
    var menuDue: String { "Whom to visit today" }
    var menuReview: String { "See or correct a record" }
    var menuSync: String { "Sync" }
    var menuStatus: String { "Status" }
    var menuQuit: String { "Quit" }
    var menuRecordActivity: String { "Record another activity or liaison" }
    var menuQuestion: String { "Type a number and press Enter" }
    var goodbye: String { "Goodbye." }
    var pressEnterForMenu: String { "Press Enter to go back to the menu" }
    func notAChoice(_ text: String, count: Int) -> String { "'\(text)' is not on the menu; type a number from 1 to \(count)." }

    var guidedIntro: String { "Answer one question at a time. The value in [ ] is taken when you just press Enter." }
    var askSubject: String { "Whom did you visit?" }
    var subjectPrompt: String { "Number, or part of the name or id" }
    func subjectLineDue(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String {
        guard let lastVisit else { return "\(name)  never visited" }
        return "\(name)  last visit \(DateText.short(lastVisit, .english)), \(daysOverdue ?? 0) days overdue"
    }
    func subjectLine(name: String) -> String { name }
    func moreSubjects(_ count: Int) -> String { "(\(count) more: type part of the name)" }
    func subjectNoMatch(_ text: String) -> String {
        "subject: nobody matches '\(text)'; accepted: a number from the list, or part of a name or id"
    }
    func subjectManyMatches(_ text: String, count: Int) -> String { "\(count) subjects match '\(text)'; choose one by number:" }
    var noSubjects: String { "There are no subjects yet; add one first: mimamori subject add --id ID --name NAME --district DISTRICT" }
    var askKind: String { "Kind of visit" }
    var askMethod: String { "How did you contact them?" }
    var askOutcome: String { "How did it go?" }
    var askActions: String { "What did you do?" }
    var askConcerns: String { "Anything you noticed?" }
    var askUrgent: String { "Does it need urgent action?" }
    var askNote: String { "Note" }
    var askNoteToChange: String { "Note (Enter keeps it; 0 removes it)" }
    var askSharedAt: String { "Where will you share it?" }
    var askReferral: String { "Did you refer them somewhere?" }
    var askNextDue: String { "Next visit date (e.g. 12-08 or 2026-12-08)" }
    var askConsultationField: String { "Field of the consultation (activity record, by field)?" }
    var askConsultationTopics: String { "Topics of the consultation (activity record, by topic)?" }
    var askDate: String { "Date of the visit (e.g. 11-24 or 2026-11-24)" }
    var chooseOne: String { "Number" }
    var chooseSeveral: String { "Numbers, several allowed (e.g. 1 3)" }
    var none: String { "none" }
    var yes: String { "yes" }
    var no: String { "no" }
    var yesNoChoices: String { "1 yes  2 no" }
    func badChoice(field: String, _ text: String, count: Int) -> String {
        "\(field): '\(text)' is not accepted; accepted: a number from 1 to \(count)"
    }
    func badChoices(field: String, _ text: String, count: Int) -> String {
        "\(field): '\(text)' is not accepted; accepted: numbers from 1 to \(count) separated by spaces, e.g. 1 3, or 0 for none"
    }
    func badYesNo(field: String, _ text: String) -> String { "\(field): '\(text)' is not accepted; accepted: 1 (yes) or 2 (no)" }
    func badDate(field: String, _ text: String) -> String {
        "\(field): '\(text)' is not accepted; accepted: a date as MM-DD or YYYY-MM-DD, e.g. 12-08"
    }
    func dateOutOfRange(field: String, _ date: LocalDate, from: LocalDate, to: LocalDate) -> String {
        "\(field): \(date) is not accepted; accepted: a date from \(from) to \(to)"
    }
    func noteTooLong(max: Int) -> String { "note: too long; accepted: at most \(max) characters" }

    var summaryTitle: String { "Please check:" }
    var fieldSubject: String { "Subject" }
    var fieldDate: String { "Date" }
    var fieldKind: String { "Kind" }
    var fieldMethod: String { "Contact" }
    var fieldOutcome: String { "Outcome" }
    var fieldActions: String { "What was done" }
    var fieldConcerns: String { "Noticed" }
    var fieldUrgent: String { "Urgent" }
    var fieldNote: String { "Note" }
    var fieldSharedAt: String { "Shared at" }
    var fieldReferral: String { "Referred to" }
    var fieldNextDue: String { "Next visit" }
    var fieldConsultationField: String { "Consultation field" }
    var fieldConsultationTopics: String { "Consultation topics" }
    var confirmSave: String { "Save? Enter saves; a line's number corrects it; 0 cancels" }
    var confirmEdit: String { "Save the change? Enter saves; a line's number corrects it; 0 cancels" }
    func badConfirm(_ text: String, count: Int) -> String {
        "'\(text)' is not accepted; accepted: Enter to save, a number from 1 to \(count) to correct that line, 0 to cancel"
    }
    func saved(_ description: String) -> String { "Saved: \(description)" }
    func edited(_ description: String) -> String { "Corrected: \(description)" }
    func pendingAfterSave(_ count: Int) -> String { "\(count) change\(count == 1 ? "" : "s") wait to be sent at the next sync." }
    var notSaved: String { "Nothing was saved." }
    var interrupted: String { "Stopped. Nothing was saved." }
    func visitDescription(subjectName: String, date: LocalDate, kind: String, outcome: String) -> String {
        "\(subjectName), \(DateText.short(date, .english)), \(kind): \(outcome)"
    }
    func honorific(_ name: String) -> String { name }

    var askActivityCategory: String { "Which activity?" }
    var askActivityDate: String { "Date of the activity (e.g. 11-24 or 2026-11-24)" }
    var askActivityCount: String { "How many (\(Limits.activityCount.lowerBound)–\(Limits.activityCount.upperBound); 3 for three certificates)" }
    var askActivityDistrict: String { "District of the activity" }
    var fieldActivityCategory: String { "Activity" }
    var fieldActivityDate: String { "Date" }
    var fieldActivityCount: String { "Count" }
    var fieldActivityDistrict: String { "District" }
    func activityCount(_ count: Int) -> String { "\(count)" }
    func activityDescription(category: String, date: LocalDate, count: Int) -> String {
        "\(DateText.short(date, .english)), \(category) ×\(count)"
    }
    func badActivityCount(_ text: String) -> String {
        "count: '\(text)' is not accepted; accepted: a whole number from \(Limits.activityCount.lowerBound) to \(Limits.activityCount.upperBound)"
    }
    func badActivityDistrict(_ text: String) -> String {
        "district: '\(text)' is not accepted; accepted: the district's name, at most \(Limits.idText.characters) characters"
    }

    var reviewTitle: String { "Your latest records:" }
    var reviewPrompt: String { "Which one?" }
    var noOwnVisits: String { "You have not recorded any visit yet." }

    var nobodyDue: String { "nobody is overdue for a visit" }
    func dueLine(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String {
        subjectLineDue(name: name, lastVisit: lastVisit, daysOverdue: daysOverdue)
    }
    func syncProgressPushed(_ done: Int, _ total: Int) -> String { "pushed \(done)/\(total)" }
    func syncProgressPulled(_ documents: Int) -> String { "pulled \(documents)" }
    var syncEpochChanged: String { "the server was restored or changed: re-sending everything this laptop wrote and pulling from the start" }
    func synced(_ s: SyncSummary) -> String {
        "synced: pushed \(s.pushed), pulled \(s.pulled), new conflicts \(s.newConflicts), rejected \(s.rejected)"
    }
    func syncDeferred(_ count: Int) -> String { "\(count) changes wait for other laptops to sync first; run sync again later" }
    var syncRejectedHint: String { "see `mimamori status` for the refused changes" }
    var syncing: String { "Syncing with the office…" }
    var syncInterrupted: String { "Sync stopped. Choose Sync again and it carries on where it stopped." }
    var erasedContent: String { "(deleted: its content was erased)" }

    func error(_ error: ClientError) -> String { error.englishDescription }
    func validationFailure(_ problems: [ValidationProblem], of document: DocumentType?) -> String {
        ValidationFailure(problems, document: document).errorDescription ?? ""
    }
    func badDateOption(_ option: String, _ text: String) -> String {
        "--\(option): '\(text)' is not accepted; accepted: a date written YYYY-MM-DD, e.g. 2025-04-01"
    }
    func badTimeOption(_ option: String, _ text: String) -> String {
        "--\(option): '\(text)' is not accepted; accepted: a time written HH:MM (24-hour), e.g. 14:30"
    }
    func badMonthOption(_ text: String) -> String { "--month: '\(text)' is not accepted; accepted: a month written YYYY-MM, e.g. 2025-06" }
    func badClear(_ text: String, accepted: String) -> String {
        "--clear: '\(text)' is not accepted; accepted: one of \(accepted)"
    }
    func clearAndGiven(_ field: String) -> String { "--clear \(field) and --\(field) say two things; give only one" }
    func badCodeOption(field: String, _ text: String, accepted: String) -> String {
        "--\(field): '\(text)' is not accepted; accepted: one of \(accepted)"
    }
    var serverAndTokenTogether: String { "--server and --token go together; give both or neither" }
    func missingOption(_ option: String, example: String) -> String { "missing \(option), e.g. \(example)" }
    var oneRangeOnly: String { "give only one of --month, --fy, or --from/--to" }
    func badFiscalYear(_ value: Int) -> String { "--fy: '\(value)' is not accepted; accepted: a year from \(FiscalYear.supportedYears.lowerBound) to \(FiscalYear.supportedYears.upperBound), e.g. 2025" }
    func badKeep(_ value: Int) -> String {
        "--keep: '\(value)' is not accepted; accepted: a version number from 1, as shown by `mimamori conflicts show`"
    }
    func missingForLog(subject: Bool, kind: Bool) -> String {
        let missing = [subject ? "--subject (the id of a subject; see `mimamori subject list`)" : nil,
                       kind ? "--kind (one of \(VisitKind.acceptedDescription))" : nil]
        return "missing " + missing.compactMap { $0 }.joined(separator: " and ")
    }
    var idOrLast: String { "give the visit's id or --last, not both" }

    var reviewUnchanged: String { "To correct a line, type its number; Enter goes back to the menu" }
    var saveDefault: String { "save" }
    var backDefault: String { "back" }
    var urgentYes: String { "yes" }
    var urgentNo: String { "no" }
    func subjectWithId(name: String, id: String) -> String { "\(name) (\(id))" }
    var listSeparator: String { ", " }
    var chooseOneOrNone: String { "Number, 0 for none" }
    func statusLines(_ s: StatusReport) -> [String] {
        var lines = [
            "replica: \(s.replicaId)",
            "visitor: \(s.visitorId) \(s.name) (\(VisitorRole(rawValue: s.role).label(.english)))",
            "data: \(s.dataFile)",
            "visits: \(s.visits)  subjects: \(s.subjects)" + (s.showsActivities ? "  activities: \(s.activities)" : ""),
            "this month (\(s.month)), your visits: \(s.visitsThisMonth)" + (s.showsActivities ? "  activities: \(s.activitiesThisMonth)" : ""),
            "pending changes: \(s.pendingChanges)"
                + (s.showsActivities ? " (of which visits \(s.pendingVisits), activities \(s.pendingActivities))" : ""),
            "conflicts: \(s.conflicts)\(s.conflicts > 0 ? " (see mimamori conflicts list)" : "")",
        ]
        if !s.rejected.isEmpty {
            lines.append("changes the server refused: \(s.rejected.count)")
            for r in s.rejected { lines.append("  \(r.documentId) \(r.dot): \(r.code) — \(r.message)") }
        }
        lines.append("server: \(s.server ?? "none (mimamori login)")")
        if let at = s.lastSyncAt, let last = s.lastSync {
            lines.append("last sync: \(at) (pushed \(last.pushed), pulled \(last.pulled), new conflicts \(last.newConflicts), rejected \(last.rejected))")
        } else {
            lines.append("last sync: never")
        }
        return lines
    }
    func label(_ label: TextLabel) -> String {
        switch label {
        case .visitId: return "visit"
        case .date: return "date"
        case .kind: return "kind"
        case .method: return "method"
        case .outcome: return "outcome"
        case .subject: return "subject"
        case .visitor: return "visitor"
        case .concerns: return "concerns"
        case .urgentLine: return "urgent"
        case .urgentBadge: return "URGENT"
        case .conflictBadge: return "[CONFLICT]"
        case .inactiveBadge: return "(inactive)"
        case .actions: return "actions"
        case .services: return "services"
        case .sharedAt: return "shared at"
        case .referral: return "referral"
        case .nextDue: return "next due"
        case .duration: return "duration"
        case .minutes: return "min"
        case .plan: return "plan"
        case .note: return "note"
        case .subjectId: return "subject"
        case .name: return "name"
        case .district: return "district"
        case .state: return "active"
        case .active: return "yes"
        case .inactive: return "no"
        case .categories: return "categories"
        case .cadence: return "cadence"
        case .days: return "days"
        case .consent: return "consent to share"
        case .given: return "yes"
        case .notGiven: return "no"
        case .by: return "by"
        case .at: return "at"
        case .deletedSuffix: return " (deleted)"
        case .deletedWord: return "deleted"
        case .deletedLine: return "(deleted)"
        case .differsIn: return "differs in: "
        case .history: return "history:"
        case .byMonth: return "by month (all / official / broad):"
        case .byKind: return "by kind:"
        case .activityReport: return "Minsei-iin activity record"
        case .reportVisits: return "Visits"
        case .activityDays: return "Days of activity"
        case .liaisons: return "Liaison with agencies"
        case .consultations: return "Consultations and support"
        case .byField: return "by field"
        case .byTopic: return "by topic"
        case .csvSection: return "Section"
        case .csvItem: return "Item"
        case .csvCount: return "Count"
        case .otherActivities: return "Other activities"
        case .byCategory: return "by category"
        case .activityId: return "activity"
        case .activityCategory: return "category"
        case .activityCount: return "count"
        case .serverTotals: return "server"
        case .deviceTotals: return "this device"
        case .asOf: return "as of"
        }
    }
    func inConflictHeader(count: Int, id: String) -> String { "IN CONFLICT: \(count) versions — resolve with `mimamori conflicts resolve \(id) --keep N`" }
    func initialized(replicaId: String) -> String { "initialized; replica id \(replicaId)" }
    func alreadyInitialized(replicaId: String, visitorId: String) -> String {
        "already initialized (replica id \(replicaId), visitor \(visitorId)); nothing was changed"
    }
    func dataFile(_ path: String) -> String { "data: \(path)" }
    func serverSet(_ url: String) -> String { "server set: \(url)" }
    func indicatorTarget(annual: Int, prorated: Int, percent: String) -> String { " (annual target \(annual), pro-rated \(prorated), \(percent))" }
    func sameLastYear(_ count: Int) -> String { ", same period last year \(count)" }
    func outreachPlans(created: Int, replans: Int, target: Int, closed: Int) -> String {
        "Outreach: plans made \(created) (of which re-plans \(replans)) / annual target \(target), closed \(closed)"
    }
    func outreachPlansLocked(target: Int) -> String {
        "Outreach: plans are counted once the passphrase is entered (annual target \(target))"
    }
    func nichijiCheckins(_ checkins: Int, holders: Int) -> String { "Daily-life support: check-ins \(checkins), contract holders \(holders)" }
    var jsonOrCSV: String { "--json and --csv cannot be given together; accepted: one of them, or neither for text" }
    var errorPrefix: String { "Error: " }

    var askPassphrase: String { "Passphrase (not shown as you type): " }
    var askNewPassphrase: String { "New passphrase (at least 8 characters, not shown as you type): " }
    var askPassphraseAgain: String { "The same passphrase again: " }
    var passphrasesDiffer: String { "The two passphrases differ; please choose again." }
    var wrongPassphraseTryAgain: String { "That passphrase is not the right one; please try again." }
    var initPassphraseIntro: String {
        "Choose a passphrase. It keeps the names and notes on this laptop unreadable if the laptop is lost; you type it once after each login. If it is forgotten, what was synced can be brought back (mimamori init --forgot-passphrase), but changes not yet sent are lost."
    }
    var upgradeIntro: String {
        "The records on this laptop are not yet protected by a passphrase. Choose one now: everything held is kept, and sealed with it."
    }
    func upgraded(versions: Int) -> String { "Protected \(versions) record version\(versions == 1 ? "" : "s") with the passphrase; nothing was lost." }
    func keyKept(_ place: KeyCache.Place) -> String? {
        switch place {
        case .runtimeDirectory: return nil
        case .sharedMemory:
            return "Note: XDG_RUNTIME_DIR is not set, so the unlocked key is kept in /dev/shm until the computer restarts or you run `mimamori lock` (not at logout)."
        case .none:
            return "Note: there is no memory-backed folder to keep the unlocked key in (XDG_RUNTIME_DIR is not set), so every command asks for the passphrase."
        }
    }
    var lockedNow: String { "Locked: names and notes need the passphrase again." }
    var wasNotUnlocked: String { "Already locked: no unlocked key was kept for this database." }
    var notEncryptedYet: String { "This database is not protected by a passphrase yet; the next command will ask you to choose one." }
    var passphraseFromEnvironment: String { "MIMAMORI_PASSPHRASE is set: every command unlocks with it until you unset it." }
    var nameLocked: String { "(locked)" }
    func forgottenLoses(_ unsent: Int) -> String {
        unsent == 0
            ? "Every change made on this laptop has been sent: a new database and `mimamori sync` bring back everything that was synced."
            : "\(unsent) change\(unsent == 1 ? "" : "s") made on this laptop \(unsent == 1 ? "has" : "have") not been sent and will be lost; everything that was synced comes back with `mimamori sync`."
    }
    var forgottenConfirm: String { "Start a new database and lose them? Type yes to go on" }
    func setAside(_ path: String) -> String { "The old, still-sealed database was moved to \(path)." }
}
