import Foundation
import MimamoriShared

extension PostgresSyncStore {
    /// Stores documents new to the database, one version each, in one transaction: exactly the rows, counters
    /// and dashboard rows push would write (through the same `PushTransaction` statements), without HTTP,
    /// checks or merge. For the benchmark's 10,000,000 visits, which would take hours to push.
    public func bulkLoad(_ versions: [Version]) async throws {
        guard !versions.isEmpty else { return }
        // New documents, so nothing to lock but the numbering; their rows are inserted at commit.
        try await pushTransaction { tx in
            var sequence = try tx.lastSequence()
            var saves: [DocumentSave] = []
            saves.reserveCapacity(versions.count)
            var counters: [CounterKey: Int] = [:]
            var highest: [String: UInt64] = [:]
            for version in versions {
                guard let document = StoredDocument(try VersionSet([version])) else { continue }
                sequence += 1
                saves.append(DocumentSave(id: version.documentId, document: document, previous: nil, sequence: sequence))
                IndicatorCounting.apply(IndicatorCounting.deltas(before: nil, after: version), to: &counters)
                highest[version.dot.replica] = max(highest[version.dot.replica] ?? 0, version.dot.counter)
            }
            let recording = DashboardRecordingTransaction(base: tx, tables: tx, now: .now())
            try recording.saveDocuments(saves)
            try recording.setLastSequence(sequence)
            try recording.raiseHighestCounters(highest)
            try recording.addToCounters(counters.filter { $0.value != 0 })
        }
    }
}
