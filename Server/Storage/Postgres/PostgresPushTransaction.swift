import Foundation
import Logging
import MimamoriShared
import NIOCore
import PostgresNIO

/// `PushTransaction` over one PostgreSQL connection inside an open transaction: the same few statements as
/// `SQLitePushTransaction`, each list sent as arrays and expanded with `unnest`/`ANY`, so a whole batch is one
/// statement per table whatever its size.
///
/// `PushProcessor` is synchronous (SQLite's transactions are), so each read waits for its reply. That is
/// only safe off the event loops and off Swift's cooperative pool: `PostgresSyncStore` runs the processor on a
/// thread of its own (`PostgresSyncStore.onOwnThread`). Writes return no rows the push needs, so they are
/// queued on the connection without waiting (it sends them in order, each as soon as the one before is done)
/// and `finish()` waits for them all before the transaction commits: the lock is not held across a thread's
/// wake-up per statement.
struct PostgresPushTransaction: PushTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// The `server_state` row as read when its lock was taken: a push reads it once.
    let locked: PostgresSyncStore.ServerState?
    private let pending = PendingWrites()

    init(connection: PostgresConnection, logger: Logger, locked: PostgresSyncStore.ServerState? = nil) {
        self.connection = connection
        self.logger = logger
        self.locked = locked
    }

    /// The writes queued and not yet waited for; only the push's own thread touches it.
    private final class PendingWrites {
        var futures: [EventLoopFuture<PostgresQueryResult>] = []
    }

    private func query(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void) throws -> EventLoopFuture<PostgresQueryResult> {
        var binds = PostgresBindings()
        try bind(&binds)
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    /// A read: waits for every write queued before it (the first failure is the one reported), then its rows.
    @discardableResult
    func run(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void = { _ in }) throws -> [PostgresRow] {
        let future = try query(sql, bind)
        try finish()
        return try future.wait().rows
    }

    /// A write: queued on the connection, waited for by `finish()` (or the next read).
    func send(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void = { _ in }) throws {
        pending.futures.append(try query(sql, bind))
    }

    /// Waits for every queued write; throws the first one's failure.
    func finish() throws {
        let futures = pending.futures
        pending.futures = []
        for future in futures { _ = try future.wait() }
    }

    func epoch() throws -> String {
        if let locked { return locked.epoch }
        guard let row = try run("SELECT epoch FROM server_state WHERE id = 1").first else { throw PostgresSyncStore.Failure.noServerState }
        return try row.decode(String.self)
    }

    func lastSequence() throws -> Int64 {
        if let locked { return locked.lastSequence }
        guard let row = try run("SELECT last_sequence FROM server_state WHERE id = 1").first else { throw PostgresSyncStore.Failure.noServerState }
        return try row.decode(Int64.self)
    }

    func storedBatch(replica: String, batchId: String) throws -> StoredBatch? {
        try run("SELECT reply, content_hash FROM batches WHERE replica_id = $1 AND batch_id = $2") {
            $0.append(replica)
            $0.append(batchId)
        }.first.map { row in
            let (reply, hash) = try row.decode((Data, Data?).self)
            return StoredBatch(reply: reply, contentHash: hash)
        }
    }

    func documents(_ ids: [String]) throws -> [String: StoredDocument] {
        guard !ids.isEmpty else { return [:] }
        var heads: [String: (type: DocumentType, district: String)] = [:]
        var versions: [String: [Version]] = [:]
        // One index probe per id, whatever the table's size: written as `document_id = ANY($1)`, PostgreSQL chose a
        // scan of every document (its cost model takes the probes for disk reads), 29 ms per batch of 1000 at
        // 100,000 documents, inside the lock. The subqueries' LIMIT and OFFSET keep the planner from turning the
        // lookups back into joins it may hash.
        let rows = try run("""
            SELECT k.id, d.type, d.district, v.version
            FROM unnest($1::text[]) AS k(id)
            JOIN LATERAL (SELECT type, district FROM documents WHERE document_id = k.id LIMIT 1) d ON true
            LEFT JOIN LATERAL (SELECT version FROM versions WHERE document_id = k.id OFFSET 0) v ON true
            """) { $0.append(Array(Set(ids))) }
        for row in rows {
            let (id, type, district, version) = try row.decode((String, String, String, String?).self)
            if let type = DocumentType(rawValue: type) { heads[id] = (type, district) }
            if let version { versions[id, default: []].append(try SQLitePushTransaction.decodeVersion(version)) }
        }
        var result: [String: StoredDocument] = [:]
        for (id, head) in heads {
            result[id] = StoredDocument(type: head.type, district: head.district, versions: try VersionSet(versions[id] ?? []))
        }
        return result
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

    func saveDocuments(_ saves: [DocumentSave]) throws {
        guard !saves.isEmpty else { return }
        // New sequences are all above every stored one, so the UNIQUE sequence never collides mid-statement.
        try send("""
            INSERT INTO documents (document_id, type, district, sequence)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
            ON CONFLICT (document_id) DO UPDATE SET type = excluded.type, district = excluded.district, sequence = excluded.sequence
            """) {
            $0.append(saves.map(\.id))
            $0.append(saves.map(\.document.type.rawValue))
            $0.append(saves.map(\.document.district))
            $0.append(saves.map(\.sequence))
        }
        let (superseded, inserted) = saves.versionChanges
        if !superseded.isEmpty {
            try send("""
                DELETE FROM versions WHERE (document_id, dot_replica, dot_counter) IN
                    (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]))
                """) {
                $0.append(superseded.map(\.0))
                $0.append(superseded.map(\.1.replica))
                $0.append(superseded.map { Int64(clamping: $0.1.counter) })
            }
        }
        if !inserted.isEmpty {
            // The canonical JSON the server writes itself from the checked version, never the sender's bytes.
            try send("""
                INSERT INTO versions (document_id, dot_replica, dot_counter, version)
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
                """) {
                $0.append(inserted.map(\.documentId))
                $0.append(inserted.map(\.dot.replica))
                $0.append(inserted.map { Int64(clamping: $0.dot.counter) })
                $0.append(inserted.map { String(decoding: $0.json, as: UTF8.self) })
            }
        }
    }

    func setLastSequence(_ sequence: Int64) throws {
        try send("UPDATE server_state SET last_sequence = $1 WHERE id = 1") { $0.append(sequence) }
    }

    func raiseHighestCounters(_ counters: [String: UInt64]) throws {
        guard !counters.isEmpty else { return }
        let rows = Array(counters)
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
        try send("""
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
        try send("""
            INSERT INTO moves (document_id, from_district, to_district, type, sequence) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (document_id, from_district) DO UPDATE SET to_district = excluded.to_district, sequence = excluded.sequence
            """) {
            $0.append(id)
            $0.append(from)
            $0.append(to)
            $0.append(type.rawValue)
            $0.append(sequence)
        }
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
