import GRDB
import MimamoriShared

extension AppDatabase {
    /// Migrations from the first version. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row: who this installation is, its single write counter, and where it syncs.
            try db.create(table: "replica") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("replica_id", .text).notNull()
                t.column("visitor_id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("organization", .text)
                t.column("district", .text)
                t.column("assists_minsei_id", .text)
                // The highest counter ever used by this replica; bumped in the same transaction as the write.
                t.column("counter", .integer).notNull().defaults(to: 0)
                t.column("server_url", .text)
                t.column("token", .text)
                t.column("server_epoch", .text)
                t.column("pull_cursor", .integer).notNull().defaults(to: 0)
                t.column("last_sync_at", .text)
                t.column("last_sync_summary", .text)
                t.column("created_at", .text).notNull()
            }
            // A version as columns (read by the v2 migration, V1Key), and the key of one version.
            func versionColumns(_ t: TableDefinition) {
                t.column("document_id", .text).notNull()
                t.column("dot_replica", .text).notNull()
                t.column("dot_counter", .integer).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("vector", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("author", .text).notNull()
                t.column("written_at", .integer).notNull()
                t.primaryKey(["document_id", "dot_replica", "dot_counter"])
            }
            // The current sibling set of each document (what the merge rule kept).
            try db.create(table: "versions") { t in
                versionColumns(t)
                t.column("type", .text).notNull()
            }
            // Every version ever held, append-only: the version history `visit show` prints, and the exact
            // content an outbox entry pushes.
            try db.create(table: "history") { t in
                versionColumns(t)
                t.column("received_at", .text).notNull()
            }
            // Projection of each visit's display version (payload = its DocumentPayload JSON), for lists and due dates.
            try db.create(table: "visit_index") { t in
                t.primaryKey("id", .text)
                t.column("date", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("method", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("district", .text).notNull()
                t.column("visitor_id", .text).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("in_conflict", .boolean).notNull()
                t.column("payload", .blob).notNull()
            }
            try db.create(index: "visit_index_date", on: "visit_index", columns: ["deleted", "date"])
            try db.create(index: "visit_index_subject", on: "visit_index", columns: ["subject_id", "deleted", "date"])
            try db.create(table: "subject_index") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("district", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("cadence_days", .integer)
                t.column("deleted", .boolean).notNull()
                t.column("in_conflict", .boolean).notNull()
                t.column("payload", .blob).notNull()
            }
            // Own writes the server has not acknowledged. `batch_id` is set when a batch is formed and kept until
            // its reply arrives, so a retry after a lost reply resends the same batch id with the same versions.
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("document_id", .text).notNull()
                t.column("dot_replica", .text).notNull()
                t.column("dot_counter", .integer).notNull()
                t.column("state", .text).notNull().defaults(to: "pending")
                t.column("batch_id", .text)
                t.column("reject_code", .text)
                t.column("reject_message", .text)
                t.uniqueKey(["document_id", "dot_replica", "dot_counter"])
            }
            try db.create(index: "outbox_state", on: "outbox", columns: ["state", "batch_id", "seq"])
            // Local indicator counters (CounterKey → count), maintained with the shared deltas so totals never scan.
            try db.create(table: "counters") { t in
                t.column("fiscal_year", .integer).notNull()
                t.column("dimension", .text).notNull()
                t.column("key", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["fiscal_year", "dimension", "key", "kind"])
            }
        }
        migrator.registerMigration("v2: one canonical JSON per version") { db in
            try migrateToCanonicalVersions(db)
        }
        migrator.registerMigration("v3: the vault of the data key") { db in
            try Vault.createTable(db)
        }
        migrator.registerMigration("v4: the 民生委員 activity counters") { db in
            // `report monthly`'s figures as clear aggregates (month, visitor, metric → count; no subject), kept
            // with `MonthlyActivityReport.metrics(of:)` so the report works locked, as `totals` does. A metric
            // `day:YYYY-MM-DD` counts the visits of a date (活動日数 = dates with a count).
            try db.create(table: "activity_counters") { t in
                t.column("month", .text).notNull()
                t.column("visitor_id", .text).notNull()
                t.column("metric", .text).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["month", "visitor_id", "metric"])
            }
            // Visits already held are sealed: they are counted at the first unlocked report (a row here means
            // "still to count"), never guessed.
            try db.create(table: "activity_counters_pending") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit_index") ?? 0 > 0 {
                try db.execute(sql: "INSERT INTO activity_counters_pending (id) VALUES (1)")
            }
        }
        migrator.registerMigration("v5: activities") { db in
            // Projection of each activity's display version (活動記録: その他の活動 and 連絡調整), for `activity list`;
            // the version itself (sealed, with its note) is the row `version_id` points at.
            try db.create(table: "activity_index") { t in
                t.primaryKey("id", .text)
                t.column("date", .text).notNull()
                t.column("category", .text).notNull()
                t.column("district", .text).notNull()
                t.column("visitor_id", .text).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("in_conflict", .boolean).notNull()
                t.column("version_id", .integer).notNull()
            }
            try db.create(index: "activity_index_date", on: "activity_index", columns: ["deleted", "date"])
            // A server passes over activities for a laptop that does not ask for them (as before this version):
            // pull everything once more, so those already passed over arrive. What is held is merged as known.
            try db.execute(sql: "UPDATE replica SET pull_cursor = 0")
        }
        migrator.registerMigration("v6: outreach plan events") { db in
            // The plan event a visit counts (Shared's `ProgramCounting.planEvent`), a code in clear beside kind,
            // method and outcome, so `totals` counts plans locked. Visits already held are sealed: their column is
            // filled when the database is next unlocked (a row here means "still to fill"), never guessed.
            try db.alter(table: "visit_index") { t in t.add(column: "plan_event", .text) }
            try db.create(table: "plan_events_pending") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit_index WHERE kind = ?", arguments: [VisitKind.outreach.rawValue]) ?? 0 > 0 {
                try db.execute(sql: "INSERT INTO plan_events_pending (id) VALUES (1)")
            }
        }
        return migrator
    }
}
