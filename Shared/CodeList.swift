import Foundation

/// The language labels are shown in. Japanese when the locale says so (`LANG=ja_JP…`), English otherwise.
public enum Language: String, Sendable, CaseIterable {
    case japanese = "ja"
    case english = "en"

    /// Reads `LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX tools do.
    public static func from(environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("ja") ? .japanese : .english
            }
        }
        return .english
    }
}

/// The one grammar of code-list ids, known or not: 1 to 40 of `a`–`z`, `0`–`9` and `_`. A newer client's
/// new code fits it; free text (a name typed into `outcome`) does not, so it can never become a counter key
/// that a coordinator's report shows.
public enum CodeID {
    public static let maxLength = 40

    public static func isValid(_ id: String) -> Bool {
        let count = id.utf8.count
        return count > 0 && count <= maxLength && allUTF8(of: id) { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
        }
    }

    public static let acceptedDescription = "1–40 characters of a–z, 0–9 or '_'"
    /// The row under which reports count codes this build does not know.
    public static let unknownRow = "unknown"
}

/// One entry of a code list: a stable id used in storage and on the wire, and its labels.
public struct CodeEntry: Sendable, Hashable {
    public let id: String
    public let japanese: String
    public let english: String

    public init(_ id: String, _ japanese: String, _ english: String) {
        self.id = id
        self.japanese = japanese
        self.english = english
    }

    public func label(_ language: Language) -> String {
        language == .japanese ? japanese : english
    }
}

/// A code list value (kind, contact method, concern …). It is stored and sent by its id; an id this build does
/// not know (a newer client's) is kept as it is rather than rejected, so old replicas never drop new data.
/// Validation of *new* input still insists on known ids (see `Validation`).
public protocol CodeList: RawRepresentable, Hashable, Codable, Sendable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible where RawValue == String
{
    /// The record field this list fills, as users and error messages name it (e.g. `kind`).
    static var field: String { get }
    static var entries: [CodeEntry] { get }
    init(rawValue: String)
}

extension CodeList {
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public var id: String { rawValue }
    public var entry: CodeEntry? { Self.entries.first { $0.id == rawValue } }
    public var isKnown: Bool { entry != nil }
    /// Whether the id fits `CodeID`'s grammar (every known id does).
    public var isWellFormed: Bool { CodeID.isValid(rawValue) }
    /// The id a report counts this code under: itself when known, `unknown` otherwise, so a report never
    /// echoes a code it does not know.
    public var reportKey: String { isKnown ? rawValue : CodeID.unknownRow }
    public static var known: [Self] { entries.map { Self(rawValue: $0.id) } }
    public static var knownIDs: [String] { entries.map(\.id) }

    /// The label in `language`; an unknown id shows as itself, so nothing disappears from a listing.
    public func label(_ language: Language) -> String { entry?.label(language) ?? rawValue }

    /// "id (日本語 / English)", for choices shown to a person.
    public var choiceDescription: String {
        guard let entry else { return rawValue }
        return "\(entry.id) (\(entry.japanese) / \(entry.english))"
    }

    public var description: String { rawValue }

    /// Known ids sort in list order; unknown ids after them, alphabetically.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        let ids = knownIDs
        switch (ids.firstIndex(of: lhs.rawValue), ids.firstIndex(of: rhs.rawValue)) {
        case let (l?, r?): return l < r
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil): return lhs.rawValue < rhs.rawValue
        }
    }

    /// Parses user input: accepts an id (case-insensitive) or an exact Japanese/English label.
    public static func parse(_ text: String) -> Self? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let entry = entries.first(where: {
            $0.id.caseInsensitiveCompare(trimmed) == .orderedSame || $0.japanese == trimmed
                || $0.english.caseInsensitiveCompare(trimmed) == .orderedSame
        }) {
            return Self(rawValue: entry.id)
        }
        return nil
    }

    /// The list of accepted ids, for error messages: "fureai_watch, minsei_watch, …".
    public static var acceptedDescription: String { knownIDs.joined(separator: ", ") }
}
