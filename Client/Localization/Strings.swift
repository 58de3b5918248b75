import Foundation
import MimamoriShared

/// Every sentence the client shows a person, once per language: `Strings+Japanese.swift` and
/// `Strings+English.swift` hold one table each, so a translator reads and changes one file. Code-list labels
/// (kinds, outcomes, concerns …) come from Shared's code lists; dates from `DateText`.
///
/// One language per screen: the language is chosen once, from the locale (`Language.from(environment:)`),
/// and every line of a screen comes from that one table.
public protocol Strings: Sendable {
    var language: Language { get }

    // MARK: Help of the commands (ArgumentParser's configuration and option help)
    var help: HelpStrings { get }

    // MARK: Menu
    func menuTitle(name: String, today: LocalDate) -> String
    func menuPending(_ count: Int) -> String
    var menuRecord: String { get }
    var menuDue: String { get }
    var menuReview: String { get }
    var menuSync: String { get }
    var menuStatus: String { get }
    var menuQuit: String { get }
    /// その他の活動・連絡調整を記録する: shown only to the roles that keep the activity record.
    var menuRecordActivity: String { get }
    var menuQuestion: String { get }
    var goodbye: String { get }
    var pressEnterForMenu: String { get }
    func notAChoice(_ text: String, count: Int) -> String

    // MARK: Guided record
    var guidedIntro: String { get }
    var askSubject: String { get }
    var subjectPrompt: String { get }
    func subjectLineDue(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String
    func subjectLine(name: String) -> String
    func moreSubjects(_ count: Int) -> String
    func subjectNoMatch(_ text: String) -> String
    func subjectManyMatches(_ text: String, count: Int) -> String
    var noSubjects: String { get }
    var askKind: String { get }
    var askMethod: String { get }
    var askOutcome: String { get }
    var askActions: String { get }
    var askConcerns: String { get }
    var askUrgent: String { get }
    var askNote: String { get }
    /// The note question when there is one already: Enter keeps it, and how to take it away.
    var askNoteToChange: String { get }
    var askSharedAt: String { get }
    var askReferral: String { get }
    var askNextDue: String { get }
    var askConsultationField: String { get }
    var askConsultationTopics: String { get }
    var askDate: String { get }
    var chooseOne: String { get }
    var chooseSeveral: String { get }
    var none: String { get }
    var yes: String { get }
    var no: String { get }
    var yesNoChoices: String { get }
    func badChoice(field: String, _ text: String, count: Int) -> String
    func badChoices(field: String, _ text: String, count: Int) -> String
    func badYesNo(field: String, _ text: String) -> String
    func badDate(field: String, _ text: String) -> String
    func dateOutOfRange(field: String, _ date: LocalDate, from: LocalDate, to: LocalDate) -> String
    func noteTooLong(max: Int) -> String

    // MARK: Summary, saving, correcting
    var summaryTitle: String { get }
    var fieldSubject: String { get }
    var fieldDate: String { get }
    var fieldKind: String { get }
    var fieldMethod: String { get }
    var fieldOutcome: String { get }
    var fieldActions: String { get }
    var fieldConcerns: String { get }
    var fieldUrgent: String { get }
    var fieldNote: String { get }
    var fieldSharedAt: String { get }
    var fieldReferral: String { get }
    var fieldNextDue: String { get }
    var fieldConsultationField: String { get }
    var fieldConsultationTopics: String { get }
    var confirmSave: String { get }
    var confirmEdit: String { get }
    var reviewUnchanged: String { get }
    var saveDefault: String { get }
    var backDefault: String { get }
    var urgentYes: String { get }
    var urgentNo: String { get }
    func subjectWithId(name: String, id: String) -> String
    var listSeparator: String { get }
    var chooseOneOrNone: String { get }
    func badConfirm(_ text: String, count: Int) -> String
    func saved(_ description: String) -> String
    func edited(_ description: String) -> String
    func pendingAfterSave(_ count: Int) -> String
    var notSaved: String { get }
    var interrupted: String { get }
    func visitDescription(subjectName: String, date: LocalDate, kind: String, outcome: String) -> String
    func honorific(_ name: String) -> String

    // MARK: Guided activity (その他の活動・連絡調整)
    var askActivityCategory: String { get }
    var askActivityDate: String { get }
    var askActivityCount: String { get }
    var askActivityDistrict: String { get }
    var fieldActivityCategory: String { get }
    var fieldActivityDate: String { get }
    var fieldActivityCount: String { get }
    var fieldActivityDistrict: String { get }
    func activityCount(_ count: Int) -> String
    func activityDescription(category: String, date: LocalDate, count: Int) -> String
    func badActivityCount(_ text: String) -> String
    func badActivityDistrict(_ text: String) -> String

    // MARK: Reviewing records
    var reviewTitle: String { get }
    var reviewPrompt: String { get }
    var noOwnVisits: String { get }

    // MARK: Due, status, sync
    var nobodyDue: String { get }
    func statusLines(_ s: StatusReport) -> [String]
    func dueLine(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String
    func syncProgressPushed(_ done: Int, _ total: Int) -> String
    func syncProgressPulled(_ documents: Int) -> String
    var syncEpochChanged: String { get }
    func synced(_ s: SyncSummary) -> String
    func syncDeferred(_ count: Int) -> String
    var syncRejectedHint: String { get }
    var syncing: String { get }
    var syncInterrupted: String { get }
    /// What `visit show` prints for a tombstone: deleting erases the content.
    var erasedContent: String { get }

    // MARK: Bad options (messages name the option and what it accepts)
    func badDateOption(_ option: String, _ text: String) -> String
    func badTimeOption(_ option: String, _ text: String) -> String
    func badMonthOption(_ text: String) -> String
    func badCodeOption(field: String, _ text: String, accepted: String) -> String
    func badClear(_ text: String, accepted: String) -> String
    func clearAndGiven(_ field: String) -> String
    var serverAndTokenTogether: String { get }
    func missingOption(_ option: String, example: String) -> String
    var oneRangeOnly: String { get }
    /// `report monthly` given both `--json` and `--csv`.
    var jsonOrCSV: String { get }
    func badFiscalYear(_ value: Int) -> String
    func badKeep(_ value: Int) -> String
    func missingForLog(subject: Bool, kind: Bool) -> String
    var idOrLast: String { get }

    // MARK: Text output of the read commands
    func label(_ label: TextLabel) -> String
    func inConflictHeader(count: Int, id: String) -> String
    func initialized(replicaId: String) -> String
    func alreadyInitialized(replicaId: String, visitorId: String) -> String
    func dataFile(_ path: String) -> String
    func serverSet(_ url: String) -> String
    func indicatorTarget(annual: Int, prorated: Int, percent: String) -> String
    func sameLastYear(_ count: Int) -> String
    /// `totals`: outreach plans made (re-plans included), of which re-plans, the annual target, and closed.
    func outreachPlans(created: Int, replans: Int, target: Int, closed: Int) -> String
    /// `totals` on a locked laptop whose older outreach visits are not yet counted: the target, and how to count.
    func outreachPlansLocked(target: Int) -> String
    /// `totals`: 日常生活自立支援事業 check-ins and distinct contract holders.
    func nichijiCheckins(_ checkins: Int, holders: Int) -> String

    // MARK: Passphrase (a lost laptop gives nothing away)
    var askPassphrase: String { get }
    var askNewPassphrase: String { get }
    var askPassphraseAgain: String { get }
    var passphrasesDiffer: String { get }
    var wrongPassphraseTryAgain: String { get }
    var initPassphraseIntro: String { get }
    var upgradeIntro: String { get }
    func upgraded(versions: Int) -> String
    /// Where the unlocked key is kept, when that is worth saying (nil for `$XDG_RUNTIME_DIR`).
    func keyKept(_ place: KeyCache.Place) -> String?
    var lockedNow: String { get }
    var wasNotUnlocked: String { get }
    var notEncryptedYet: String { get }
    var passphraseFromEnvironment: String { get }
    /// Shown instead of a name by `due` while locked.
    var nameLocked: String { get }
    func forgottenLoses(_ unsent: Int) -> String
    var forgottenConfirm: String { get }
    func setAside(_ path: String) -> String

    // MARK: Errors
    func error(_ error: ClientError) -> String
    /// The problems of a refused record, each under the record's own name for its field (`document`).
    func validationFailure(_ problems: [ValidationProblem], of document: DocumentType?) -> String
    var errorPrefix: String { get }
}

extension Strings {
    func validationFailure(_ failure: ValidationFailure) -> String { validationFailure(failure.problems, of: failure.document) }
    func validationFailure(_ problems: [ValidationProblem]) -> String { validationFailure(problems, of: nil) }
}

extension Language {
    /// The table of this language.
    public var strings: any Strings { strings(wareki: false) }

    /// The table, with dates in 和暦 when `wareki` (Japanese only: English dates stay Gregorian).
    public func strings(wareki: Bool) -> any Strings {
        switch self {
        case .japanese: return JapaneseStrings(wareki: wareki)
        case .english: return EnglishStrings()
        }
    }
}

/// The language of this process, from the locale, resolved once. Help texts (ArgumentParser's configurations
/// are static) and the entry point use it; everything else receives the language in `ClientConfiguration`.
public enum Localization {
    public static let language = Language.from(environment: ProcessInfo.processInfo.environment)
    public static var strings: any Strings { language.strings }
    public static var help: HelpStrings { strings.help }
}

/// Labels of the text output of the read commands (`visit show`, `subject list`, `totals` …).
public enum TextLabel: CaseIterable, Sendable {
    case visitId
    case date
    case kind
    case method
    case outcome
    case subject
    case visitor
    case concerns
    case urgentLine
    case urgentBadge
    case conflictBadge
    case inactiveBadge
    case actions
    case services
    case sharedAt
    case referral
    case nextDue
    case duration
    case minutes
    case plan
    case note
    case subjectId
    case name
    case district
    case state
    case active
    case inactive
    case categories
    case cadence
    case days
    case consent
    case given
    case notGiven
    case by
    case at
    case deletedSuffix
    case deletedWord
    case deletedLine
    case differsIn
    case history
    case byMonth
    case byKind
    case serverTotals
    case deviceTotals
    case asOf
    // mimamori report monthly (民生委員の活動記録)
    case activityReport
    case reportVisits
    case activityDays
    case liaisons
    case consultations
    case byField
    case byTopic
    case csvSection
    case csvItem
    case csvCount
    case otherActivities
    case byCategory
    case activityId
    case activityCategory
    case activityCount
}
