import Foundation
import MimamoriShared

/// `mimamori` alone in a terminal: a numbered menu in the locale's language. Enter takes the first item, so
/// a routine visit is Enter (menu), Enter (first due subject) and one Enter per question.
struct MainMenu {
    let configuration: ClientConfiguration
    let terminal: Terminal
    var today: LocalDate = .today()

    /// The numbers visitors know stay as they were: 6 is still 終わる. その他の活動・連絡調整を記録する came later, so
    /// it is 7, below 終わる, and only for the roles that keep the activity record (民生委員・主任児童委員).
    enum Item: Int, CaseIterable { case record = 1, due, review, sync, status, quit, recordActivity }

    /// The items this visitor sees: the activity entry only for a 民生委員・児童委員.
    static func items(for role: VisitorRole) -> [Item] {
        Item.allCases.filter { $0 != .recordActivity || VisitorRole.minseiRecordRoles.contains(role) }
    }

    var language: Language { configuration.language }
    var strings: any Strings { configuration.strings }

    func run() async throws {
        let db = try configuration.openDatabase()
        if terminalIsReal { InterruptHandling.install(message: strings.interrupted) }
        let replica = try db.requireReplica()
        let items = MainMenu.items(for: replica.visitorRole)
        while true {
            terminal.say()
            terminal.say(strings.menuTitle(name: replica.name, today: today))
            terminal.say(strings.menuPending(try db.pendingCount()))
            terminal.say()
            for item in items { terminal.say("   \(item.rawValue) \(label(item))") }
            guard let answer = terminal.ask(strings.menuQuestion, default: "1 " + label(.record)) else {
                terminal.say()
                terminal.say(strings.goodbye)
                return
            }
            guard let item = answer.isEmpty ? .record : Int(answer).flatMap(Item.init(rawValue:)), items.contains(item) else {
                terminal.say(strings.notAChoice(answer, count: items.count))
                continue
            }
            do {
                if try await perform(item, db) == false { return }
            } catch let error as ClientError {
                terminal.say(strings.errorPrefix + strings.error(error))
            }
        }
    }

    /// The standard terminal gets the Ctrl-C message; a test's scripted terminal does not need it.
    var terminalIsReal: Bool { isatty(STDIN_FILENO) == 1 }

    func label(_ item: Item) -> String {
        switch item {
        case .record: return strings.menuRecord
        case .due: return strings.menuDue
        case .review: return strings.menuReview
        case .sync: return strings.menuSync
        case .status: return strings.menuStatus
        case .quit: return strings.menuQuit
        case .recordActivity: return strings.menuRecordActivity
        }
    }

    /// Does one menu item; false when the visitor chose to quit.
    func perform(_ item: Item, _ db: AppDatabase) async throws -> Bool {
        let guided = GuidedVisit(database: db, terminal: terminal, language: language, today: today, wareki: configuration.wareki)
        switch item {
        case .record:
            _ = try guided.record()
        case .recordActivity:
            _ = try GuidedActivity(database: db, terminal: terminal, language: language, today: today, wareki: configuration.wareki).record()
        case .due:
            terminal.say()
            terminal.say(strings.menuDue + ":")
            DueCommand.text(try db.due(today: today), language: language, ids: false).forEach { terminal.say("  " + $0) }
        case .review:
            try review(db, guided)
        case .sync:
            terminal.say(strings.syncing)
            // A sync writes page by page and is safe to stop; Ctrl-C here says so rather than "nothing saved".
            if terminalIsReal { InterruptHandling.install(message: strings.syncInterrupted) }
            defer { if terminalIsReal { InterruptHandling.install(message: strings.interrupted) } }
            let summary = try await SyncCommand.sync(db, language: language) { terminal.say("  " + $0) }
            SyncCommand.text(summary, language: language).forEach { terminal.say($0) }
        case .status:
            terminal.say()
            strings.statusLines(try db.status()).forEach { terminal.say("  " + $0) }
        case .quit:
            terminal.say(strings.goodbye)
            return false
        }
        if [.due, .sync, .status].contains(item) {
            // Let the visitor read before the menu pushes it up the screen.
            terminal.say()
            guard terminal.ask(strings.pressEnterForMenu, default: nil) != nil else { return false }
        }
        return true
    }

    /// 記録を見る・直す: the visitor's latest records, newest first (a 民生委員's activities among their visits); Enter
    /// takes the newest. The one chosen opens numbered like its summary, to correct.
    func review(_ db: AppDatabase, _ guided: GuidedVisit) throws {
        var records = try db.ownVisits(limit: 9).map(Reviewed.visit)
        if VisitorRole.minseiRecordRoles.contains(try db.requireReplica().visitorRole) {
            records = Array((records + (try db.ownActivities(limit: 9).map(Reviewed.activity))).sorted { $0.id > $1.id }.prefix(9))
        }
        guard !records.isEmpty else { terminal.say(strings.noOwnVisits); return }
        let names = Dictionary(try db.subjects(includeInactive: true).map { ($0.subject.id, $0.subject.name) }, uniquingKeysWith: { a, _ in a })
        terminal.say()
        terminal.say(strings.reviewTitle)
        for (i, record) in records.enumerated() {
            switch record {
            case let .visit(v):
                terminal.say("   \(i + 1) " + strings.visitDescription(subjectName: names[v.subjectId] ?? v.subjectId, date: v.date,
                                                                     kind: v.kind.label(language), outcome: v.outcome.label(language)))
            case let .activity(a):
                terminal.say("   \(i + 1) " + strings.activityDescription(category: a.category.label(language), date: a.date, count: a.count))
            }
        }
        while true {
            guard let answer = terminal.ask(strings.reviewPrompt + " " + strings.chooseOne, default: "1") else {
                terminal.say()
                terminal.say(strings.notSaved)
                return
            }
            let chosen = answer.isEmpty ? 1 : Int(answer)
            guard let chosen, (1...records.count).contains(chosen) else {
                terminal.say(strings.badChoice(field: strings.menuReview, answer, count: records.count))
                continue
            }
            switch records[chosen - 1] {
            case let .visit(v): _ = try guided.correct(v)
            case let .activity(a):
                _ = try GuidedActivity(database: db, terminal: terminal, language: language, today: today, wareki: configuration.wareki).correct(a)
            }
            return
        }
    }

    /// A record of 記録を見る・直す.
    enum Reviewed {
        case visit(Visit)
        case activity(Activity)

        var id: String {
            switch self {
            case let .visit(v): return v.id
            case let .activity(a): return a.id
            }
        }
    }
}
