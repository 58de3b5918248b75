import Foundation
import Logging
import MimamoriShared
import PostgresNIO

/// The server's tables in PostgreSQL: those of `ServerSchema` (SQLite) — since migration 5 each document's row
/// holds its versions, as SQLite's v4 — written through the same `PushProcessor` and `PushTransaction`. Each migration runs once, recorded in `schema_version`; servers
/// starting together take an advisory lock so only one migrates.
enum PostgresSchema {
    /// Ordered; a new migration is appended, never edited once released.
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (1, "tables of SQLite's v1–v3: state, tokens, documents, versions, replica counters, batches, counters, moves", [
            // One row: the epoch (made when the database is created) and the last change sequence. Every push
            // locks this row to number its changes and holds it to commit (`PostgresPushTransaction.finish`),
            // which is what keeps the change feed exact.
            """
            CREATE TABLE server_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                epoch TEXT NOT NULL,
                last_sequence BIGINT NOT NULL
            )
            """,
            "INSERT INTO server_state (id, epoch, last_sequence) VALUES (1, gen_random_uuid()::text, 0)",
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY,
                secret_hash TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                name TEXT NOT NULL,
                districts TEXT NOT NULL,
                replica_id TEXT,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            """
            CREATE TABLE documents (
                document_id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                district TEXT NOT NULL,
                sequence BIGINT NOT NULL UNIQUE
            )
            """,
            "CREATE INDEX documents_district_sequence ON documents (district, sequence)",
            """
            CREATE TABLE versions (
                document_id TEXT NOT NULL REFERENCES documents (document_id),
                dot_replica TEXT NOT NULL,
                dot_counter BIGINT NOT NULL,
                version TEXT NOT NULL,
                PRIMARY KEY (document_id, dot_replica, dot_counter)
            )
            """,
            "CREATE TABLE replica_counters (replica_id TEXT PRIMARY KEY, highest_counter BIGINT NOT NULL)",
            """
            CREATE TABLE batches (
                replica_id TEXT NOT NULL,
                batch_id TEXT NOT NULL,
                reply BYTEA NOT NULL,
                content_hash BYTEA,
                PRIMARY KEY (replica_id, batch_id)
            )
            """,
            """
            CREATE TABLE counters (
                fiscal_year INTEGER NOT NULL,
                dimension TEXT NOT NULL,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (fiscal_year, dimension, key, kind)
            )
            """,
            """
            CREATE TABLE moves (
                document_id TEXT NOT NULL,
                from_district TEXT NOT NULL,
                to_district TEXT NOT NULL,
                type TEXT NOT NULL,
                sequence BIGINT NOT NULL UNIQUE,
                PRIMARY KEY (document_id, from_district)
            )
            """,
            "CREATE INDEX moves_from_district_sequence ON moves (from_district, sequence)",
        ]),
        (2, "the dashboard's tables (SQLite's dashboard-v1 and v2): 校区 counters, conflicts, laptops, 民生委員 records, sessions",
         DashboardSchema.tables + [DashboardSessionTable.create, DashboardSessionTable.index]),
        // The foreign key's check is a query per inserted version, run while the push holds the `server_state` lock
        // that serializes every server's pushes: it cost more than the insert itself (about 6.5 µs of 12 per
        // version). The one writer of versions (`saveDocuments`) upserts the document row in the same transaction.
        (3, "versions without the foreign key to documents (its per-row check lengthened every push's lock)", [
            "ALTER TABLE versions DROP CONSTRAINT IF EXISTS versions_document_id_fkey",
        ]),
        // A push locks the rows of the documents it changes, and one not yet stored by inserting its row without a
        // sequence; the sequence is written when the push numbers its changes, just before it commits. Such a row
        // is never committed without one (`PostgresPushTransaction.finish`). The sequence indexes leave those rows
        // out, so locking a new document writes its row and primary key only (pulls ask `sequence > N`, which
        // implies the indexes' condition). Since the next release a new document is not locked by a row: its row is
        // inserted at commit, sequence and all (`PostgresPushTransaction.finish`); the schema is the same.
        (4, "documents.sequence given at commit: a push locks a new document by its row before numbering it", [
            "ALTER TABLE documents ALTER COLUMN sequence DROP NOT NULL",
            "ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_sequence_key",
            "CREATE UNIQUE INDEX IF NOT EXISTS documents_sequence ON documents (sequence) WHERE sequence IS NOT NULL",
            "DROP INDEX IF EXISTS documents_district_sequence",
            "CREATE INDEX documents_district_sequence ON documents (district, sequence) WHERE sequence IS NOT NULL",
        ]),
        // A document's current versions in its own row, as SQLite's v4 keeps them (`StoredVersionSet`: the canonical
        // JSON of each, in dot order, joined by newlines). A push reads them with the row it locks and writes them with
        // the row it numbers: one row and three index entries per pushed document instead of two rows and four, and
        // no insert into `versions` (about 5 ms per batch of 1000); a pull page reads them from the rows it lists,
        // with no probe per document into `versions`' primary key. The table is written anew in sequence order (a
        // pull reads neighbouring rows), with the constraint and indexes named as before (`PostgresSyncStore.lostRace`
        // knows `documents_pkey`); a document without versions rows, which no push writes, keeps an empty set.
        (5, "documents hold their versions: the versions table folded into documents", [
            """
            CREATE TABLE documents_v5 (
                document_id TEXT NOT NULL,
                type TEXT NOT NULL,
                district TEXT NOT NULL,
                sequence BIGINT,
                versions TEXT NOT NULL
            )
            """,
            // Dot order is counter, then replica compared bytewise (`Dot`, `VersionSet`), whatever the collation.
            """
            INSERT INTO documents_v5 (document_id, type, district, sequence, versions)
            SELECT d.document_id, d.type, d.district, d.sequence, coalesce(v.versions, '')
            FROM documents d
            LEFT JOIN (SELECT document_id, string_agg(version, chr(10) ORDER BY dot_counter, dot_replica COLLATE "C") AS versions
                       FROM versions GROUP BY document_id) v ON v.document_id = d.document_id
            ORDER BY d.sequence
            """,
            "DROP TABLE versions",
            "DROP TABLE documents",
            "ALTER TABLE documents_v5 RENAME TO documents",
            "ALTER TABLE documents ADD CONSTRAINT documents_pkey PRIMARY KEY (document_id)",
            "CREATE UNIQUE INDEX documents_sequence ON documents (sequence) WHERE sequence IS NOT NULL",
            "CREATE INDEX documents_district_sequence ON documents (district, sequence) WHERE sequence IS NOT NULL",
            // A new table has no statistics until autovacuum comes by; a pull planned without them sorts every row.
            "ANALYZE documents",
        ]),
        // A push probes the primary key once per document it names (`lockDocuments`) and inserts each changed
        // document into it and into the 校区 index, all under locks: compared in the database's collation (strcoll
        // for any but C), each comparison of two ids cost several times a bytewise one. Ids and 校区 names are
        // identifiers, never sorted for a person, so bytewise is right for them (the lock order already is bytewise).
        // Measured (100 batches of 1000 new rows, PostgreSQL 15, database collation C.UTF-8, the cheapest of the
        // linguistic ones): the insert 7% cheaper, the probes 12%. The column keeps its type, so no row is
        // rewritten; its indexes are rebuilt, under their names (`PostgresSyncStore.lostRace` knows `documents_pkey`).
        (6, "documents' id and 校区 compared bytewise (COLLATE \"C\"): cheaper index probes and inserts under the push's locks", [
            """
            ALTER TABLE documents ALTER COLUMN document_id TYPE text COLLATE "C", ALTER COLUMN district TYPE text COLLATE "C"
            """,
        ]),
    ]

    /// The migration after which what a database already holds is counted into the dashboard's tables, once.
    static let dashboardMigration = 2

    /// Any constant: the advisory lock key of migrations ("mimamori" in ASCII, truncated to 63 bits).
    static let migrationLock: Int64 = 0x6D69_6D61_6D6F_7269

    /// Creates or upgrades the schema to the newest migration (or to `target`, for tests of a migration), in one
    /// transaction.
    static func migrate(_ client: PostgresClient, to target: Int? = nil, logger: Logger) async throws {
        do {
            try await migrateInTransaction(client, to: target, logger: logger)
        } catch let error as PostgresTransactionError {
            // The closure's own error (e.g. a newer schema) says more than the transaction wrapper around it.
            throw error.closureError ?? error
        }
    }

    private static func migrateInTransaction(_ client: PostgresClient, to target: Int?, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = 0
            for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM schema_version", logger: logger)
                .decode(Int.self) { applied = version }
            if let newest = migrations.last?.version, applied > newest {
                throw PostgresSyncStore.Failure.newerSchema(found: applied, known: newest)
            }
            for migration in migrations where migration.version > applied && migration.version <= target ?? Int.max {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                if migration.version == dashboardMigration {
                    try await backfillDashboard(connection, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_version (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                logger.info("database schema migrated", metadata: ["version": "\(migration.version)"])
            }
        }
    }

    /// Counts the documents a database made before the dashboard holds, by the same rule as push
    /// (`DashboardDeltas`), inside the migration's transaction. It runs right after migration 2, so it reads the
    /// tables as they were then: the versions in `versions` (folded into `documents` by migration 5).
    static func backfillDashboard(_ connection: PostgresConnection, logger: Logger) async throws {
        var backfill = DashboardBackfill()
        let rows = try await connection.query("SELECT document_id, version FROM versions ORDER BY document_id", logger: logger)
        for try await (id, version) in rows.decode((String, String).self) { try backfill.add(documentId: id, version: version) }
        let deltas = try backfill.finish()
        guard !deltas.isEmpty else { return }
        try await PostgresSyncStore.withPushTransaction(connection, logger: logger) { tx in
            try tx.write(deltas, at: .now())
        }
    }
}
