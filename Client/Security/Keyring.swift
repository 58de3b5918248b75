import Crypto
import Foundation
import GRDB

/// What one open database knows of its data key: nothing to know (a database made before encryption, not yet
/// upgraded), locked (sealed, key not given), or unlocked. Shared by every connection of one `AppDatabase`, so
/// the places that seal and open find it from the `Database` they already hold (`Keyring.of(db)`) instead of
/// every store function taking one more parameter.
final class Keyring: @unchecked Sendable {
    enum State {
        /// No vault: free text is stored in clear (only before the first-run upgrade).
        case clear
        /// A vault, and no key yet: ids, dates, codes and counts are readable, names and notes are not.
        case locked
        case unlocked(SymmetricKey)
    }

    private let lock = NSLock()
    private var current: State

    init(_ state: State = .clear) { current = state }

    var state: State {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    var key: SymmetricKey? {
        if case let .unlocked(key) = state { return key }
        return nil
    }

    // MARK: Which keyring a connection belongs to

    private struct Entry {
        weak var db: Database?
        let keyring: Keyring
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [ObjectIdentifier: Entry] = [:]

    /// Called for every connection as it opens (`Configuration.prepareDatabase`).
    func attach(_ db: Database) {
        Keyring.registryLock.withLock {
            Keyring.registry = Keyring.registry.filter { $0.value.db != nil }
            Keyring.registry[ObjectIdentifier(db)] = Entry(db: db, keyring: self)
        }
    }

    /// The keyring of the `AppDatabase` this connection belongs to; nil for a connection opened some other way
    /// (treated as `.clear`).
    static func of(_ db: Database) -> Keyring? {
        registryLock.withLock {
            guard let entry = registry[ObjectIdentifier(db)], entry.db === db else { return nil }
            return entry.keyring
        }
    }
}
