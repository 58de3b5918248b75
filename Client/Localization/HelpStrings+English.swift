import MimamoriShared

extension HelpStrings {
    /// Help in English (any locale other than Japanese).
    static let english = HelpStrings(
        root: CommandText(
            "Record watch-over visits (見守り訪問) offline and sync them with the district office.",
            """
            Run `mimamori` alone in a terminal for a menu that guides you through recording a visit.
            Example:
              mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --district nishi
              mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --cadence-days 14
              mimamori visit log --subject S-0001 --kind fureai_watch
            """),
        dataDir: "Folder holding the local database (default: $MIMAMORI_HOME, else the per-user data folder).",
        wareki: "Show dates in the Japanese era calendar (和暦), e.g. 令和8年11月24日(火); MIMAMORI_WAREKI=1 does the same.",
        json: "Print JSON (shapes documented in docs/cli-json.md) instead of text.",
        id: "The visit's or subject's id.",
        visitId: "The visit's id.",
        subjectId: "The subject's id.",
        initCommand: CommandText(
            "Create the local database and a new random replica id (running it again keeps all data).",
            "Example: mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --organization 西校区ふれあいの会 --district nishi"),
        visitorId: "Your visitor id, as your office knows you, e.g. V-001.",
        name: "Your name, e.g. 山田花子.",
        role: "Your role:",
        organization: "Your organisation, e.g. 西校区ふれあいの会.",
        district: "Your district (校区), e.g. nishi.",
        assists: "For 民生委員協力員: the id of the 民生委員 you assist.",
        server: "Sync server URL (same as `mimamori login`), e.g. https://office.example.jp:8080.",
        token: "Bearer token issued by the office (needs --server).",
        login: CommandText("Remember the sync server and the bearer token issued by the office.",
                           "Example: mimamori login --server http://127.0.0.1:8080 --token mmr_…"),
        loginServer: "Server URL, e.g. https://office.example.jp:8080.",
        loginToken: "Bearer token from `mimamori-server token issue`.",
        subject: CommandText("Add, list, show, edit or deactivate subjects (訪問先).", "Example: mimamori subject list"),
        subjectAdd: CommandText("Add a subject.",
                                "Example: mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --category solo_elderly --cadence-days 14"),
        subjectList: CommandText("List active subjects.", "Example: mimamori subject list --all --json"),
        subjectShow: CommandText("Show a subject and its version history.", "Example: mimamori subject show S-0001"),
        subjectEdit: CommandText("Change fields of a subject (others stay as they are).", "Example: mimamori subject edit S-0001 --cadence-days 7"),
        subjectDeactivate: CommandText("Mark a subject as no longer visited (kept, but left out of `due`).",
                                       "Example: mimamori subject deactivate S-0001"),
        subjectNewId: "The subject's id, e.g. S-0001 (\(DocumentID.acceptedDescription)).",
        subjectName: "Display name (sensitive), e.g. 佐藤一郎.",
        category: "Category, repeatable:",
        cadenceDays: "Intended days between visits (1–366), e.g. 30.",
        consent: "Consent to share outside the visiting body (外部提供同意).",
        consentDate: "Date consent was given, YYYY-MM-DD.",
        note: "A note (sensitive).",
        includeInactive: "Include deactivated subjects.",
        visit: CommandText("Log, edit, delete, list and show visits (訪問記録).",
                           "Example: mimamori visit log --subject S-0001 --kind fureai_watch --concern isolation"),
        visitLog: CommandText(
            "Log a visit. In a terminal, without --subject or --kind, asks for the visit one question at a time.",
            """
            Defaults: today (Japan time), home_visit, safety_confirmed, your role and organisation from init, the \
            subject's district.
            Example: mimamori visit log --subject S-0001 --kind fureai_watch --outcome not_at_home --note "ポストに手紙"
            """),
        visitEdit: CommandText(
            "Change fields of a visit (others stay as they are). On a visit in conflict, this resolves it.",
            """
            --last corrects the last visit you recorded; in a terminal, without other options, it asks what to change.
            Example: mimamori visit edit 0193a5c2-… --outcome declined --concern service_refusal
            Example: mimamori visit edit --last
            Example: mimamori visit edit 0193a5c2-… --clear note --clear next-due
            """),
        visitDelete: CommandText("Delete a visit (a tombstone that syncs, not an erase).", "Example: mimamori visit delete 0193a5c2-…"),
        visitList: CommandText("List visits, oldest first.", "Example: mimamori visit list --month 2025-06 --kind fureai_watch"),
        visitShow: CommandText("Show a visit and its version history (who wrote each version, and when).",
                               "Example: mimamori visit show 0193a5c2-… --json"),
        last: "The last visit you recorded, instead of an id.",
        clear: "Take a field away, repeatable: " + clearableDescription(ClearableVisitField.self, .english) + ".",
        clearNote: "Take the note away: --clear note.",
        visitSubject: "The subject's id, e.g. S-0001.",
        kind: "Kind of visit:",
        date: "Visit date YYYY-MM-DD (default for log: today, Japan time).",
        time: "Time HH:MM, e.g. 14:30.",
        method: "Contact method (default home_visit):",
        outcome: "Outcome (default safety_confirmed):",
        action: "What was done, repeatable:",
        service: "nichiji_checkin services, repeatable:",
        concern: "Concern noticed (気づき), repeatable:",
        urgent: "Urgent (緊急性あり).",
        sharedAt: "Shared at, repeatable:",
        referral: "Referred to:",
        nextDue: "Next visit due, YYYY-MM-DD.",
        durationMin: "Duration in minutes (1–1440).",
        planEvent: "Outreach plan event:",
        consultationField: "Minsei-iin activity record: field of the consultation:",
        consultationTopic: "Minsei-iin activity record: topic of the consultation, repeatable (liaison is --action liaison):",
        visitAssists: "For kyoryokuin_watch: the 民生委員 assisted (default: from init).",
        month: "Only this month, YYYY-MM.",
        fy: "Only this 年度 (fiscal year starting in April), e.g. 2025.",
        from: "From this date, YYYY-MM-DD (inclusive).",
        to: "To this date, YYYY-MM-DD (inclusive).",
        onlySubject: "Only visits to this subject.",
        onlyKind: "Only this kind.",
        includeDeleted: "Include deleted visits.",
        activity: CommandText("Log, edit, delete and list activities: minsei-iin work that is not a visit (surveys, meetings, certificates, liaison with agencies).",
                              "Example: mimamori activity log --category certification --count 3"),
        activityLog: CommandText(
            "Record an activity.",
            """
            Defaults: today (Japan time), the district given at mimamori init, a count of 1.
            Example: mimamori activity log --category event_participation --date 2026-11-20 --note "district council meeting"
            """),
        activityEdit: CommandText("Change fields of an activity (fields not given stay as they are).",
                                  "Example: mimamori activity edit 0193a5c2-… --count 2"),
        activityDelete: CommandText("Delete an activity: its content is erased, and the deletion syncs.",
                                    "Example: mimamori activity delete 0193a5c2-…"),
        activityList: CommandText("List activities, oldest first.", "Example: mimamori activity list --month 2026-11 --json"),
        activityShow: CommandText("Show an activity and the history of its changes.", "Example: mimamori activity show 0193a5c2-…"),
        activityId: "The id of an activity (see mimamori activity list).",
        activityCategory: "Category:",
        activityDate: "Date of the activity (YYYY-MM-DD, Japan time; default: today).",
        activityDistrict: "School district (校区) of the activity (default: the one given at mimamori init).",
        activityCount: "How many of that work on that date, a whole number from \(Limits.activityCount.lowerBound) to \(Limits.activityCount.upperBound) (default: 1).",
        onlyCategory: "Only activities of this category.",
        due: CommandText("Active subjects whose last visit is older than their cadence, most overdue first (never visited on top).",
                         "Example: mimamori due --json"),
        totals: CommandText("Visit counts, 見守り訪問活動件数, outreach plans and 日常生活自立支援事業, locally or from the server.",
                            "Example: mimamori totals --fy 2025 --server"),
        totalsFY: "年度 (fiscal year starting in April), e.g. 2025 (default: the current one).",
        totalsServer: "Ask the server for the district office's figures, with target and progress.",
        status: CommandText("Replica id, pending changes, rejected changes, conflicts, last sync and server.", "Example: mimamori status"),
        sync: CommandText("Send your changes to the server and receive everyone else's. Safe to interrupt and run again.",
                          "Example: mimamori sync"),
        conflicts: CommandText("List, show and resolve conflicting edits of the same visit or subject.", "Example: mimamori conflicts list"),
        conflictsList: CommandText("List documents in conflict.", "Example: mimamori conflicts list --json"),
        conflictsShow: CommandText("Show the conflicting versions side by side, numbered for --keep, with author and time.",
                                   "Example: mimamori conflicts show 0193a5c2-…"),
        conflictsResolve: CommandText(
            "Keep version N (as numbered by `conflicts show`); the others are superseded everywhere after sync.",
            "Example: mimamori conflicts resolve 0193a5c2-… --keep 2   (or resolve by `mimamori visit edit ID …`)"),
        keep: "The number of the version to keep, from `conflicts show`.",
        report: CommandText("Reports for handing in, such as the minsei-iin monthly activity record.",
                            "Example: mimamori report monthly --month 2026-11"),
        reportMonthly: CommandText(
            "Your month of the minsei-iin activity record, from your own visits and activities.",
            """
            Visits, days of activity (days with any visit or activity), liaison with agencies, consultations by
            field and by topic, and other activities by category, in the national form's order. Liaison is the
            action liaison of a visit, or an activity of the category liaison; field and topic are recorded with
            --consultation-field and --consultation-topic of mimamori visit log, other activities with
            mimamori activity log. Works while locked.
            Example: mimamori report monthly --month 2026-11 --csv > 2026-11.csv
            """),
        reportMonth: "The month to count (YYYY-MM, e.g. 2026-11).",
        reportJSON: "Print JSON instead of text.",
        reportCSV: "Print CSV that opens in Excel (UTF-8 with a byte-order mark).",
        lock: CommandText("Forget the unlocked key: names and notes need the passphrase again (due, totals and status still work).",
                          "Example: mimamori lock"),
        forgotPassphrase: "The passphrase is forgotten: set the sealed database aside and start a new one; `mimamori sync` brings back what was synced (says first how many unsent changes would be lost).",
        generatorWords: [])
}
