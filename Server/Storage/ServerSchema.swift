import Foundation
import GRDB

/// The server's tables, in SQL that SQLite and PostgreSQL both accept (BIGINT, TEXT, composite primary keys,
/// `ON CONFLICT … DO UPDATE`), so a PostgreSQL backend can run the same statements.
enum ServerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row: the database's epoch (made once, when it is created) and the last change sequence.
            try db.execute(sql: """
                CREATE TABLE server_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    epoch TEXT NOT NULL,
                    last_sequence BIGINT NOT NULL
                )
                """)
            try db.execute(sql: "INSERT INTO server_state (id, epoch, last_sequence) VALUES (1, ?, 0)",
                           arguments: [UUID().uuidString.lowercased()])
            try db.execute(sql: """
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
                """)
            // The latest change of each document; `sequence` is unique, so paging by it never skips or repeats.
            try db.execute(sql: """
                CREATE TABLE documents (
                    document_id TEXT PRIMARY KEY,
                    type TEXT NOT NULL,
                    district TEXT NOT NULL,
                    sequence BIGINT NOT NULL UNIQUE
                )
                """)
            try db.execute(sql: "CREATE INDEX documents_district_sequence ON documents (district, sequence)")
            // The current version set of each document: the JSON of each version, as MimamoriJSON encodes it.
            try db.execute(sql: """
                CREATE TABLE versions (
                    document_id TEXT NOT NULL REFERENCES documents (document_id),
                    dot_replica TEXT NOT NULL,
                    dot_counter BIGINT NOT NULL,
                    version TEXT NOT NULL,
                    PRIMARY KEY (document_id, dot_replica, dot_counter)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE replica_counters (
                    replica_id TEXT PRIMARY KEY,
                    highest_counter BIGINT NOT NULL
                )
                """)
            try db.execute(sql: """
                CREATE TABLE batches (
                    replica_id TEXT NOT NULL,
                    batch_id TEXT NOT NULL,
                    reply BLOB NOT NULL,
                    PRIMARY KEY (replica_id, batch_id)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE counters (
                    fiscal_year INTEGER NOT NULL,
                    dimension TEXT NOT NULL,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (fiscal_year, dimension, key, kind)
                )
                """)
        }
        DashboardSchema.register(in: &migrator)
        return migrator
    }
}
