import Foundation

/// One thing wrong with a record: the field, the value given, and what is accepted.
public struct ValidationProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    public let field: String
    public let value: String
    public let accepted: String

    public init(field: String, value: String, accepted: String) {
        self.field = field
        self.value = value
        self.accepted = accepted
    }

    /// e.g. `date: '2031-01-01' is not accepted; accepted: a date from 2000-01-01 to today (2025-06-01)`.
    public var description: String {
        "\(field): \(value.isEmpty ? "(empty)" : "'\(value)'") is not accepted; accepted: \(accepted)"
    }
}

/// Every problem with a record, thrown at once so a person can fix them all in one go.
public struct ValidationFailure: Error, LocalizedError, Hashable, Sendable {
    public let problems: [ValidationProblem]
    /// Which kind of record was refused, when known: a field named alike in two records (`date` is a visit's
    /// 訪問日 but an activity's 活動日) is shown under the record's own name.
    public let document: DocumentType?
    public init(_ problems: [ValidationProblem], document: DocumentType? = nil) {
        self.problems = problems
        self.document = document
    }
    public var errorDescription: String? {
        "the \(document == .activity ? "activity" : "record") was not saved:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// How strict to be about code-list ids. New input from a person must use known ids; a version arriving from
/// another replica may carry an id a newer build added, and is kept as it is.
public enum CodePolicy: Sendable {
    case knownOnly
    case allowUnknown
}

/// The earliest visit date accepted: older dates are almost always typing mistakes.
public let earliestVisitDate = LocalDate(year: 2000, month: 1, day: 1)!
public let maxNoteLength = 4000
public let maxNameLength = 200

/// Every limit on what a record may hold, in one place (docs/openapi.yaml states the same numbers).
/// Text has a limit in characters, which a person understands, and one in UTF-8 bytes, which bounds what
/// a server stores and sends: 8 MB of combining marks is one character.
public enum Limits {
    /// Ids of people and places: `visitorId`, `author`, `district`, `assistsMinseiId`.
    public static let idText = TextLimit(characters: 64, bytes: 256)
    /// Names: a subject's `name`, `organization`.
    public static let name = TextLimit(characters: maxNameLength, bytes: 800)
    public static let note = TextLimit(characters: maxNoteLength, bytes: 16_000)
    /// Entries of each code list field (`actions`, `services`, `concerns`, `sharedAt`,
    /// `consultationTopics`, `categories`).
    public static let codesPerList = 32
    /// An activity's `count`: how many of one kind of work on one date (a day of certificates is a handful).
    public static let activityCount = 1...99
    /// Entries of a version vector: one per replica that ever wrote the document.
    public static let vectorEntries = 256
}

/// A limit on text: at most `characters` grapheme clusters and `bytes` UTF-8 bytes.
public struct TextLimit: Sendable, Hashable {
    public let characters: Int
    public let bytes: Int

    public func allows(_ text: String) -> Bool {
        // The byte count first: it is O(1) for native strings and bounds the character count's work. A character
        // is at least one byte, so text of no more bytes than the character limit needs no counting of characters
        // (grapheme breaking, the costly part, on every note and id a server receives).
        let utf8 = text.utf8.count
        return utf8 <= bytes && (utf8 <= characters || text.count <= characters)
    }

    public var description: String { "at most \(characters) characters and \(bytes) bytes of UTF-8" }
}

/// The start of a long value, for a message: 20 Unicode scalars, not characters (one character of combining
/// marks can be megabytes).
public func shortened(_ value: String) -> String {
    let scalars = value.unicodeScalars
    return scalars.count <= 20 ? value : String(String.UnicodeScalarView(scalars.prefix(20))) + "…"
}

/// Whether every UTF-8 byte of `s` passes `allowed`: a plain loop over its contiguous bytes, several times cheaper
/// than iterating `s.utf8`; ids and text are checked for every version a server receives.
@inline(__always) func allUTF8(of s: String, _ allowed: (UInt8) -> Bool) -> Bool {
    var s = s
    return s.withUTF8 { bytes in
        for b in bytes where !allowed(b) { return false }
        return true
    }
}

struct Checker {
    var problems: [ValidationProblem] = []
    let codes: CodePolicy

    // Messages are built only when a check fails: validation runs on every version a server receives.
    mutating func require(_ ok: Bool, _ field: String, _ value: @autoclosure () -> String,
                          _ accepted: @autoclosure () -> String) {
        if !ok { problems.append(ValidationProblem(field: field, value: value(), accepted: accepted())) }
    }

    mutating func id(_ value: String, _ field: String) {
        require(DocumentID.isValid(value), field, value, DocumentID.acceptedDescription)
    }

    /// One line of text: not blank, no control characters, within `limit`.
    mutating func text(_ value: String, _ field: String, _ limit: TextLimit) {
        guard limit.allows(value) else {
            return require(false, field, shortened(value), "non-empty text of \(limit.description)")
        }
        // Text that starts with a visible ASCII character is not blank: no Unicode property lookups for it.
        let startsVisible = value.utf8.first.map { $0 > 0x20 && $0 < 0x7F } ?? false
        let blank = !startsVisible && !value.unicodeScalars.contains { !$0.properties.isWhitespace }
        let control = Checker.hasControl(value, allowing: [])
        require(!blank && !control, field, value, "non-empty text of \(limit.description), on one line with no control characters")
    }

    /// Free text: line breaks and tabs allowed, other control characters not.
    /// Unicode's control characters (general category Cc) are exactly U+0000–U+001F and U+007F–U+009F, a set
    /// Unicode promises never to change: checked by value, with no property lookup for every character of
    /// every note a server receives.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether `text` holds a control character other than `allowed` (ASCII ones), read from its UTF-8 bytes:
    /// U+0000–U+001F and U+007F are one byte each, U+0080–U+009F are C2 80 to C2 9F, and no other character's
    /// encoding holds those byte sequences.
    static func hasControl(_ text: String, allowing allowed: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var afterC2 = false
            for b in bytes {
                if b < 0x20 || b == 0x7F {
                    if !allowed.contains(b) { return true }
                } else if afterC2 && b >= 0x80 && b <= 0x9F {
                    return true
                }
                afterC2 = b == 0xC2
            }
            return false
        }
    }

    mutating func note(_ value: String?) {
        guard let n = value else { return }
        guard Limits.note.allows(n) else {
            return require(false, "note", shortened(n), Limits.note.description)
        }
        let control = Checker.hasControl(n, allowing: [UInt8(ascii: "\n"), UInt8(ascii: "\t")])
        require(!control, "note", shortened(n), "text with no control characters other than line breaks and tabs")
    }

    mutating func code<C: CodeList>(_ value: C) {
        guard value.isWellFormed else {
            return require(false, C.field, shortened(value.rawValue), "a code id of \(CodeID.acceptedDescription), e.g. one of \(C.acceptedDescription)")
        }
        if codes == .knownOnly {
            require(value.isKnown, C.field, value.rawValue, "one of \(C.acceptedDescription)")
        }
    }

    mutating func codes<C: CodeList>(_ values: [C]) {
        guard values.count <= Limits.codesPerList else {
            return require(false, C.field, "\(values.count) entries", "at most \(Limits.codesPerList) entries")
        }
        for v in values { code(v) }
        // The lists are short: compare pairs, and group only when there is a duplicate to name.
        guard values.indices.contains(where: { i in values[(i + 1)...].contains(values[i]) }) else { return }
        let duplicates = Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        for d in duplicates {
            problems.append(ValidationProblem(field: C.field, value: d.rawValue, accepted: "each value at most once"))
        }
    }
}

extension Visit {
    /// Every problem with this visit. `today` is the current date in Japan time on the checking side.
    public func problems(today: LocalDate, codes: CodePolicy = .knownOnly) -> [ValidationProblem] {
        var c = Checker(codes: codes)
        c.id(id, "id")
        c.code(kind)
        c.code(method)
        c.require(date >= earliestVisitDate && date <= today, "date", date.description,
                  "a date from \(earliestVisitDate) to today (\(today)); a visit cannot be in the future")
        if let d = durationMinutes {
            c.require((1...1440).contains(d), "duration-min", String(d), "whole minutes from 1 to 1440 (24 hours)")
        }
        c.text(visitorId, "visitor-id", Limits.idText)
        c.code(visitorRole)
        if let o = organization { c.text(o, "organization", Limits.name) }
        if let a = assistsMinseiId {
            c.text(a, "assists", Limits.idText)
        } else if kind == .kyoryokuinWatch {
            c.require(false, "assists", "", "the id of the 民生委員 being assisted (required for kyoryokuin_watch visits)")
        }
        c.require(DocumentID.isValid(subjectId), "subject", subjectId, "the id of a subject: \(DocumentID.acceptedDescription)")
        c.text(district, "district", Limits.idText)
        c.code(outcome)
        c.codes(actions)
        c.codes(services)
        c.codes(concerns)
        c.codes(sharedAt)
        if let r = referral { c.code(r) }
        if let p = planEvent { c.code(p) }
        if let f = consultationField { c.code(f) }
        c.codes(consultationTopics)
        if !services.isEmpty && kind != .nichijiCheckin && kind.isKnown {
            c.require(false, "service", services.map(\.rawValue).joined(separator: ","),
                      "no services: services are recorded on nichiji_checkin visits only")
        }
        if planEvent != nil && kind != .outreach && kind.isKnown {
            c.require(false, "plan-event", planEvent!.rawValue, "no plan event: plan events are recorded on outreach visits only")
        }
        if let due = nextDue {
            c.require(due >= date, "next-due", due.description, "a date on or after the visit date (\(date))")
        }
        c.note(note)
        return c.problems
    }

}

/// A record a person writes (a visit, a subject, an activity): it lists its problems, and `validate` throws them.
public protocol CheckedRecord {
    static var documentType: DocumentType { get }
    func problems(today: LocalDate, codes: CodePolicy) -> [ValidationProblem]
}

extension CheckedRecord {
    /// Throws `ValidationFailure` listing every problem, or returns quietly.
    public func validate(today: LocalDate, codes: CodePolicy = .knownOnly) throws {
        let p = problems(today: today, codes: codes)
        if !p.isEmpty { throw ValidationFailure(p, document: Self.documentType) }
    }
}

extension Visit: CheckedRecord { public static var documentType: DocumentType { .visit } }
extension Subject: CheckedRecord { public static var documentType: DocumentType { .subject } }
extension Activity: CheckedRecord { public static var documentType: DocumentType { .activity } }

extension Subject {
    public func problems(today: LocalDate, codes: CodePolicy = .knownOnly) -> [ValidationProblem] {
        var c = Checker(codes: codes)
        c.id(id, "id")
        c.text(name, "name", Limits.name)
        c.text(district, "district", Limits.idText)
        c.codes(categories)
        if let days = cadenceDays {
            c.require((1...366).contains(days), "cadence-days", String(days), "whole days from 1 to 366")
        }
        if let d = consentDate {
            c.require(consentToShare, "consent-date", d.description, "a consent date only when consent to share is given")
            c.require(d <= today, "consent-date", d.description, "a date no later than today (\(today))")
        }
        c.note(note)
        return c.problems
    }
}

extension ErasedDocument {
    /// A tombstone's remains: a valid id and district, nothing else to check.
    public func problems() -> [ValidationProblem] {
        var c = Checker(codes: .allowUnknown)
        c.id(id, "id")
        c.text(district, "district", Limits.idText)
        return c.problems
    }
}
