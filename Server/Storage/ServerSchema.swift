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
            // The current version set of each document: the canonical JSON of each version (VersionJSON, the bytes
            // MimamoriJSON encodes), written by the server from the checked version.
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
        migrator.registerMigration("v2 batch content hash") { db in
            // The SHA-256 of each batch's canonical JSON: a replay with other content under the same batchId
            // is refused (409) instead of answered with the first reply. NULL for batches stored before.
            try db.execute(sql: "ALTER TABLE batches ADD COLUMN content_hash BLOB")
        }
        migrator.registerMigration("v3 moves") { db in
            // A document a district office moved out of a 校区: the old district's feed carries this notice (with a
            // sequence of its own) so its laptops drop their copy; the document itself is listed under its new
            // district only. One row per (document, district it left); a later move out of it again updates it.
            try db.execute(sql: """
                CREATE TABLE moves (
                    document_id TEXT NOT NULL,
                    from_district TEXT NOT NULL,
                    to_district TEXT NOT NULL,
                    type TEXT NOT NULL,
                    sequence BIGINT NOT NULL UNIQUE,
                    PRIMARY KEY (document_id, from_district)
                )
                """)
            try db.execute(sql: "CREATE INDEX moves_from_district_sequence ON moves (from_district, sequence)")
        }
        DashboardSchema.register(in: &migrator)
        migrator.registerMigration("v4 documents hold their versions") { db in
            // One row per document with its current versions in it (`StoredVersionSet`) and its sequence as the
            // rowid: a pushed visit is one table row and two small index entries, instead of two rows (the version's
            // repeating the document id and its dot, both already in its JSON) and four index entries; a pull page
            // reads a document's versions by rowid. Rows are written in sequence order, so the pages fill up.
            try db.execute(sql: """
                CREATE TABLE documents_v4 (
                    sequence INTEGER PRIMARY KEY,
                    document_id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    district TEXT NOT NULL,
                    versions TEXT NOT NULL
                )
                """)
            let insert = try db.makeStatement(sql: "INSERT INTO documents_v4 (sequence, document_id, type, district, versions) VALUES (?, ?, ?, ?, ?)")
            var current: (sequence: Int64, id: String, type: String, district: String)?
            var versions: [String] = []
            func flush() throws {
                guard let c = current else { return }
                try insert.execute(arguments: [c.sequence, c.id, c.type, c.district, StoredVersionSet.join(versions)])
                versions = []
            }
            // Versions in dot order (counter, then replica), as `VersionSet` keeps them and the pull sent them.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.sequence, d.document_id, d.type, d.district, v.version
                FROM documents d LEFT JOIN versions v ON v.document_id = d.document_id
                ORDER BY d.sequence, v.dot_counter, v.dot_replica
                """)
            while let row = try rows.next() {
                let sequence: Int64 = row[0]
                if sequence != current?.sequence {
                    try flush()
                    current = (sequence, row[1], row[2], row[3])
                }
                if let version: String = row[4] { versions.append(version) }
            }
            try flush()
            try db.execute(sql: "DROP TABLE versions")
            try db.execute(sql: "DROP TABLE documents")
            try db.execute(sql: "ALTER TABLE documents_v4 RENAME TO documents")
            try db.execute(sql: "CREATE INDEX documents_district_sequence ON documents (district, sequence)")
        }
        return migrator
    }
}
