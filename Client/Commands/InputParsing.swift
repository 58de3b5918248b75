import ArgumentParser
import MimamoriShared

/// Turns command-line text into domain values, with messages that name the option and what it accepts.
/// Code-list text is matched by id or label; unknown text is kept as an unknown code so that validation
/// reports it together with every other problem of the record.
enum InputParsing {
    static var strings: any Strings { Localization.strings }

    static func date(_ text: String?, option: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(text) else { throw ValidationError(strings.badDateOption(option, text)) }
        return date
    }

    static func time(_ text: String?, option: String) throws -> LocalTime? {
        guard let text else { return nil }
        guard let time = LocalTime(text) else { throw ValidationError(strings.badTimeOption(option, text)) }
        return time
    }

    static func month(_ text: String) throws -> (year: Int, month: Int) {
        guard let d = LocalDate(text + "-01") else { throw ValidationError(strings.badMonthOption(text)) }
        return (d.year, d.month)
    }

    static func code<C: CodeList>(_ text: String?) -> C? {
        text.map { C.parse($0) ?? C(rawValue: $0) }
    }

    static func codes<C: CodeList>(_ texts: [String]) -> [C]? {
        texts.isEmpty ? nil : texts.map { C.parse($0) ?? C(rawValue: $0) }
    }

    /// `--clear FIELD` (repeatable, on an edit): the fields to take away, each named as its own option; a field
    /// also given a value is refused, so an edit never says two things about one field.
    static func cleared<F: ClearableField>(_ texts: [String], given: (F) -> Bool) throws -> Set<F> {
        var fields = Set<F>()
        for text in texts {
            guard let field = F(rawValue: text) else {
                throw ValidationError(strings.badClear(text, accepted: clearableDescription(F.self, Localization.language)))
            }
            guard !given(field) else { throw ValidationError(strings.clearAndGiven(text)) }
            fields.insert(field)
        }
        return fields
    }

    /// Refuses an unknown code straight away, for options that are not part of a record (filters, roles).
    static func knownCode<C: CodeList>(_ text: String, option: String = C.field) throws -> C {
        guard let value = C.parse(text) else {
            throw ValidationError(strings.badCodeOption(field: option, text, accepted: codesDescription(C.self, Localization.language)))
        }
        return value
    }
}
