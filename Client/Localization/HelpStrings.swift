import ArgumentParser
import MimamoriShared

/// The abstract and discussion (with an example) of one command.
public struct CommandText: Sendable {
    public let abstract: String
    public let discussion: String
    public init(_ abstract: String, _ discussion: String) { self.abstract = abstract; self.discussion = discussion }

    /// The command's configuration, in this language.
    func configuration(_ name: String? = nil, subcommands: [any ParsableCommand.Type] = []) -> CommandConfiguration {
        CommandConfiguration(commandName: name, abstract: abstract, discussion: discussion, subcommands: subcommands)
    }
}

/// The help of every command and option. ArgumentParser reads `configuration` and `ArgumentHelp` when it
/// builds help, so both are computed from `Localization.help` at run time.
public struct HelpStrings: Sendable {
    // Root and shared options
    public var root: CommandText
    public var dataDir: String
    public var wareki: String
    public var json: String
    public var id: String
    public var visitId: String
    public var subjectId: String
    // init, login
    public var initCommand: CommandText
    public var visitorId: String
    public var name: String
    public var role: String
    public var organization: String
    public var district: String
    public var assists: String
    public var server: String
    public var token: String
    public var login: CommandText
    public var loginServer: String
    public var loginToken: String
    // subject
    public var subject: CommandText
    public var subjectAdd: CommandText
    public var subjectList: CommandText
    public var subjectShow: CommandText
    public var subjectEdit: CommandText
    public var subjectDeactivate: CommandText
    public var subjectNewId: String
    public var subjectName: String
    public var category: String
    public var cadenceDays: String
    public var consent: String
    public var consentDate: String
    public var note: String
    public var includeInactive: String
    // visit
    public var visit: CommandText
    public var visitLog: CommandText
    public var visitEdit: CommandText
    public var visitDelete: CommandText
    public var visitList: CommandText
    public var visitShow: CommandText
    public var last: String
    public var clear: String
    public var clearNote: String
    public var visitSubject: String
    public var kind: String
    public var date: String
    public var time: String
    public var method: String
    public var outcome: String
    public var action: String
    public var service: String
    public var concern: String
    public var urgent: String
    public var sharedAt: String
    public var referral: String
    public var nextDue: String
    public var durationMin: String
    public var planEvent: String
    public var consultationField: String
    public var consultationTopic: String
    public var visitAssists: String
    public var month: String
    public var fy: String
    public var from: String
    public var to: String
    public var onlySubject: String
    public var onlyKind: String
    public var includeDeleted: String
    // activity
    public var activity: CommandText
    public var activityLog: CommandText
    public var activityEdit: CommandText
    public var activityDelete: CommandText
    public var activityList: CommandText
    public var activityShow: CommandText
    public var activityId: String
    public var activityCategory: String
    public var activityDate: String
    public var activityDistrict: String
    public var activityCount: String
    public var onlyCategory: String
    // due, totals, status, sync, conflicts
    public var due: CommandText
    public var totals: CommandText
    public var totalsFY: String
    public var totalsServer: String
    public var status: CommandText
    public var sync: CommandText
    public var conflicts: CommandText
    public var conflictsList: CommandText
    public var conflictsShow: CommandText
    public var conflictsResolve: CommandText
    public var keep: String
    // report
    public var report: CommandText
    public var reportMonthly: CommandText
    public var reportMonth: String
    public var reportJSON: String
    public var reportCSV: String
    // lock, forgotten passphrase
    public var lock: CommandText
    public var forgotPassphrase: String
    /// ArgumentParser's own fixed words (section titles, the help flag), as (English, this language) pairs.
    public var generatorWords: [(String, String)]
}

/// `ArgumentHelp` with the accepted codes of a list, in the table's language.
func codeHelp<C: CodeList>(_ text: String, _ list: C.Type, valueName: String) -> ArgumentHelp {
    ArgumentHelp(text + " " + codesDescription(list, Localization.language), valueName: valueName)
}

/// "fureai_watch（ふれあいの会による見守り訪問）、…" or "fureai_watch, minsei_watch, …".
func codesDescription<C: CodeList>(_ list: C.Type, _ language: Language) -> String {
    switch language {
    case .japanese: return C.entries.map { "\($0.id)（\($0.japanese)）" }.joined(separator: "、")
    case .english: return C.acceptedDescription
    }
}

/// "note（メモ）、next-due（次回予定日）、…" or "note, next-due, …": what `--clear` accepts.
func clearableDescription<F: ClearableField>(_ fields: F.Type, _ language: Language) -> String {
    switch language {
    case .japanese: return F.allCases.map { "\($0.rawValue)（\($0.japanese)）" }.joined(separator: "、")
    case .english: return F.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
