import Crypto
import Foundation

/// Where the unlocked data key is kept for the rest of the login session, so the passphrase (and scrypt) is
/// needed once per session, not once per command: a file of 32 bytes, mode 0600, in a folder only the visitor
/// can enter, on memory-backed storage.
///
/// `$XDG_RUNTIME_DIR` (systemd's per-user tmpfs, `/run/user/UID`) is removed at logout and never reaches a
/// disk. Without it, `/dev/shm` (tmpfs, gone at reboot but not at logout) in a folder of its own; without
/// either, nothing is kept and every command asks again. Which one is in use is said when the key is kept
/// (`Strings.keyKept`).
public struct KeyCache: Sendable, Hashable {
    public enum Place: Sendable, Hashable {
        /// `$XDG_RUNTIME_DIR/mimamori`: gone at logout and reboot.
        case runtimeDirectory
        /// `/dev/shm/mimamori-UID`: gone at reboot or `mimamori lock`, not at logout.
        case sharedMemory
        /// Nothing kept: every command that needs the key asks for the passphrase.
        case none
    }

    public let directory: URL?
    public let place: Place

    public init(directory: URL?, place: Place) {
        self.directory = directory
        self.place = place
    }

    /// Chooses the folder from the environment (resolved once, by `ClientConfiguration`).
    public static func resolve(environment: [String: String]) -> KeyCache {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return KeyCache(directory: URL(fileURLWithPath: runtime).appendingPathComponent("mimamori"), place: .runtimeDirectory)
        }
        #if os(Linux)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue {
            return KeyCache(directory: URL(fileURLWithPath: "/dev/shm/mimamori-\(getuid())"), place: .sharedMemory)
        }
        #endif
        return KeyCache(directory: nil, place: .none)
    }

    private func file(_ keyId: String) -> URL? { directory?.appendingPathComponent("\(keyId).key") }

    /// The key kept for this vault, if any (and if the folder is still ours alone).
    func load(keyId: String) -> SymmetricKey? {
        guard let directory, let file = file(keyId), Self.isPrivate(directory),
              let data = try? Data(contentsOf: file), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    /// Keeps the key; a failure only means the passphrase is asked again next time.
    func store(_ key: SymmetricKey, keyId: String) {
        guard let directory, let file = file(keyId) else { return }
        let fm = FileManager.default
        if !fm.fileExists(atPath: directory.path) {
            try? fm.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        guard Self.isPrivate(directory) else { return }
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
        let bytes = key.withUnsafeBytes { Array($0) }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// `mimamori lock`: forgets the key of this vault. True when one was kept.
    @discardableResult
    func remove(keyId: String) -> Bool {
        guard let file = file(keyId), FileManager.default.fileExists(atPath: file.path) else { return false }
        if let handle = try? FileHandle(forWritingTo: file) {
            handle.write(Data(count: 32))
            try? handle.close()
        }
        return (try? FileManager.default.removeItem(at: file)) != nil
    }

    /// A real folder (not a link), owned by this user, that nobody else may enter.
    private static func isPrivate(_ directory: URL) -> Bool {
        var info = stat()
        guard lstat(directory.path, &info) == 0 else { return false }
        return (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) && info.st_uid == getuid() && (info.st_mode & 0o077) == 0
    }
}
