import Foundation
import Logging
import MimamoriShared
import NIOCore
import PostgresNIO

/// `PushTransaction` over one PostgreSQL connection inside an open transaction: the same few statements as
/// `SQLitePushTransaction`, each list sent as arrays and expanded with `unnest`/`ANY`, so a whole batch is one
/// statement per table whatever its size.
///
/// Several servers push at once, so a push locks only what it reads and writes (docs/sync.md, "Several servers
/// on one PostgreSQL"): its stored documents' rows in document id order (`documents`, which reads their versions
/// from the same rows), then, at commit, its replica, and the one global lock, the `server_state` row, held only
/// to number its changes, write their rows (versions and all), the counters and the reply, and commit (`finish`). A
/// document not stored yet is not locked: its row is inserted at commit, and should another push have stored it
/// meanwhile, that insert fails on the primary key and the push runs again (`PostgresSyncStore.push`). Until the
/// commit the push's changes carry no sequence: `lastSequence()` answers 0, so `PushProcessor` numbers the batch's
/// changes 1, 2, … and `commit` adds the base it takes under the lock.
///
/// `PushProcessor` is synchronous (SQLite's transactions are), so each read waits for its reply. That is
/// only safe off the event loops and off Swift's cooperative pool: `PostgresSyncStore` runs the processor on a
/// thread of its own (`PostgresSyncStore.onOwnThread`). Writes return no rows the push needs, so they are
/// queued on the connection without waiting (it sends them in order, each as soon as the one before is done), and
/// nearly all are kept for the commit: `commit` queues the replica's lock, one statement holding the numbering and
/// every write kept for it, and COMMIT the same way, and waits once, for all.
struct PostgresPushTransaction: PushTransaction {
    let connection: PostgresConnection
    let logger: Logger
    private let state = State()

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// A push's own transaction: BEGIN is queued at once, `commit()` or `rollback()` ends it.
    static func begin(_ connection: PostgresConnection, logger: Logger) -> PostgresPushTransaction {
        let tx = PostgresPushTransaction(connection: connection, logger: logger)
        tx.state.futures.append(connection.query("BEGIN", logger: logger))
        // A push's statements bind arrays of up to 1000 elements (the versions alone ~750 KB). Planned for their values
        // (PostgreSQL's choice for a statement run once), each array became a constant that the planner copied
        // several times over (the commit's statement with its `WITH` queries most): about 1/8 of PostgreSQL's CPU per
        // pushed visit, measured with perf. Their plans do not depend on the values (one index probe per id, inserts
        // from `unnest`), so the push plans them once for any values; for its own statements only.
        tx.state.futures.append(connection.query("SET LOCAL plan_cache_mode = force_generic_plan", logger: logger))
        return tx
    }

    /// What the push has queued or kept for its commit; only the push's own thread touches it.
    private final class State {
        /// Statements sent and not yet waited for.
        var futures: [EventLoopFuture<PostgresQueryResult>] = []
        var epoch: EventLoopFuture<PostgresQueryResult>?
        /// The pushing replica (`storedBatch`), whose lock `finish` takes.
        var replica: String?
        /// The stored documents this transaction locked (`documents`): their rows are updated at commit, the
        /// others' inserted.
        var locked: Set<String> = []
        /// The documents the push will read (`willRead`), and their lock, sent with the batch lookup (`storedBatch`).
        var toLock: [String] = []
        var locking: (ids: [String], rows: EventLoopFuture<PostgresQueryResult>)?
        /// The documents to write and number at commit, each with its sequence relative to the base taken then:
        /// those `documents` found and locked (updated then), and the others (inserted).
        var stored = Numbered()
        var new = Numbered()
        var moves: [(id: String, type: DocumentType, from: String, to: String, sequence: Int64)] = []
        /// How many sequences the batch takes (`setLastSequence`, relative).
        var taken: Int64 = 0
        /// Writes kept for the commit's one statement (`finish`): the additions to rows every push touches
        /// (counters), made under the global lock — no push then waits for another's row locks, nor can two pushes
        /// deadlock on them whatever order their keys come in — and the replica's own rows and the batch's reply.
        var atCommit: [Part] = []
        /// Writes that must see the commit's statement done (deleting counter rows it brought to zero), sent after it.
        var afterCommitWrites: [PostgresQuery] = []
    }

    /// Document rows to write at commit: their columns, each sequence relative, each version set as stored
    /// (`StoredVersionSet`).
    struct Numbered {
        var ids = PostgresTextArray()
        var types = PostgresTextArray()
        var districts = PostgresTextArray()
        var sequences: [Int64] = []
        var versions = PostgresTextArray()

        var isEmpty: Bool { sequences.isEmpty }

        mutating func append(_ save: DocumentSave) {
            ids.append(save.id)
            types.append(save.document.type.rawValue)
            districts.append(save.document.district)
            sequences.append(save.sequence)
            // The canonical JSON the server writes itself from the checked version, never the sender's bytes.
            versions.append(StoredVersionSet.encode(save))
        }

        func bind(_ binds: inout PostgresBindings) {
            binds.append(ids)
            binds.append(types)
            binds.append(districts)
            binds.append(sequences)
            binds.append(versions)
        }
    }

    private func query(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void) throws -> PostgresQuery {
        var binds = PostgresBindings()
        try bind(&binds)
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// A read: waits for every statement queued before it (the first failure is the one reported), then its rows.
    @discardableResult
    func run(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void = { _ in }) throws -> [PostgresRow] {
        let future = connection.query(try query(sql, bind), logger: logger)
        try waitForQueued()
        return try future.wait().rows
    }

    /// A write: queued on the connection, waited for by the next read or by `commit`.
    func send(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void = { _ in }) throws {
        state.futures.append(connection.query(try query(sql, bind), logger: logger))
    }

    /// A write kept for the commit's one statement (`finish`), made after the global lock is taken when its SQL
    /// says `Part.afterNumbering`.
    func sendAtCommit(_ sql: String, _ bind: @escaping (inout PostgresBindings) throws -> Void) {
        state.atCommit.append(Part(sql: sql, bind: bind))
    }

    /// A write sent after the commit's statement, still in the transaction and under the global lock.
    func sendAfterCommitStatement(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void) throws {
        state.afterCommitWrites.append(try query(sql, bind))
    }

    /// Waits for every queued statement; throws the first one's failure.
    func waitForQueued() throws {
        let futures = state.futures
        state.futures = []
        var failure: (any Error)?
        for future in futures {
            do { _ = try future.wait() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Sends what waits for the global lock and waits for everything: one statement for all the writes kept for
    /// the commit — the numbering (which takes the lock on the `server_state` row), the document rows, the moves,
    /// the counters, the replica's rows and the batch's reply — then COMMIT when `commit` (a caller with a
    /// transaction of its own commits it itself). The lock is held from the numbering to the COMMIT, so pushes
    /// commit in the order of their sequences, and no push waits on another's row while holding it.
    func finish(commit: Bool) throws {
        var parts = state.atCommit
        state.atCommit = []
        let numbered = !state.new.isEmpty || !state.stored.isEmpty
        if numbered {
            let (new, stored, taken) = (state.new, state.stored, state.taken)
            // A stored document's row (locked by `documents`) is updated; a new one's inserted, which fails on the
            // primary key if another push stored the document since `documents` found it absent. Each row is
            // written once, versions and sequence together: writing it before the lock and setting only the
            // sequence under it would lengthen the lock (an UPDATE of an indexed column writes a new row version,
            // versions and all, and new entries in every index: 15.1 ms per 1000 rows against 12.3 for this
            // insert, docs/sync.md) and write every row twice.
            parts.insert(Part(sql: """
                UPDATE server_state SET last_sequence = last_sequence + $1 WHERE id = 1 RETURNING last_sequence - $1 AS base
                """, bind: { $0.append(taken) }), at: 0)
            if !stored.isEmpty {
                parts.insert(Part(sql: """
                    INSERT INTO documents (document_id, type, district, sequence, versions)
                    SELECT k.id, k.type, k.district, numbering.base + k.n, k.versions
                    FROM numbering, unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS k(id, type, district, n, versions)
                    ON CONFLICT (document_id) DO UPDATE SET type = excluded.type, district = excluded.district, sequence = excluded.sequence,
                        versions = excluded.versions
                    """, bind: stored.bind), at: 1)
            }
            if !new.isEmpty {
                parts.insert(Part(sql: """
                    INSERT INTO documents (document_id, type, district, sequence, versions)
                    SELECT k.id, k.type, k.district, numbering.base + k.n, k.versions
                    FROM numbering, unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS k(id, type, district, n, versions)
                    """, bind: new.bind), at: 1)
            }
        }
        if !state.moves.isEmpty {
            let moves = state.moves
            parts.append(Part(sql: """
                INSERT INTO moves (document_id, from_district, to_district, type, sequence)
                SELECT k.id, k.from_district, k.to_district, k.type, numbering.base + k.n
                FROM numbering, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                    AS k(id, from_district, to_district, type, n)
                ON CONFLICT (document_id, from_district) DO UPDATE SET to_district = excluded.to_district, sequence = excluded.sequence
                """, bind: {
                $0.append(moves.map(\.id))
                $0.append(moves.map(\.from))
                $0.append(moves.map(\.to))
                $0.append(moves.map(\.type.rawValue))
                $0.append(moves.map(\.sequence))
            }))
        }
        if !parts.isEmpty {
            if let replica = state.replica {
                // The replica's lock, held to commit: its own rows (its highest counter, its activity) and its
                // batches' replies have one writer at a time. Taken after the documents' locks and before the
                // global one, as every push does, so no two pushes wait for each other in a circle.
                try send("SELECT pg_advisory_xact_lock($1, hashtext($2))") {
                    $0.append(Self.replicaLockClass)
                    $0.append(replica)
                }
            }
            state.futures.append(connection.query(try Self.combined(parts, numbered: numbered), logger: logger))
        }
        for query in state.afterCommitWrites { state.futures.append(connection.query(query, logger: logger)) }
        state.afterCommitWrites = []
        if commit { state.futures.append(connection.query("COMMIT", logger: logger)) }
        try waitForQueued()
    }

    /// A write kept for the commit's one statement (`finish`): its SQL, whose parameters are numbered from $1, and
    /// their values. Where the SQL holds `Part.afterNumbering`, the write reads the numbering first, so the rows
    /// it changes are locked only once the global lock is held.
    struct Part {
        let sql: String
        let bind: (inout PostgresBindings) throws -> Void

        static let afterNumbering = "/*after numbering*/"
    }

    /// One statement of `parts`, each a data-modifying `WITH` query (PostgreSQL runs each once and to the end, read
    /// or not), its parameters renumbered after those of the parts before it. When `numbered`, the first part is
    /// the numbering, named `numbering`, which the others read: every part that marks `Part.afterNumbering` joins
    /// it, so none of the rows every push touches (counters) is locked before the `server_state` row.
    static func combined(_ parts: [Part], numbered: Bool) throws -> PostgresQuery {
        var binds = PostgresBindings()
        var sql: [UInt8] = Array("WITH ".utf8)
        sql.reserveCapacity(4096)
        let gate = numbered ? Array("(SELECT FROM numbering) AS numbered, ".utf8) : []
        for (i, part) in parts.enumerated() {
            let offset = binds.count
            try part.bind(&binds)
            if i > 0 { sql += Array(",\n".utf8) }
            sql += Array(((numbered && i == 0 ? "numbering" : "w\(i)") + " AS (").utf8)
            append(part.sql, renumberedBy: offset, gate: gate, to: &sql)
            sql.append(UInt8(ascii: ")"))
        }
        sql += Array("\nSELECT 1".utf8)
        return PostgresQuery(unsafeSQL: String(decoding: sql, as: UTF8.self), binds: binds)
    }

    /// Appends `sql` to `out`, each parameter `$n` made `$(n + offset)` (the statements here hold no other `$`) and
    /// `Part.afterNumbering` made `gate`; bytewise: this runs for every push.
    static func append(_ sql: String, renumberedBy offset: Int, gate: [UInt8], to out: inout [UInt8]) {
        let bytes = Array(sql.utf8)
        let marker = Array(Part.afterNumbering.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "$") {
                var j = i + 1
                var n = 0
                while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9"), n < 1_000_000 {
                    n = n * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                    j += 1
                }
                out.append(b)
                if j > i + 1 { out += Array(String(n + offset).utf8) }
                i = j
            } else if b == marker[0], bytes.count - i >= marker.count, bytes[i..<(i + marker.count)].elementsEqual(marker) {
                out += gate
                i += marker.count
            } else {
                out.append(b)
                i += 1
            }
        }
    }

    /// Commits the transaction `begin` opened.
    func commit() throws { try finish(commit: true) }

    /// Ends the transaction `begin` opened without keeping anything, after whatever was queued.
    func rollback() {
        _ = try? waitForQueued()
        _ = try? connection.query("ROLLBACK", logger: logger).wait()
    }

    func epoch() throws -> String {
        let future = state.epoch ?? connection.query("SELECT epoch FROM server_state WHERE id = 1", logger: logger)
        state.epoch = future
        guard let row = try future.wait().rows.first else { throw PostgresSyncStore.Failure.noServerState }
        // The first column (`storedBatch` reads the batch's reply after it).
        return try row.decode(String.self)
    }

    /// Relative: the batch's sequences are numbered from 1, and given their base at commit.
    func lastSequence() throws -> Int64 { 0 }

    /// Any constant: the class of the advisory locks on replicas (the two-key form, apart from the migrations' lock).
    static let replicaLockClass: Int32 = 0x6D69_6D61

    /// Reads the batch's stored reply, if any. The replica's lock is taken only at commit (`finish`), so that a
    /// laptop's next batch reads and merges while the one before it writes: a batch retried through another server
    /// while its first sending still runs is applied again in vain, and fails at the latest on its reply's primary key
    /// (`batches_pkey`, after the first sending committed), and then runs again and finds the stored reply
    /// (`PostgresSyncStore.lostRace`).
    func storedBatch(replica: String, batchId: String) throws -> StoredBatch? {
        state.replica = replica
        // The epoch, needed for the reply, is read with the batch (one statement fewer), in the same round trip.
        let lookup = connection.query(try query("""
            SELECT s.epoch, b.reply, b.content_hash FROM server_state s
            LEFT JOIN batches b ON b.replica_id = $1 AND b.batch_id = $2
            WHERE s.id = 1
            """) {
            $0.append(replica)
            $0.append(batchId)
        }, logger: logger)
        state.epoch = lookup
        // The documents' locks too, in the same round trip (in vain when the batch turns out stored: nothing is written).
        if !state.toLock.isEmpty {
            let rows = connection.query(try lockDocuments(state.toLock), logger: logger)
            state.futures.append(rows)
            state.locking = (state.toLock, rows)
        }
        try waitForQueued()
        guard let row = try lookup.wait().rows.first else { throw PostgresSyncStore.Failure.noServerState }
        let (_, reply, hash) = try row.decode((String, Data?, Data?).self)
        return reply.map { StoredBatch(reply: $0, contentHash: hash) }
    }

    /// Locks the stored documents' rows in id order, and reads them, versions and all. Every push takes its row
    /// locks in the same order (bytewise, whatever the database's collation), so two cannot deadlock; a document
    /// locked by another push is returned once that push has committed, as it then is (PostgreSQL returns the
    /// newest version of a row it waited to lock). A document not stored is not locked (there is no row to lock):
    /// `finish` inserts it.
    func documents(_ ids: [String]) throws -> [String: StoredDocument] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: StoredDocument] = [:]
        let locked: [PostgresRow]
        if let locking = state.locking, locking.ids == ids {
            locked = Array(try locking.rows.wait().rows)
        } else {
            let rows = connection.query(try lockDocuments(ids), logger: logger)
            try waitForQueued()
            locked = Array(try rows.wait().rows)
        }
        for row in locked {
            let (id, type, district, versions) = try row.decode((String, String, String, String).self)
            state.locked.insert(id)
            guard let type = DocumentType(rawValue: type) else { continue }
            result[id] = StoredDocument(type: type, district: district, versions: try VersionSet(StoredVersionSet.decode(versions)))
        }
        return result
    }

    /// Locks the stored documents among `ids` in id order, and returns their id, type, district and versions.
    private func lockDocuments(_ ids: [String]) throws -> PostgresQuery {
        // One index probe per id, whatever the table's size: written as `document_id = ANY($1)`, PostgreSQL chose a
        // scan of every document (its cost model takes the probes for disk reads), 29 ms per batch of 1000 at
        // 100,000 documents. The lateral subquery is run for each id in the sorted order, and locks its row.
        try query("""
            SELECT d.document_id, d.type, d.district, d.versions
            FROM (SELECT id FROM unnest($1::text[]) AS u(id) ORDER BY id COLLATE "C") k,
                LATERAL (SELECT document_id, type, district, versions FROM documents
                         WHERE document_id = k.id AND sequence IS NOT NULL FOR UPDATE) d
            """) {
            var array = PostgresTextArray()
            for id in ids { array.append(id) }
            $0.append(array)
        }
    }

    /// The documents `documents` will be asked for: their locks are sent with the batch lookup, in one round trip.
    func willRead(documents ids: [String]) {
        state.toLock = ids
    }

    func highestCounters(of replicas: [String]) throws -> [String: UInt64] {
        guard !replicas.isEmpty else { return [:] }
        var result: [String: UInt64] = [:]
        for row in try run("SELECT replica_id, highest_counter FROM replica_counters WHERE replica_id = ANY($1)", { $0.append(replicas) }) {
            let (replica, counter) = try row.decode((String, Int64).self)
            result[replica] = UInt64(clamping: counter)
        }
        return result
    }

    /// Kept for the commit: each document's row is written then, versions and sequence together (`finish`). A
    /// changed set is written whole, as SQLite's store does: nearly every set is one version, and a set of more is
    /// small.
    func saveDocuments(_ saves: [DocumentSave]) throws {
        for save in saves {
            if state.locked.contains(save.id) { state.stored.append(save) } else { state.new.append(save) }
        }
    }

    func setLastSequence(_ sequence: Int64) throws {
        state.taken = sequence
    }

    func raiseHighestCounters(_ counters: [String: UInt64]) throws {
        guard !counters.isEmpty else { return }
        // In key order: a bulk load raises several replicas' rows (a push only its own).
        let rows = counters.sorted { $0.key < $1.key }
        // In the commit's statement (one statement fewer); the replica's row has one writer at a time (its lock).
        sendAtCommit("""
            INSERT INTO replica_counters (replica_id, highest_counter)
            SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (replica_id) DO UPDATE SET highest_counter = excluded.highest_counter
            WHERE replica_counters.highest_counter < excluded.highest_counter
            """) {
            $0.append(rows.map(\.key))
            $0.append(rows.map { Int64(clamping: $0.value) })
        }
    }

    func addToCounters(_ deltas: [CounterKey: Int]) throws {
        guard !deltas.isEmpty else { return }
        let rows = Array(deltas)
        sendAtCommit("""
            INSERT INTO counters (fiscal_year, dimension, key, kind, count)
            SELECT * FROM \(Part.afterNumbering)unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::bigint[])
            ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = counters.count + excluded.count
            """) {
            $0.append(rows.map { Int32(clamping: $0.key.fiscalYear) })
            $0.append(rows.map(\.key.dimension.rawValue))
            $0.append(rows.map(\.key.key))
            $0.append(rows.map(\.key.kind.rawValue))
            $0.append(rows.map { Int64($0.value) })
        }
    }

    func recordMove(id: String, type: DocumentType, from: String, to: String, sequence: Int64) throws {
        state.moves.append((id, type, from, to, sequence))
    }

    func storeReply(replica: String, batchId: String, contentHash: Data, body: Data, refused: Int) throws {
        // In the commit's statement: one statement fewer.
        sendAtCommit("INSERT INTO batches (replica_id, batch_id, reply, content_hash) VALUES ($1, $2, $3, $4)") {
            $0.append(replica)
            $0.append(batchId)
            try $0.append(body)
            try $0.append(contentHash)
        }
    }
}
