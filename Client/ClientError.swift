import Foundation

/// Every runtime failure of the client that a person must act on. Bad arguments are `ValidationError`s
/// (ArgumentParser) or `ValidationFailure`s (Shared); everything else ends up here.
public enum ClientError: Error, LocalizedError, Equatable, Sendable {
    case notInitialized(path: String)
    case dataDirectoryNotWritable(path: String, reason: String)
    case databaseUnusable(path: String, reason: String)
    case databaseLocked(path: String)
    case unknownSubject(String)
    case unknownVisit(String)
    case unknownActivity(String)
    case unknownDocument(String)
    case documentDeleted(String)
    case notInConflict(String)
    case noSuchSibling(documentId: String, keep: Int, count: Int)
    case notLoggedIn
    case invalidServerURL(String)
    case server(status: Int, code: String, message: String)
    /// The server already holds a different batch under this batch id (409 `batch_conflict`): a client bug.
    case batchIdReused(batchId: String, message: String)
    case network(String)
    case badServerReply(String)
    /// The server's reply was larger than the laptop holds (`HTTPTransport.maxReplyBytes`).
    case replyTooLarge(limit: Int)
    /// A proxy variable of the environment that is not a proxy's address (its value is not repeated: it may hold a password).
    case badProxy(variable: String)
    /// Names and notes are sealed and the key was not given.
    case locked
    case wrongPassphrase
    /// A passphrase must be chosen and there is neither a terminal nor `MIMAMORI_PASSPHRASE`.
    case passphraseNeeded
    case passphraseTooShort(minimum: Int)
    case sealedDataDamaged
    case alreadyEncrypted
    case unsentChangesWouldBeLost(Int)

    /// The message in the language of this process (see `Strings.error`).
    public var errorDescription: String? { Localization.strings.error(self) }

    /// The English message; the Japanese one is in `Strings+Japanese.swift`.
    var englishDescription: String {
        switch self {
        case let .notInitialized(path):
            return "no local database at \(path); run `mimamori init --visitor-id ID --name NAME --role ROLE` first (or pass --data-dir)"
        case let .dataDirectoryNotWritable(path, reason):
            return "data folder \(path) is not usable (\(reason)); accepted: a folder you can write to, set with --data-dir or MIMAMORI_HOME"
        case let .databaseUnusable(path, reason):
            return "the local database \(path) cannot be read (\(reason)); it may be damaged or not a Mimamori database. Nothing was changed."
        case let .databaseLocked(path):
            return "the local database \(path) is locked by another program (another mimamori still running?); try again in a moment. Nothing was changed."
        case let .unknownSubject(id):
            return "subject: '\(id)' does not exist; accepted: the id of an existing subject (see `mimamori subject list`)"
        case let .unknownVisit(id):
            return "visit: '\(id)' does not exist; accepted: the id of an existing visit (see `mimamori visit list`)"
        case let .unknownActivity(id):
            return "activity: '\(id)' does not exist; accepted: the id of an existing activity (see `mimamori activity list`)"
        case let .unknownDocument(id):
            return "id: '\(id)' is neither a visit, a subject nor an activity held here; accepted: an id from `mimamori conflicts list`"
        case let .documentDeleted(id):
            return "'\(id)' has been deleted; accepted: the id of a visit, subject or activity that is not deleted"
        case let .notInConflict(id):
            return "'\(id)' is not in conflict; nothing to resolve (see `mimamori conflicts list`)"
        case let .noSuchSibling(id, keep, count):
            return "--keep: '\(keep)' is not accepted for \(id); accepted: a version number from 1 to \(count) (see `mimamori conflicts show \(id)`)"
        case .notLoggedIn:
            return "no server configured; run `mimamori login --server URL --token TOKEN` first"
        case let .invalidServerURL(text):
            return "--server: '\(text)' is not accepted; accepted: an http:// or https:// URL, e.g. https://office.example.jp:8080"
        case let .server(status, code, message):
            return "the server refused the request (HTTP \(status), \(code)): \(message)"
        case let .batchIdReused(batchId, message):
            return "the server holds another batch under batch id \(batchId), so this one was not stored (\(message)). This is a bug in mimamori: please report it with this message. The changes stay in the outbox and go again under a new batch id at the next sync."
        case let .network(reason):
            return "could not reach the server: \(reason). Your data is safe locally; run `mimamori sync` again later."
        case let .badServerReply(reason):
            return "the server's reply could not be understood: \(reason)"
        case let .replyTooLarge(limit):
            return "the server's reply is larger than \(limit / (1024 * 1024)) MB, more than a sync page can be, so it was not read. Nothing was changed; if it happens again, tell the office."
        case let .badProxy(variable):
            return "\(variable): the proxy given in this environment variable is not accepted; accepted: http://HOST:PORT, e.g. http://proxy.example.jp:8080 (with USER:PASSWORD@ before the host if the proxy asks for it). Nothing was sent."
        case .locked:
            return "names and notes are locked; run mimamori in a terminal to type the passphrase, or set MIMAMORI_PASSPHRASE for a script"
        case .wrongPassphrase:
            return "wrong passphrase; nothing was changed. If it is forgotten, `mimamori init --forgot-passphrase` starts afresh and `mimamori sync` brings back what was synced."
        case .passphraseNeeded:
            return "a passphrase is needed; run this in a terminal to type it, or set MIMAMORI_PASSPHRASE. Nothing was changed."
        case let .passphraseTooShort(minimum):
            return "the passphrase is too short; accepted: at least \(minimum) characters"
        case .sealedDataDamaged:
            return "sealed data cannot be opened (damaged, or sealed with another key). Nothing was changed."
        case .alreadyEncrypted:
            return "this database is already protected by a passphrase"
        case let .unsentChangesWouldBeLost(count):
            return "not started afresh: \(count) change\(count == 1 ? "" : "s") not yet sent would be lost; run `mimamori init --forgot-passphrase` in a terminal and confirm"
        }
    }
}
