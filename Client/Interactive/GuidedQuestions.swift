import Foundation
import MimamoriShared

/// Thrown when input ends at a question (Ctrl-D): nothing is saved.
struct GuidedInputEnded: Error {}

/// An answer at 保存しますか: save (Enter or yes), cancel (0 or no), or ask the line with this number again.
enum ConfirmAnswer: Equatable { case save, cancel, line(Int) }

/// The questions of a guided record, one per line with its default in brackets so that Enter takes it: the
/// guided visit and the guided activity ask theirs the same way. A question throws `GuidedInputEnded` at the
/// end of input, so the flow that asked it saves nothing.
protocol GuidedQuestions {
    var database: AppDatabase { get }
    var terminal: Terminal { get }
    var language: Language { get }
    var wareki: Bool { get }
}

extension GuidedQuestions {
    var strings: any Strings { language.strings(wareki: wareki) }

    /// Asks 保存しますか (`prompt`) once. Nil, after saying what is accepted, for an answer that is none of the
    /// `lines` nor save or cancel; a cancel has been said (記録しませんでした).
    func askConfirm(_ prompt: String, default shown: String, lines: [Int]) throws -> ConfirmAnswer? {
        guard let answer = terminal.ask(prompt, default: shown) else { throw GuidedInputEnded() }
        if answer.isEmpty || isYes(answer) { return .save }
        if answer == "0" || isNo(answer) {
            terminal.say(strings.notSaved)
            return .cancel
        }
        guard let n = Int(answer), lines.contains(n) else {
            terminal.say(strings.badConfirm(answer, count: lines.count))
            return nil
        }
        return .line(n)
    }

    /// Saves with `save` (one transaction), then says what was saved and how many changes wait to be sent. Nil,
    /// after saying every problem, when validation refuses the record, so the visitor can correct it.
    func saveAndSay<Record>(_ save: () throws -> Record, said: (Record) -> String) throws -> Record? {
        do {
            let record = try save()
            terminal.say(said(record))
            terminal.say(strings.pendingAfterSave(try database.pendingCount()))
            return record
        } catch let failure as ValidationFailure {
            terminal.say(strings.validationFailure(failure))
            return nil
        }
    }

    /// The numbered summary before 保存しますか: number, label and value, the labels in one column.
    func showSummary(_ rows: [(number: Int, label: String, value: String)]) {
        let labelWidth = rows.map { Terminal.width($0.label) }.max() ?? 0
        terminal.say()
        terminal.say(strings.summaryTitle)
        for row in rows {
            let number = row.number < 10 ? " \(row.number)" : "\(row.number)"
            terminal.say("  \(number) \(Terminal.padded(row.label, to: labelWidth))  \(row.value)")
        }
    }

    /// Numbered choices in columns; the question on its own line above them.
    func showChoices(_ question: String, _ labels: [String]) {
        terminal.say()
        let items = labels.enumerated().map { "\($0.offset + 1) \($0.element)" }
        let inline = question + "  " + items.joined(separator: "   ")
        if Terminal.width(inline) <= 78 {
            terminal.say(inline)
            return
        }
        terminal.say(question)
        showNumbered(labels)
    }

    func showNumbered(_ labels: [String]) {
        let items = labels.enumerated().map { ($0.offset + 1 < 10 ? " " : "") + "\($0.offset + 1) \($0.element)" }
        let widest = items.map(Terminal.width).max() ?? 0
        let perLine = max(1, min(3, 76 / (widest + 3)))
        var line = ""
        for (i, item) in items.enumerated() {
            line += "  " + (i % perLine == perLine - 1 || i == items.count - 1 ? item : Terminal.padded(item, to: widest + 1))
            if i % perLine == perLine - 1 || i == items.count - 1 {
                terminal.say(line)
                line = ""
            }
        }
    }

    func chooseOne<C: CodeList>(_ question: String, field: String, _ options: [C], current: C?) throws -> C {
        showChoices(question, options.map { $0.label(language) })
        let index = current.flatMap { options.firstIndex(of: $0) }
        while true {
            guard let answer = terminal.ask(strings.chooseOne, default: index.map { "\($0 + 1) \(options[$0].label(language))" })
            else { throw GuidedInputEnded() }
            if answer.isEmpty, let index { return options[index] }
            if let n = Int(answer), (1...options.count).contains(n) { return options[n - 1] }
            terminal.say(strings.badChoice(field: field, answer, count: options.count))
        }
    }

    func chooseOptional<C: CodeList>(_ question: String, field: String, _ options: [C], current: C?) throws -> C? {
        showChoices(question, options.map { $0.label(language) })
        while true {
            guard let answer = terminal.ask(strings.chooseOneOrNone, default: current?.label(language) ?? strings.none)
            else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if answer == "0" || answer == strings.none { return nil }
            if let n = Int(answer), (1...options.count).contains(n) { return options[n - 1] }
            terminal.say(strings.badChoice(field: field, answer, count: options.count))
        }
    }

    func chooseSeveral<C: CodeList>(_ question: String, field: String, _ options: [C], current: [C]) throws -> [C] {
        showChoices(question, options.map { $0.label(language) })
        let shown = current.isEmpty ? strings.none
            : current.compactMap { c in options.firstIndex(of: c).map { "\($0 + 1)" } }.joined(separator: " ")
        while true {
            guard let answer = terminal.ask(strings.chooseSeveral, default: shown) else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if answer == "0" || answer == strings.none { return [] }
            let parts = answer.split(whereSeparator: { " ,、，・".contains($0) })
            let numbers = parts.compactMap { Int($0) }
            if numbers.count == parts.count, !numbers.isEmpty, numbers.allSatisfy({ (1...options.count).contains($0) }) {
                var seen = Set<Int>()
                return numbers.filter { seen.insert($0).inserted }.map { options[$0 - 1] }
            }
            terminal.say(strings.badChoices(field: field, answer, count: options.count))
        }
    }

    func askYesNo(_ question: String, field: String, current: Bool) throws -> Bool {
        terminal.say()
        terminal.say(question + "  " + strings.yesNoChoices)
        while true {
            guard let answer = terminal.ask(strings.chooseOne, default: current ? "1 " + strings.yes : "2 " + strings.no)
            else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if answer == "1" || isYes(answer) { return true }
            if answer == "2" || isNo(answer) { return false }
            terminal.say(strings.badYesNo(field: field, answer))
        }
    }

    func askNote(current: String?) throws -> String? {
        while true {
            terminal.say()
            guard let answer = terminal.ask(current == nil ? strings.askNote : strings.askNoteToChange, default: current ?? strings.none) else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if answer == strings.none || answer == "0" { return nil }
            if answer.count > maxNoteLength { terminal.say(strings.noteTooLong(max: maxNoteLength)); continue }
            return answer
        }
    }

    /// A date as MM-DD (this year, or next when that is already past for a next visit), YYYY-MM-DD, with / or 月日.
    func askDate(_ question: String, field: String, current: LocalDate?, from: LocalDate, to: LocalDate,
                 allowNone: Bool = false) throws -> LocalDate? {
        terminal.say()
        while true {
            guard let answer = terminal.ask(question, default: current.map { DateText.long($0, language, wareki: wareki) } ?? strings.none)
            else { throw GuidedInputEnded() }
            if answer.isEmpty { return current }
            if allowNone, answer == "0" || answer == strings.none { return nil }
            guard let date = GuidedVisit.parseDate(answer, reference: allowNone ? from : to, future: allowNone) else {
                terminal.say(strings.badDate(field: field, answer))
                continue
            }
            guard date >= from, date <= to else {
                terminal.say(strings.dateOutOfRange(field: field, date, from: from, to: to))
                continue
            }
            return date
        }
    }

    /// MM-DD is taken in the year that puts it on the right side of `reference`: not after it for a visit
    /// date (`future` false), not before it for a next visit (`future` true).
    static func parseDate(_ text: String, reference: LocalDate, future: Bool) -> LocalDate? {
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        switch numbers.count {
        case 3: return LocalDate(year: numbers[0], month: numbers[1], day: numbers[2])
        case 2:
            guard let date = LocalDate(year: reference.year, month: numbers[0], day: numbers[1]) else { return nil }
            if future, date < reference { return LocalDate(year: reference.year + 1, month: numbers[0], day: numbers[1]) }
            if !future, date > reference { return LocalDate(year: reference.year - 1, month: numbers[0], day: numbers[1]) }
            return date
        default: return nil
        }
    }

    func isYes(_ answer: String) -> Bool { ["はい", "yes", "y", strings.yes].contains(answer.lowercased()) }
    func isNo(_ answer: String) -> Bool { ["いいえ", "no", "n", strings.no].contains(answer.lowercased()) }
}
