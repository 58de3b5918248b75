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
/// on one PostgreSQL"): its replica (`storedBatch`), then its stored documents' rows in document id order
/// (`documents`, which reads their versions from the same rows); and it holds the one global lock, the
/// `server_state` row, only to number its changes, write their rows (versions and all) and commit (`commit`). A
/// document not stored yet is not locked: its row is inserted at commit, and should another push have stored it
/// meanwhile, that insert fails on the primary key and the push runs again (`PostgresSyncStore.push`). Until the
/// commit the push's changes carry no sequence: `lastSequence()` answers 0, so `PushProcessor` numbers the batch's
/// changes 1, 2, … and `commit` adds the base it takes under the lock.
///
/// `PushProcessor` is synchronous (SQLite's transactions are), so each read waits for its reply. That is
/// only safe off the event loops and off Swift's cooperative pool: `PostgresSyncStore` runs the processor on a
/// thread of its own (`PostgresSyncStore.onOwnThread`). Writes return no rows the push needs, so they are
/// queued on the connection without waiting (it sends them in order, each as soon as the one before is done);
/// `commit` queues the numbering, the writes kept for it and COMMIT the same way and waits once, for all.
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
        return tx
    }

    /// What the push has queued or kept for its commit; only the push's own thread touches it.
    private final class State {
        /// Statements sent and not yet waited for.
        var futures: [EventLoopFuture<PostgresQueryResult>] = []
        var epoch: EventLoopFuture<PostgresQueryResult>?
        /// The stored documents this transaction locked (`documents`): their rows are updated at commit, the
        /// others' inserted.
        var stored: Set<String> = []
        /// The documents the push will read (`willRead`), and their lock, sent with the replica's (`storedBatch`).
        var toLock: [String] = []
        var locking: (ids: [String], rows: EventLoopFuture<PostgresQueryResult>)?
        /// The documents to write and number at commit, each with its sequence relative to the base taken then.
        var numbered = Numbered()
        var moves: [(id: String, type: DocumentType, from: String, to: String, sequence: Int64)] = []
        /// How many sequences the batch takes (`setLastSequence`, relative).
        var taken: Int64 = 0
        /// Additions to rows every push touches (counters), sent under the global lock: no push then waits for
        /// another's row locks, nor can two pushes deadlock on them whatever order their keys come in.
        var atCommit: [PostgresQuery] = []
    }

    /// Document rows to write at commit: their columns, each sequence relative, each version set as stored
    /// (`StoredVersionSet`).
    struct Numbered {
        var ids: [String] = []
        var types: [String] = []
        var districts: [String] = []
        var sequences: [Int64] = []
        var versions: [String] = []

        mutating func append(_ other: Numbered, at i: Int) {
            ids.append(other.ids[i])
            types.append(other.types[i])
            districts.append(other.districts[i])
            sequences.append(other.sequences[i])
            versions.append(other.versions[i])
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

    /// A write kept until the global lock is taken (`commit`).
    func sendAtCommit(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void) throws {
        state.atCommit.append(try query(sql, bind))
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

    /// Sends what waits for the global lock and waits for everything: the numbering (which takes the lock on the
    /// `server_state` row), the moves, the counters, then COMMIT when `commit` (a caller with a transaction of
    /// its own commits it itself). The lock is held from the numbering to the COMMIT, so pushes commit in the
    /// order of their sequences, and no push waits on another's row while holding it.
    func finish(commit: Bool) throws {
        if !state.numbered.ids.isEmpty {
            var new = Numbered()
            var stored = Numbered()
            let numbered = state.numbered
            for i in numbered.ids.indices {
                let isStored = state.stored.contains(numbered.ids[i])
                if isStored { stored.append(numbered, at: i) } else { new.append(numbered, at: i) }
            }
            // The UPDATE of the one `server_state` row is the global lock; the writes after it use the base it
            // returns. A stored document's row (locked by `documents`) is updated; a new one's inserted, which
            // fails on the primary key if another push stored the document since `documents` found it absent.
            // Each row is written once, versions and sequence together: writing it before the lock and setting only
            // the sequence under it would lengthen the lock (an UPDATE of an indexed column writes a new row version,
            // versions and all, and new entries in every index: 15.1 ms per 1000 rows against 12.3 for this insert,
            // docs/sync.md) and write every row twice.
            try send("""
                WITH numbering AS (
                    UPDATE server_state SET last_sequence = last_sequence + $1 WHERE id = 1 RETURNING last_sequence - $1 AS base),
                stored AS (
                    INSERT INTO documents (document_id, type, district, sequence, versions)
                    SELECT k.id, k.type, k.district, numbering.base + k.n, k.versions
                    FROM numbering, unnest($7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[]) AS k(id, type, district, n, versions)
                    ON CONFLICT (document_id) DO UPDATE SET type = excluded.type, district = excluded.district, sequence = excluded.sequence,
                        versions = excluded.versions)
                INSERT INTO documents (document_id, type, district, sequence, versions)
                SELECT k.id, k.type, k.district, numbering.base + k.n, k.versions
                FROM numbering, unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS k(id, type, district, n, versions)
                """) {
                $0.append(state.taken)
                new.bind(&$0)
                stored.bind(&$0)
            }
        }
        if !state.moves.isEmpty {
            let moves = state.moves
            try send("""
                INSERT INTO moves (document_id, from_district, to_district, type, sequence)
                SELECT k.id, k.from_district, k.to_district, k.type, s.last_sequence - $1 + k.n
                FROM server_state s, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
                    AS k(id, from_district, to_district, type, n)
                WHERE s.id = 1
                ON CONFLICT (document_id, from_district) DO UPDATE SET to_district = excluded.to_district, sequence = excluded.sequence
                """) {
                $0.append(state.taken)
                $0.append(moves.map(\.id))
                $0.append(moves.map(\.from))
                $0.append(moves.map(\.to))
                $0.append(moves.map(\.type.rawValue))
                $0.append(moves.map(\.sequence))
            }
        }
        for query in state.atCommit { state.futures.append(connection.query(query, logger: logger)) }
        state.atCommit = []
        if commit { state.futures.append(connection.query("COMMIT", logger: logger)) }
        try waitForQueued()
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
        return try row.decode(String.self)
    }

    /// Relative: the batch's sequences are numbered from 1, and given their base at commit.
    func lastSequence() throws -> Int64 { 0 }

    /// Any constant: the class of the advisory locks on replicas (the two-key form, apart from the migrations' lock).
    static let replicaLockClass: Int32 = 0x6D69_6D61

    /// Takes the replica's lock first, held to commit: a batch retried through another server while its first
    /// sending still runs waits for it, then reads its reply; and the replica's own rows (its highest counter,
    /// its activity) are written by one push at a time.
    func storedBatch(replica: String, batchId: String) throws -> StoredBatch? {
        try send("SELECT pg_advisory_xact_lock($1, hashtext($2))") {
            $0.append(Self.replicaLockClass)
            $0.append(replica)
        }
        // Needed for the reply; read now, in the same round trip.
        state.epoch = connection.query("SELECT epoch FROM server_state WHERE id = 1", logger: logger)
        let lookup = connection.query(try query("SELECT reply, content_hash FROM batches WHERE replica_id = $1 AND batch_id = $2") {
            $0.append(replica)
            $0.append(batchId)
        }, logger: logger)
        // The documents' locks too, after the replica's (in vain when the batch turns out stored: nothing is written).
        if !state.toLock.isEmpty {
            let rows = connection.query(try lockDocuments(state.toLock), logger: logger)
            state.futures.append(rows)
            state.locking = (state.toLock, rows)
        }
        try waitForQueued()
        return try lookup.wait().rows.first.map { row in
            let (reply, hash) = try row.decode((Data, Data?).self)
            return StoredBatch(reply: reply, contentHash: hash)
        }
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
            state.stored.insert(id)
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
            """) { $0.append(ids) }
    }

    /// The documents `documents` will be asked for: their locks are sent with the replica's, in one round trip.
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
            state.numbered.ids.append(save.id)
            state.numbered.types.append(save.document.type.rawValue)
            state.numbered.districts.append(save.document.district)
            state.numbered.sequences.append(save.sequence)
            // The canonical JSON the server writes itself from the checked version, never the sender's bytes.
            state.numbered.versions.append(String(decoding: StoredVersionSet.encode(save), as: UTF8.self))
        }
    }

    func setLastSequence(_ sequence: Int64) throws {
        state.taken = sequence
    }

    func raiseHighestCounters(_ counters: [String: UInt64]) throws {
        guard !counters.isEmpty else { return }
        // In key order: a bulk load raises several replicas' rows (a push only its own).
        let rows = counters.sorted { $0.key < $1.key }
        try send("""
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
        try sendAtCommit("""
            INSERT INTO counters (fiscal_year, dimension, key, kind, count)
            SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::bigint[])
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
        try send("INSERT INTO batches (replica_id, batch_id, reply, content_hash) VALUES ($1, $2, $3, $4)") {
            $0.append(replica)
            $0.append(batchId)
            try $0.append(body)
            try $0.append(contentHash)
        }
    }
}
