import MimamoriShared

/// The fields a visitor gives for `activity log` and `activity edit`. For a log, nil means "use the default"
/// (today, the `init` district, a count of 1); for an edit, nil means "leave as it is". An unknown category is
/// kept, so validation names the field and lists what is accepted.
public struct ActivityFields: Sendable, Hashable {
    public var category: ActivityCategory?
    public var date: LocalDate?
    public var district: String?
    public var count: Int?
    public var note: String?
    /// `activity edit --clear note`: the note taken away.
    public var clearNote = false

    public init(category: ActivityCategory? = nil, date: LocalDate? = nil, district: String? = nil, count: Int? = nil,
                note: String? = nil) {
        self.category = category; self.date = date; self.district = district; self.count = count; self.note = note
    }

    /// Applies the given fields over `activity` (an edit), leaving the others as they are.
    func applied(to activity: Activity) -> Activity {
        var a = activity
        if let x = category { a.category = x }
        if let x = date { a.date = x }
        if let x = district { a.district = x }
        if let x = count { a.count = x }
        if let x = note { a.note = x }
        if clearNote { a.note = nil }
        return a
    }
}

/// What `activity edit --clear` can take away: the note (the other fields always have a value).
public enum ClearableActivityField: String, ClearableField {
    case note
    public var japanese: String { "メモ" }
}

/// One row of `activity list`: the activity as displayed, and whether other versions of it are in conflict.
public struct ActivityListItem: Codable, Sendable, Hashable {
    public let activity: Activity
    public let inConflict: Bool
}

/// Filters of `activity list`: a date range (inclusive; `VisitFilter`'s month and 年度 ranges), a category,
/// and whether to include deleted ones.
public struct ActivityFilter: Sendable, Hashable {
    public var from: LocalDate?
    public var to: LocalDate?
    public var category: ActivityCategory?
    public var includeDeleted: Bool

    public init(from: LocalDate? = nil, to: LocalDate? = nil, category: ActivityCategory? = nil, includeDeleted: Bool = false) {
        self.from = from; self.to = to; self.category = category; self.includeDeleted = includeDeleted
    }
}
