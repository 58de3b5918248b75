import Foundation
import GRDB
import MimamoriSQLite
import MimamoriShared

/// The embedded default store: SQLite through GRDB, a WAL `DatabasePool` on disk (an in-memory
/// `DatabaseQueue` in tests). Every method is one transaction.
public struct SQLiteSyncStore: SyncStore {
    public let writer: any DatabaseWriter
    /// Copies the log into the database file off the writer (a store opened on a directory).
    private let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the store in `directory`/mimamori-server.sqlite, readable by its owner only.
    /// The log is checkpointed, on a thread of its own, once it holds `checkpointPages` pages; by the writer itself
    /// should it reach `writerCheckpointPages` all the same (tests make them small).
    public init(directory: URL, checkpointPages: Int32 = 5000, writerCheckpointPages: Int32 = 20000) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent(SQLiteSyncStore.fileName)
        if !fm.fileExists(atPath: file.path) {
            // Created 0600 before SQLite opens it; SQLite gives the -wal and -shm files the same mode.
            _ = fm.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var config = Configuration()
        config.busyMode = .timeout(10)  // `token issue` may write while `serve` runs
        // Checkpoints every ~40 MB of log instead of 4 (an index page that several batches change in between is
        // copied into the database once, not once per batch), on a thread of their own, not in the writer's commit.
        let checkpointer = WALCheckpointer(path: file.path)
        config.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            // 8 KB pages for a new database (an existing one keeps its own): a document's row is ~700 bytes, and
            // 4 KB pages fit five of them with ~500 bytes left over (897 → 822 bytes per visit stored).
            try db.execute(sql: "PRAGMA page_size = 8192")
            // The writer's pages: the document-id index a push looks up and inserts into at random places is
            // read and written by every batch; with SQLite's default 2 MB most of it would be read again each time.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // A multi-row upsert keeps the pages it changes in a statement journal, to undo the statement alone should
            // it fail: in memory, not a temporary file written through the kernel (~1/10 of a push's writer time).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            checkpointer.install(on: db, threshold: checkpointPages, writerLimit: writerCheckpointPages)
        }
        try self.init(writer: DatabasePool(path: file.path, configuration: config), checkpointer: checkpointer)
    }

    /// A private in-memory database, for tests and benchmarks.
    public static func inMemory() throws -> SQLiteSyncStore {
        try SQLiteSyncStore(writer: DatabaseQueue())
    }

    public init(writer: any DatabaseWriter) throws {
        try self.init(writer: writer, checkpointer: nil)
    }

    private init(writer: any DatabaseWriter, checkpointer: WALCheckpointer?) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        try ServerSchema.migrator.migrate(writer)
    }

    /// Returns once the checkpoints started so far have finished.
    public func checkpointsFinished() async {
        await checkpointer?.finished()
    }

    public static let fileName = "mimamori-server.sqlite"

    // MARK: Sync

    public func epoch() async throws -> String {
        try await writer.read { db in try SQLitePushTransaction(db: db).epoch() }
    }

    public func lastSequence() async throws -> Int64 {
        try await writer.read { db in try SQLitePushTransaction(db: db).lastSequence() }
    }

    public func push(_ request: PushRequest, by caller: Caller, today: LocalDate) async throws -> PushReply {
        // What needs nothing stored is done before the single writer is taken.
        let processor = PushProcessor(caller: caller, today: today)
        let prepared = processor.prepare(request)
        // Freed here, once the writer is free for the next batch.
        let leftovers = PushLeftovers()
        let reply = try await writer.write { db in
            let tx = DashboardRecordingTransaction(base: SQLitePushTransaction(db: db), tables: SQLiteDashboardTables(db: db), now: .now())
            return try processor.run(prepared, in: tx, leftovers: leftovers)
        }
        withExtendedLifetime((leftovers, prepared)) {}
        return reply
    }

    public func changesJSON(since: Int64, limit: Int, districts: Set<String>, types: Set<DocumentType>) async throws -> Data {
        try await writer.read { db in
            let epoch = try SQLitePushTransaction(db: db).epoch()
            var page = ChangesPageWriter(epoch: epoch, since: since)
            guard !districts.isEmpty, !types.isEmpty else { return page.finish(hasMore: false) }
            let sortedDistricts = districts.sorted()
            let sortedTypes = types.map(\.rawValue).sorted()
            let placeholders = Array(repeating: "?", count: sortedDistricts.count).joined(separator: ", ")
            let typePlaceholders = Array(repeating: "?", count: sortedTypes.count).joined(separator: ", ")
            var arguments: StatementArguments = [since]
            arguments += StatementArguments(sortedDistricts)
            arguments += StatementArguments(sortedTypes)
            arguments += [since]
            arguments += StatementArguments(sortedDistricts)
            arguments += StatementArguments(sortedDistricts)
            arguments += StatementArguments(sortedTypes)
            arguments += [limit + 1]
            // One query for the page and its versions (each document's row holds them in dot order, as VersionSet
            // keeps them; fetched by rowid once the page is chosen). Move notices of documents that left these
            // districts (for one they do not cover) take their place in sequence order, with no versions.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.document_id, d.type, d.sequence, d.moved_to, v.versions
                FROM (SELECT document_id, type, sequence, NULL AS moved_to FROM documents
                      WHERE sequence > ? AND district IN (\(placeholders)) AND type IN (\(typePlaceholders))
                      UNION ALL
                      SELECT document_id, type, sequence, to_district FROM moves
                      WHERE sequence > ? AND from_district IN (\(placeholders)) AND to_district NOT IN (\(placeholders))
                        AND type IN (\(typePlaceholders))
                      ORDER BY sequence LIMIT ?) d
                LEFT JOIN documents v ON v.sequence = d.sequence AND d.moved_to IS NULL
                ORDER BY d.sequence
                """, arguments: arguments)
            var documents = 0
            while let row = try rows.next() {
                documents += 1
                if documents > limit { return page.finish(hasMore: true) }
                page.beginDocument(id: row[0], type: row[1], sequence: row[2], movedTo: row[3])
                try row.withUnsafeData(atIndex: 4) { versions in if let versions { page.addVersions(versions) } }
            }
            return page.finish(hasMore: false)
        }
    }

    public func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int] {
        guard !fiscalYears.isEmpty else { return [:] }
        return try await writer.read { db in
            let placeholders = Array(repeating: "?", count: fiscalYears.count).joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT fiscal_year, dimension, key, kind, count FROM counters
                WHERE fiscal_year IN (\(placeholders)) AND count <> 0
                """, arguments: StatementArguments(fiscalYears))
            var counters: [CounterKey: Int] = [:]
            while let row = try rows.next() {
                guard let dimension = CounterDimension(rawValue: row["dimension"]) else { continue }
                counters[CounterKey(fiscalYear: row["fiscal_year"], dimension: dimension, key: row["key"],
                                    kind: VisitKind(rawValue: row["kind"]))] = row["count"]
            }
            return counters
        }
    }

    /// Reads every document's versions, in document order, and counts their display versions afresh.
    public func recount() async throws -> [CounterKey: Int] {
        try await writer.read { db in
            var displays: [Version] = []
            let rows = try String.fetchCursor(db, sql: "SELECT versions FROM documents")
            while let versions = try rows.next() {
                if let display = try VersionSet(StoredVersionSet.decode(versions)).display { displays.append(display) }
            }
            return IndicatorCounting.recount(displays: displays)
        }
    }

    /// Every document's current version set, for checks in tests and by an administrator.
    public func allDocuments() async throws -> [String: [Version]] {
        try await writer.read { db in
            var result: [String: [Version]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT document_id, versions FROM documents")
            while let row = try rows.next() {
                let versions = try StoredVersionSet.decode(row[1])
                if !versions.isEmpty { result[row[0]] = versions.sorted { $0.dot < $1.dot } }
            }
            return result
        }
    }

    // MARK: Tokens

    public func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken {
        let (issued, row) = try TokenRow.issue(role: role, name: name, districts: districts)
        try await writer.write { db in try row.insert(db) }
        return issued
    }

    public func tokens() async throws -> [TokenInfo] {
        try await writer.read { db in
            try TokenRow.order(Column("created_at"), Column("id")).fetchAll(db).map { try $0.info() }
        }
    }

    @discardableResult public func revokeToken(id: String) async throws -> TokenInfo {
        try await writer.write { db in
            guard var row = try TokenRow.fetchOne(db, key: id) else { throw StoreError.unknownToken(id: id) }
            if row.revokedAt != nil { throw StoreError.tokenAlreadyRevoked(id: id) }
            row.revokedAt = Timestamp.now().milliseconds
            try row.update(db)
            return try row.info()
        }
    }

    public func token(secret: String) async throws -> TokenInfo? {
        let hash = TokenSecret.hash(secret)
        return try await writer.read { db in
            try TokenRow.filter(Column("secret_hash") == hash).fetchOne(db)?.info()
        }
    }

    public func bindToken(id: String, toReplica replica: String) async throws -> String {
        // A laptop's first batches arrive together, each with its token not yet bound when it was loaded: the
        // binding the first one made is read, not written again in the single writer's queue, behind batches
        // (a binding never changes once made).
        if let bound = try await writer.read({ db in
            try String.fetchOne(db, sql: "SELECT replica_id FROM tokens WHERE id = ?", arguments: [id])
        }) {
            return bound
        }
        return try await writer.write { db in
            // Only the first replica wins, even when two race: the update is conditional on no binding yet.
            try db.execute(sql: "UPDATE tokens SET replica_id = ? WHERE id = ? AND replica_id IS NULL",
                           arguments: [replica, id])
            guard let bound = try String.fetchOne(db, sql: "SELECT replica_id FROM tokens WHERE id = ?", arguments: [id]) else {
                throw StoreError.unknownToken(id: id)
            }
            return bound
        }
    }
}

/// A document's current versions as the SQLite store keeps them, in its `documents` row: the canonical JSON
/// (`VersionJSON`) of each, in dot order, separated by a newline. Canonical JSON never holds a raw newline (one
/// in a string is written `\n`), and nearly every set is one version: its JSON as it is.
enum StoredVersionSet {
    static let separator = UInt8(ascii: "\n")

    static func join(_ versions: [String]) -> String { versions.joined(separator: "\n") }

    /// What to store for a saved document: each version's JSON as the batch made it (or encoded afresh for a
    /// version stored before that survives beside a new one).
    static func encode(_ save: DocumentSave) -> Data {
        let versions = save.document.versions.versions
        if versions.count == 1, let only = versions.first { return save.json(of: only) }
        var out = Data()
        for (i, v) in versions.enumerated() {
            if i > 0 { out.append(separator) }
            out.append(save.json(of: v))
        }
        return out
    }

    /// The versions of a stored set (none for an empty text).
    static func decode(_ text: String) throws -> [Version] {
        var text = text
        return try text.withUTF8 { bytes in
            try bytes.split(separator: separator).map { try SQLitePushTransaction.decodeVersion(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0))) }
        }
    }

    /// The JSON of each stored version, for readers that take them one at a time.
    static func split(_ text: String) -> [String] {
        text.utf8.split(separator: separator).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// `PushTransaction` over one GRDB database connection inside a write transaction.
struct SQLitePushTransaction: PushTransaction {
    let db: Database

    static func decodeVersion(_ text: String) throws -> Version {
        var text = text
        return try text.withUTF8 { try decodeVersion(UnsafeRawBufferPointer($0)) }
    }

    static func decodeVersion(_ bytes: UnsafeRawBufferPointer) throws -> Version {
        if let v = VersionJSON.parse(bytes) { return v }
        return try MimamoriJSON.decode(Version.self, from: Data(bytes))
    }

    func epoch() throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT epoch FROM server_state WHERE id = 1"))!
    }

    func lastSequence() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_sequence FROM server_state WHERE id = 1"))!
    }

    func storedBatch(replica: String, batchId: String) throws -> StoredBatch? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT reply, content_hash FROM batches WHERE replica_id = ? AND batch_id = ?"),
                         arguments: [replica, batchId])
            .map { StoredBatch(reply: $0["reply"], contentHash: $0["content_hash"]) }
    }

    /// Runs a statement once per chunk of `rows`, each chunk as one multi-row statement: `sql(n)` is the SQL
    /// for n rows, `arguments` a row's values. Chunks keep each statement under SQLite's bound-variable limit.
    func forEachChunk<Element>(_ rows: [Element], rowsPerStatement: Int, sql: (Int) -> String,
                               arguments: (Element) -> StatementArguments, _ body: (Statement) throws -> Void = { try $0.execute() }) throws {
        try chunks(of: rows, rowsPerStatement: rowsPerStatement, sql: sql) { chunk, statement in
            var args = StatementArguments()
            for row in chunk { args += arguments(row) }
            statement.setUncheckedArguments(args)
            try body(statement)
        }
    }

    /// `forEachChunk` for the hot statements of a push: each row's values are bound straight to the statement
    /// (`StatementBinder`), with no `StatementArguments` built and no copy of a version's JSON into a `String`.
    func forEachChunk<Element>(_ rows: [Element], rowsPerStatement: Int, sql: (Int) -> String,
                               bind: (inout StatementBinder, borrowing Element) -> Void) throws {
        try forEachChunk(rows, rowsPerStatement: rowsPerStatement, sql: sql, bind: bind) { try $0.execute("a push's rows") }
    }

    /// The same, with each chunk's bound statement handed to `body` (to read its rows). Rows are read in place:
    /// a push's rows are large values, not worth copying to bind a few fields.
    func forEachChunk<Element>(_ rows: [Element], rowsPerStatement: Int, sql: (Int) -> String,
                               bind: (inout StatementBinder, borrowing Element) -> Void,
                               _ body: (StatementBinder) throws -> Void) throws {
        try rows.withUnsafeBufferPointer { rows in
            var start = rows.startIndex
            while start < rows.endIndex {
                let end = min(start + rowsPerStatement, rows.endIndex)
                var binder = StatementBinder(try db.cachedStatement(sql: sql(end - start)))
                for i in start..<end { bind(&binder, rows[i]) }
                try body(binder)
                start = end
            }
        }
    }

    /// `rows` cut into chunks of at most `rowsPerStatement`, each with the cached statement for its size.
    private func chunks<Element>(of rows: [Element], rowsPerStatement: Int, sql: (Int) -> String,
                                 _ body: (ArraySlice<Element>, Statement) throws -> Void) throws {
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + rowsPerStatement, rows.endIndex)
            try body(rows[start..<end], try db.cachedStatement(sql: sql(end - start)))
            start = end
        }
    }

    /// `(?, ?), (?, ?), …`: `rows` groups of `columns` placeholders.
    static func values(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    func documents(_ ids: [String]) throws -> [String: StoredDocument] {
        var result: [String: StoredDocument] = [:]
        try forEachChunk(ids, rowsPerStatement: 500, sql: {
            "SELECT document_id, type, district, versions FROM documents WHERE document_id IN (\(Array(repeating: "?", count: $0).joined(separator: ", ")))"
        }, bind: { b, id in b.text(id) }) { binder in
            let rows = try Row.fetchCursor(binder.query("a push's document ids"))
            while let row = try rows.next() {
                guard let type = DocumentType(rawValue: row[1]) else { continue }
                result[row[0]] = StoredDocument(type: type, district: row[2], versions: try VersionSet(StoredVersionSet.decode(row[3])))
            }
        }
        return result
    }

    func highestCounters(of replicas: [String]) throws -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        try forEachChunk(replicas, rowsPerStatement: 500, sql: {
            "SELECT replica_id, highest_counter FROM replica_counters WHERE replica_id IN (\(Array(repeating: "?", count: $0).joined(separator: ", ")))"
        }, arguments: { [$0] }) { statement in
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() { result[row["replica_id"]] = UInt64(row["highest_counter"] as Int64) }
        }
        return result
    }

    func saveDocuments(_ saves: [DocumentSave]) throws {
        // One multi-row upsert: each document's row with its whole version set, under its new sequence (the rowid;
        // new sequences are all above every stored one, so never collide). A changed set is rewritten whole: nearly
        // every set is one version, and a set of more is small.
        try forEachChunk(saves, rowsPerStatement: 150, sql: {
            """
            INSERT INTO documents (sequence, document_id, type, district, versions) VALUES \(Self.values(rows: $0, columns: 5))
            ON CONFLICT (document_id) DO UPDATE SET sequence = excluded.sequence, type = excluded.type,
                district = excluded.district, versions = excluded.versions
            """
        }, bind: { b, save in
            b.int(save.sequence); b.text(save.id); b.text(save.document.type.rawValue); b.text(save.document.district)
            // The canonical JSON the server writes itself from the checked version, never the sender's bytes.
            b.text(utf8: StoredVersionSet.encode(save))
        })
    }

    func setLastSequence(_ sequence: Int64) throws {
        try db.cachedStatement(sql: "UPDATE server_state SET last_sequence = ? WHERE id = 1").execute(arguments: [sequence])
    }

    func raiseHighestCounters(_ counters: [String: UInt64]) throws {
        try forEachChunk(Array(counters), rowsPerStatement: 400, sql: {
            """
            INSERT INTO replica_counters (replica_id, highest_counter) VALUES \(Self.values(rows: $0, columns: 2))
            ON CONFLICT (replica_id) DO UPDATE SET highest_counter = excluded.highest_counter
            WHERE replica_counters.highest_counter < excluded.highest_counter
            """
        }, arguments: { [$0.key, Int64($0.value)] })
    }

    func addToCounters(_ deltas: [CounterKey: Int]) throws {
        try forEachChunk(Array(deltas), rowsPerStatement: 150, sql: {
            """
            INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES \(Self.values(rows: $0, columns: 5))
            ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = counters.count + excluded.count
            """
        }, arguments: { [$0.key.fiscalYear, $0.key.dimension.rawValue, $0.key.key, $0.key.kind.rawValue, $0.value] })
    }

    func recordMove(id: String, type: DocumentType, from: String, to: String, sequence: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO moves (document_id, from_district, to_district, type, sequence) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (document_id, from_district) DO UPDATE SET to_district = excluded.to_district, sequence = excluded.sequence
            """).execute(arguments: [id, from, to, type.rawValue, sequence])
    }

    func storeReply(replica: String, batchId: String, contentHash: Data, body: Data, refused: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO batches (replica_id, batch_id, reply, content_hash) VALUES (?, ?, ?, ?)")
            .execute(arguments: [replica, batchId, body, contentHash])
    }
}
