import Foundation
import GRDB
import MimamoriSQLite
import MimamoriShared

/// The one place that keeps versions, projections and counters in step, for local writes and pulled pages
/// alike: a `DocumentBatch` reads the held versions of all the documents it will change in one query, merges in
/// memory, and writes with multi-row statements — a local write is a batch of one document, a pulled page a
/// batch of hundreds.
extension AppDatabase {
    static func loadSet(_ db: Database, documentId: String) throws -> VersionSet {
        try VersionSet(StoredVersion.all().of(document: documentId).current().fetchAll(db).map { try $0.version(db) })
    }

    static func loadVersion(_ db: Database, documentId: String, dot: Dot) throws -> Version? {
        try StoredVersion.all().of(document: documentId).at(dot).fetchOne(db)?.version(db)
    }

    static func requireReplica(_ db: Database) throws -> Replica {
        guard let replica = try Replica.fetchOne(db) else { throw ClientError.notInitialized(path: "this data folder") }
        return replica
    }

    /// Deleting erases (docs/sync.md, retention): once a document's display version is a tombstone (so every
    /// current version is one), the content of its older versions leaves the laptop too. Versions an outbox entry
    /// still points at stay until they are pushed (a batch once formed never changes); `recordPushReply` calls
    /// this again for what it acknowledged. Runs after the projections are written: a document still listed
    /// (live, or v1's kept tombstone rows) is left alone.
    static func eraseSupersededContent(_ db: Database, documentIds: [String]) throws {
        // Every projection there is (the v2 migration runs before `activity_index` exists).
        let listed = try DocumentType.allCases.map(DocumentBatch.projectionTable).filter { try db.tableExists($0) }.map {
            "AND NOT EXISTS (SELECT 1 FROM \($0) p WHERE p.id = version.document_id AND NOT p.deleted)"
        }.joined(separator: "\n")
        for chunk in stride(from: 0, to: documentIds.count, by: 500) {
            let ids = Array(documentIds[chunk..<min(chunk + 500, documentIds.count)])
            try db.execute(sql: """
                DELETE FROM version
                WHERE document_id IN (\(placeholders(ids.count))) AND NOT current
                  \(listed)
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.document_id = version.document_id
                                  AND o.dot_replica = version.dot_replica AND o.dot_counter = version.dot_counter)
                """, arguments: StatementArguments(ids))
        }
    }

    /// The written half of `DocumentBatch.withdraw`: unsent changes of the moved document are set aside naming
    /// where it went, and its versions go, but for those the outbox still points at (no longer current).
    static func withdraw(_ db: Database, documentId id: String, to district: String) throws {
        let message = "a district office moved this record to district '\(district)', which this laptop does not cover; the change was not sent — give it to the office of '\(district)'"
        try OutboxEntry.filter(OutboxEntry.Columns.documentId == id && OutboxEntry.Columns.batchId == nil
                               && [OutboxEntry.State.pending, .deferred].contains(OutboxEntry.Columns.state))
            .updateAll(db, OutboxEntry.Columns.state.set(to: OutboxEntry.State.rejected),
                       OutboxEntry.Columns.rejectCode.set(to: RejectionCode.outOfScope.rawValue),
                       OutboxEntry.Columns.rejectMessage.set(to: Sealing.sealText(message, .rejectMessage, in: db)))
        try db.execute(sql: "UPDATE version SET current = 0 WHERE document_id = ?", arguments: [id])
        try db.execute(sql: """
            DELETE FROM version WHERE document_id = ?
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.document_id = version.document_id
                              AND o.dot_replica = version.dot_replica AND o.dot_counter = version.dot_counter)
            """, arguments: [id])
    }

    /// One local write (create, edit, delete, resolve): the new version supersedes everything held for the
    /// document, goes into the outbox, and the replica's counter advances — all in the caller's transaction.
    static func writeLocal(_ db: Database, _ payload: DocumentPayload, deleted: Bool = false,
                           now: Timestamp) throws -> Version {
        let replica = try requireReplica(db)
        var batch = try DocumentBatch(db, documentIds: [payload.id], receivedAt: now)
        let before = batch.currentSet(payload.id)
        // Never below a counter this replica is already known to have used (e.g. seen again in a pulled page).
        let used = max(UInt64(replica.counter), before.mergedVector[replica.replicaId])
        let counter = used + 1
        let version = before.write(payload, deleted: deleted, replica: replica.replicaId, counter: counter,
                                   author: replica.visitorId, at: now)
        var after = before
        try after.apply(version)
        // Encoded once, here: the stored bytes are what every later push sends.
        batch.record(documentId: payload.id, before: before, after: after, seen: [version], json: [VersionJSON.encode(version)])
        try batch.write(db)
        try OutboxEntry(documentId: version.documentId, dot: version.dot).insert(db)
        try db.cachedStatement(sql: "UPDATE replica SET counter = ? WHERE id = 1").execute(arguments: [Int64(counter)])
        return version
    }
}

/// The changes to a set of documents made in one transaction, collected in memory and written at once.
///
/// Everything known of one document sits in one `Document` (its held versions, current set and the row it ends
/// with), found by one hash of its id: a pulled group touches thousands of documents, each once or twice.
struct DocumentBatch {
    /// One version held of a document (current or not).
    private struct Held {
        let dot: Dot
        let rowId: Int64
        var current: Bool
    }

    private struct Document {
        let id: String
        /// Every version held (current or not): a version or two, so searched in order, not hashed.
        var held: [Held] = []
        /// The current set, as read and then as recorded.
        var set = VersionSet()
        /// The projection row the document ends with (its last state, when a page names it twice), or its
        /// removal; nil when unchanged.
        var projection: Projection?
        /// Its display version became a tombstone: its older content is erased when written.
        var erased = false
        /// Versions of it were held when the batch began, so it may have a projection row already.
        var stored = false

        func rowId(of dot: Dot) -> Int64? { held.first { $0.dot == dot }?.rowId }
    }

    /// Each document's place in `documents`.
    private var slots: [String: Int] = [:]
    private var documents: [Document] = []
    private var nextRowId: Int64
    private let receivedAt: Int64

    private var newVersions: [StoredVersion] = []
    /// `newVersions[i].json` as it will be stored, when it came sealed already (`AppDatabase.PulledPage`).
    private var newSealed: [Data?] = []
    private var becameCurrent: [Int64] = []
    private var leftCurrent: [Int64] = []
    /// Documents an office moved out of this laptop's districts, with the district they went to.
    private var withdrawn: [String: String] = [:]
    private var deltas = AppDatabase.CounterDeltas()
    /// Documents whose current set got a second version they did not have (for `PulledPageResult`).
    private(set) var newConflicts = 0

    /// Reads what is held of `documentIds`: every version's key, and the current ones in full.
    init(_ db: Database, documentIds: [String], receivedAt: Timestamp) throws {
        self.receivedAt = receivedAt.milliseconds
        nextRowId = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM version") ?? 0) + 1
        // A pulled group is mostly new documents: room for each from the start, not grown (and rehashed) as it fills.
        slots.reserveCapacity(documentIds.count)
        documents.reserveCapacity(documentIds.count)
        newVersions.reserveCapacity(documentIds.count)
        for id in documentIds where slots[id] == nil {
            slots[id] = documents.count
            documents.append(Document(id: id))
        }
        var current: [Int: [Version]] = [:]
        for chunk in stride(from: 0, to: documents.count, by: 500) {
            let part = documents[chunk..<min(chunk + 500, documents.count)].map(\.id)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, document_id, dot_replica, dot_counter, current, CASE WHEN current THEN json END AS json
                FROM version WHERE document_id IN (\(placeholders(part.count)))
                """), arguments: StatementArguments(part))
            while let row = try rows.next() {
                guard let slot = slots[row[StoredVersion.Columns.documentId]] else { continue }
                let dot = Dot(replica: row[StoredVersion.Columns.dotReplica],
                              counter: UInt64(row[StoredVersion.Columns.dotCounter] as Int64))
                let isCurrent: Bool = row[StoredVersion.Columns.current]
                documents[slot].held.append(Held(dot: dot, rowId: row[StoredVersion.Columns.id], current: isCurrent))
                documents[slot].stored = true
                if isCurrent {
                    current[slot, default: []].append(try Sealing.version(row[StoredVersion.Columns.json], in: db))
                }
            }
        }
        for (slot, versions) in current { documents[slot].set = try VersionSet(versions) }
    }

    func currentSet(_ documentId: String) -> VersionSet { slots[documentId].map { documents[$0].set } ?? VersionSet() }

    /// The place of a document, made for one the batch was not told of when it began.
    private mutating func slot(_ documentId: String) -> Int {
        if let slot = slots[documentId] { return slot }
        slots[documentId] = documents.count
        documents.append(Document(id: documentId))
        return documents.count - 1
    }

    /// Adds counter changes summed ahead (`AppDatabase.CounterDeltas(pages)`): `merge` then counts only what they
    /// did not.
    mutating func add(_ counted: AppDatabase.CounterDeltas) {
        deltas.merge(counted)
    }

    /// Merges a document's incoming versions (with the JSON each arrived as) into its current set through the
    /// shared merge rule, and records the result. `countedAhead`: the batch's counters already hold
    /// `incoming[0]` as a new document's display version (`add`); the counting here corrects that when it is not.
    mutating func merge(documentId: String, incoming: [Version], json: [Data], sealed: [Data]? = nil,
                        countedAhead: Bool = false) throws {
        let slot = slot(documentId)
        let before = documents[slot].set
        let after: VersionSet
        if before.isEmpty, incoming.count == 1, incoming[0].documentId == documentId {
            // A new document (the bulk of a first sync): its one version is its set, no merge machinery.
            after = VersionSet(only: incoming[0])
        } else {
            let mine = incoming.allSatisfy { $0.documentId == documentId } ? incoming : incoming.filter { $0.documentId == documentId }
            after = try before.merging(VersionSet(mine))
        }
        record(slot: slot, before: before, after: after, seen: incoming, json: json, sealed: sealed,
               countedAhead: countedAhead ? incoming.first : nil)
    }

    /// Records that a document's current set went from `before` to `after`, having seen `seen` (each kept in
    /// the history once, as `json[i]`, its canonical JSON); the projection and counters follow the display version.
    mutating func record(documentId id: String, before: VersionSet, after: VersionSet, seen: [Version], json: [Data]) {
        record(slot: slot(id), before: before, after: after, seen: seen, json: json)
    }

    /// `countedAhead`: the version the counters already hold as the document's new display version.
    private mutating func record(slot: Int, before: VersionSet, after: VersionSet, seen: [Version], json: [Data],
                                 sealed: [Data]? = nil, countedAhead: Version? = nil) {
        let id = documents[slot].id
        // Whether the change counted ahead is this document's real one; if not, it is taken back out.
        var aheadIsExact = false
        defer {
            if let ahead = countedAhead, !aheadIsExact { deltas.add(before: ahead, after: nil) }
        }
        // Sets hold a version or two: a linear search beats hashing dots.
        func isCurrent(_ dot: Dot) -> Bool { after.versions.contains { $0.dot == dot } }
        for k in documents[slot].held.indices {
            let h = documents[slot].held[k]
            let now = isCurrent(h.dot)
            guard h.current != now else { continue }
            if h.current { leftCurrent.append(h.rowId) } else { becameCurrent.append(h.rowId) }
            documents[slot].held[k].current = now
        }
        // Read in place: a version is a large value, costly to copy.
        seen.withUnsafeBufferPointer { seen in
            for i in seen.indices where i < json.count && seen[i].documentId == id {
                let dot = seen[i].dot
                guard documents[slot].rowId(of: dot) == nil else { continue }
                let isCurrent = isCurrent(dot)
                documents[slot].held.append(Held(dot: dot, rowId: nextRowId, current: isCurrent))
                newVersions.append(StoredVersion(id: nextRowId, documentId: id, dotReplica: dot.replica,
                                                 dotCounter: Int64(dot.counter), current: isCurrent,
                                                 json: json[i], receivedAt: receivedAt))
                newSealed.append(sealed.flatMap { i < $0.count ? $0[i] : nil })
                nextRowId += 1
            }
        }
        documents[slot].set = after
        guard before != after, let display = after.display, let rowId = documents[slot].rowId(of: display.dot) else { return }
        if after.isConflict && !before.isConflict { newConflicts += 1 }
        if display.deleted {
            // Deleted everywhere this replica knows of (live beats deleted, so every current version is a
            // tombstone): the record leaves the lists, and its older content is erased (docs/sync.md, retention).
            documents[slot].projection = .removed(display.type)
            documents[slot].erased = true
        } else {
            documents[slot].projection = Self.projection(of: display, rowId: rowId, inConflict: after.isConflict)
            documents[slot].erased = false
        }
        if let ahead = countedAhead, before.isEmpty, display.dot == ahead.dot {
            // A new document whose display version is the one counted ahead (the only one it has): counted exactly.
            aheadIsExact = true
        } else {
            deltas.add(before: before.display, after: display)
        }
    }

    /// A district office moved the document to `district`, which this laptop's token does not cover (docs/sync.md,
    /// moves): the copy leaves the laptop — lists, counts and versions — and an unsent change of it is set aside
    /// with a message naming where it went. A change already in a formed batch stays in it (a batch never
    /// changes); the server refuses it with the same news.
    mutating func withdraw(documentId id: String, type: DocumentType, to district: String) {
        let slot = slot(id)
        deltas.add(before: documents[slot].set.display, after: nil)
        documents[slot].held = []
        documents[slot].set = VersionSet()
        documents[slot].projection = .removed(type)
        documents[slot].erased = false
        withdrawn[id] = district
    }

    /// What a projection row holds besides the payload's own fields.
    private struct RowTail {
        let deleted: Bool
        let inConflict: Bool
        let versionId: Int64
    }

    /// What `visit_index` keeps of a visit (`visitProjectionColumns`): the bulk of a pulled group, so kept apart
    /// from the whole `Visit` (a large value, costly to copy).
    private struct VisitRow {
        let id: String
        let date: LocalDate
        let kind: VisitKind
        let method: ContactMethod
        let outcome: Outcome
        let subjectId: String
        let district: String
        let visitorId: String
        let planEvent: String?
    }

    /// A projection row, bound to its statement when written (`StatementBinder`).
    private enum Projection {
        case visit(VisitRow, RowTail)
        case subject(Subject, RowTail)
        case activity(Activity, RowTail)
        case removed(DocumentType)

        /// The document type, and whether the projection is a row (not a removal).
        var kind: (type: DocumentType, isRow: Bool) {
            switch self {
            case .visit: return (.visit, true)
            case .subject: return (.subject, true)
            case .activity: return (.activity, true)
            case let .removed(type): return (type, false)
            }
        }
    }

    /// The projection table of each document type.
    static func projectionTable(_ type: DocumentType) -> String {
        switch type {
        case .visit: return "visit_index"
        case .subject: return "subject_index"
        case .activity: return "activity_index"
        }
    }

    /// The query projection of a document's display version: the columns lists and `due` filter on, and the
    /// row of the version itself. Derived here and nowhere else.
    private static func projection(of display: Version, rowId: Int64, inConflict: Bool) -> Projection {
        let tail = RowTail(deleted: display.deleted, inConflict: inConflict, versionId: rowId)
        switch display.payload {
        case let .visit(v):
            return .visit(VisitRow(id: v.id, date: v.date, kind: v.kind, method: v.method, outcome: v.outcome,
                                   subjectId: v.subjectId, district: v.district, visitorId: v.visitorId,
                                   planEvent: ProgramCounting.planEvent(of: display)?.event.rawValue), tail)
        case let .subject(s):
            return .subject(s, tail)
        case let .activity(a):
            return .activity(a, tail)
        case let .erased(e):
            return .removed(e.type)
        }
    }

    /// `visit_index.plan_event`: the plan event the display version counts (`ProgramCounting`), or NULL.
    static func planEventColumn(_ display: Version?) -> DatabaseValue {
        ProgramCounting.planEvent(of: display)?.event.rawValue.databaseValue ?? .null
    }

    static let visitProjectionColumns = "id, date, kind, method, outcome, subject_id, district, visitor_id, deleted, in_conflict, version_id, plan_event"
    static let subjectProjectionColumns = "id, name, district, active, cadence_days, deleted, in_conflict, version_id"
    static let activityProjectionColumns = "id, date, category, district, visitor_id, deleted, in_conflict, version_id"

    /// Each new version's JSON as stored: as it came sealed, else sealed now (all at once).
    private func storedJSON(_ db: Database) throws -> [Data] {
        let sealedNow = try Sealing.seal(newSealed.indices.filter { newSealed[$0] == nil }.map { newVersions[$0].json },
                                         .versionJSON, in: db)
        var next = sealedNow.startIndex
        return newSealed.map { sealed in
            if let sealed { return sealed }
            defer { next += 1 }
            return sealedNow[next]
        }
    }

    /// Writes everything recorded: new versions, current flags, projections and counters, each kind with
    /// multi-row statements (at most `rowsPerStatement` rows, well under SQLite's limit on arguments).
    func write(_ db: Database) throws {
        for (id, district) in withdrawn {
            try AppDatabase.withdraw(db, documentId: id, to: district)
        }
        let columns = StoredVersion.allColumns.map(\.name).joined(separator: ", ")
        let sealedJSON = try storedJSON(db)
        for chunk in stride(from: 0, to: newVersions.count, by: Self.rowsPerStatement) {
            let rows = chunk..<min(chunk + Self.rowsPerStatement, newVersions.count)
            // OR IGNORE, and the rows counted after: see `insertRows`.
            var binder = StatementBinder(try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO version (\(columns)) VALUES \(valuesList(rows: rows.count, columns: StoredVersion.allColumns.count))
                """))
            // In `StoredVersion.allColumns` order, the JSON as sealed.
            for i in rows {
                let row = newVersions[i]
                binder.int(row.id); binder.text(row.documentId); binder.text(row.dotReplica); binder.int(row.dotCounter)
                binder.bool(row.current); binder.blob(sealedJSON[i]); binder.int(row.receivedAt)
            }
            try binder.execute("the pulled versions")
            // Every version written is new to this database (those held were read first): one that is not means
            // the database changed under the batch, and nothing of the transaction is kept.
            guard db.changesCount == rows.count else {
                throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "a version to store is held already (\(rows.count - db.changesCount) of \(rows.count)); nothing was stored")
            }
        }
        for (ids, flag) in [(leftCurrent, false), (becameCurrent, true)] where !ids.isEmpty {
            try StoredVersion.filter(ids.contains(StoredVersion.Columns.id)).updateAll(db, StoredVersion.Columns.current.set(to: flag))
        }
        // The documents by the projection row they end with, by their place in `documents`: rows are bound
        // from there, in place (a projection row is a dozen strings, costly to copy and destroy).
        var rowsOf: [DocumentType: [Int]] = [:]
        rowsOf[.visit, default: []].reserveCapacity(documents.count)
        // Rows that go, and rows that a new row replaces (deleted first: see `insertRows`).
        var removed: [DocumentType: [String]] = [:]
        var erased: [String] = []
        // Read in place (an array's subscript copied each projection here).
        documents.withUnsafeBufferPointer { documents in
            for i in documents.indices {
                if documents[i].erased { erased.append(documents[i].id) }
                guard let (type, isRow) = documents[i].projection?.kind else { continue }
                if isRow { rowsOf[type, default: []].append(i) }
                if !isRow || documents[i].stored { removed[type, default: []].append(documents[i].id) }
            }
        }
        for (type, ids) in removed {
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(chunk + 500, ids.count)])
                try db.execute(sql: "DELETE FROM \(Self.projectionTable(type)) WHERE id IN (\(placeholders(part.count)))",
                               arguments: StatementArguments(part))
            }
        }
        try insertRows(db, table: "visit_index", columns: Self.visitProjectionColumns, width: 12, rows: rowsOf[.visit] ?? [])
        try insertRows(db, table: "subject_index", columns: Self.subjectProjectionColumns, width: 8, rows: rowsOf[.subject] ?? [])
        try insertRows(db, table: "activity_index", columns: Self.activityProjectionColumns, width: 8, rows: rowsOf[.activity] ?? [])
        try AppDatabase.eraseSupersededContent(db, documentIds: erased)
        try CounterRecord.add(deltas.indicator, in: db)
        try ActivityCounterKey.add(deltas.activity.filter { $0.value != 0 }, in: db)
    }

    static let rowsPerStatement = 250

    /// Inserts the projection rows of the documents at `rows`, of `width` values each, `rowsPerStatement` rows a
    /// statement; the rows they replace were deleted before.
    ///
    /// Why `INSERT OR IGNORE` and not `INSERT OR REPLACE` (or a plain `INSERT`, for versions): a multi-row statement
    /// that may stop midway on a constraint (abort) makes SQLite copy every page it changes, as it was, into a
    /// statement journal first, to undo just that statement — inside a transaction, whole 32 KB pages, one for each
    /// random page of the projection's indexes a pulled visit lands on: that copying was the largest part of the
    /// single writer's time in a first sync. A statement that ignores conflicts never aborts, so it keeps no such
    /// journal; the rows it wrote are counted instead. Should a row be there still (a database that holds a list
    /// row of a document without its versions), the part is written again replacing, as before.
    private func insertRows(_ db: Database, table: String, columns: String, width: Int, rows: [Int]) throws {
        for chunk in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            let part = rows[chunk..<min(chunk + Self.rowsPerStatement, rows.count)]
            for conflict in ["IGNORE", "REPLACE"] {
                var binder = StatementBinder(try db.cachedStatement(
                    sql: "INSERT OR \(conflict) INTO \(table) (\(columns)) VALUES \(valuesList(rows: part.count, columns: width))"))
                try documents.withUnsafeBufferPointer { documents in
                    for i in part { try Self.bind(documents[i].projection, to: &binder, in: db) }
                }
                try binder.execute("the rows of \(table)")
                if db.changesCount == part.count { break }
            }
        }
    }

    /// One projection row's values, in the order of its table's `…ProjectionColumns`; a subject's name sealed.
    private static func bind(_ row: Projection?, to b: inout StatementBinder, in db: Database) throws {
        switch row {
        case let .visit(v, tail):
            b.text(v.id); b.text(v.date.description); b.text(v.kind.rawValue); b.text(v.method.rawValue)
            b.text(v.outcome.rawValue); b.text(v.subjectId); b.text(v.district); b.text(v.visitorId)
            bind(tail, to: &b); b.text(v.planEvent)
        case let .subject(s, tail):
            b.text(s.id); b.text(try Sealing.sealText(s.name, .subjectName, in: db)); b.text(s.district); b.bool(s.active)
            b.int(s.cadenceDays); bind(tail, to: &b)
        case let .activity(a, tail):
            b.text(a.id); b.text(a.date.description); b.text(a.category.rawValue); b.text(a.district); b.text(a.visitorId)
            bind(tail, to: &b)
        case .removed, nil:
            break
        }
    }

    private static func bind(_ tail: RowTail, to b: inout StatementBinder) {
        b.bool(tail.deleted); b.bool(tail.inConflict); b.int(tail.versionId)
    }
}
