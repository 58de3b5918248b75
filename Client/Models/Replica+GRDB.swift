import GRDB

extension Replica: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "replica"
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = 1
        container["replica_id"] = replicaId
        container["visitor_id"] = visitorId
        container["name"] = name
        container["role"] = role
        container["organization"] = organization
        container["district"] = district
        container["assists_minsei_id"] = assistsMinseiId
        container["counter"] = counter
        container["server_url"] = serverUrl
        container["token"] = token
        container["server_epoch"] = serverEpoch
        container["pull_cursor"] = pullCursor
        container["last_sync_at"] = lastSyncAt
        container["last_sync_summary"] = lastSyncSummary
        container["created_at"] = createdAt
    }
}
