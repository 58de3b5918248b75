import ArgumentParser
import Foundation
import MimamoriShared

extension TokenRole: ExpressibleByArgument {}

/// `mimamori-server token issue|list|revoke`: bearer tokens, of which the server keeps only hashes.
public struct TokenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke the tokens laptops, offices and coordinators use.",
        subcommands: [Issue.self, List.self, Revoke.self])

    public init() {}

    public struct Issue: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Issue a new token and print it once (only its SHA-256 hash is kept).",
            discussion: "Example: mimamori-server token issue --role visitor --name 'Yamada Hanako' --district nishi")

        @Option(help: ArgumentHelp("What the token may do: visitor or office (push and pull their districts), coordinator (totals only), admin (totals and tokens). Example: --role visitor",
                                   valueName: "role"))
        public var role: TokenRole

        @Option(help: ArgumentHelp("Who or what the token is for, shown by `token list`. Example: --name 'Nishi office laptop'", valueName: "name"))
        public var name: String

        @Option(name: .customLong("district"),
                help: ArgumentHelp("A 校区 the token covers; repeat for several. Required for visitor and office tokens. Example: --district nishi --district higashi",
                                   valueName: "district"))
        public var districts: [String] = []

        @OptionGroup public var data: DataDirectoryOptions

        public init() {}

        public func validate() throws {
            if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 {
                throw ValidationError("--name: give 1 to 200 characters saying who the token is for, e.g. --name 'Yamada Hanako'")
            }
            if role.syncsDocuments && districts.isEmpty {
                throw ValidationError("--district: a \(role.rawValue) token needs at least one district, e.g. --district nishi")
            }
            if !role.syncsDocuments && !districts.isEmpty {
                throw ValidationError("--district: only visitor and office tokens cover districts; a \(role.rawValue) token sees totals of all districts")
            }
            if let bad = districts.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 64 }) {
                throw ValidationError("--district: '\(bad)' is not accepted; accepted: a district name of 1 to 64 characters, as the visit records spell it")
            }
        }

        public func run() async throws {
            let issued = try await data.withStore { store, _ in
                try await store.issueToken(role: role, name: name, districts: Array(Set(districts)).sorted())
            }
            print(issued.secret)
            let scope = issued.info.districts.isEmpty ? "" : ", districts: " + issued.info.districts.joined(separator: ", ")
            FileHandle.standardError.write(Data("""
                Issued token \(issued.info.id) (\(role.rawValue), \(name)\(scope)).
                The line above is the token: give it to the person it is for. It is shown only this once.

                """.utf8))
        }
    }

    public struct List: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List tokens (ids, roles, names, districts, bound replica), never the tokens themselves.",
            discussion: "Example: mimamori-server token list --json")

        @Flag(help: ArgumentHelp("Print JSON instead of a table. Example: --json"))
        public var json = false

        @OptionGroup public var data: DataDirectoryOptions

        public init() {}

        public func run() async throws {
            let tokens = try await data.withStore { store, _ in try await store.tokens() }
            if json {
                print(String(decoding: try MimamoriJSON.encode(tokens, pretty: true), as: UTF8.self))
                return
            }
            if tokens.isEmpty {
                print("No tokens yet. Issue one with: mimamori-server token issue --role visitor --name NAME --district D")
                return
            }
            for t in tokens {
                let status = t.revokedAt.map { "revoked \($0.japanTimeDescription) JST" } ?? "active"
                let districts = t.districts.isEmpty ? "-" : t.districts.joined(separator: ",")
                print([t.id, t.role.rawValue, t.name, districts, t.replicaId ?? "-", "issued \(t.createdAt.japanTimeDescription) JST", status]
                    .joined(separator: "\t"))
            }
        }
    }

    public struct Revoke: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Revoke a token: every later request with it is refused with 401.",
            discussion: "Example: mimamori-server token revoke tok-0a1b2c3d4e")

        @Argument(help: ArgumentHelp("The token's id, as `token list` shows it. Example: tok-0a1b2c3d4e", valueName: "id"))
        public var id: String

        @OptionGroup public var data: DataDirectoryOptions

        public init() {}

        public func run() async throws {
            do {
                let info = try await data.withStore { store, _ in try await store.revokeToken(id: id) }
                print("Revoked token \(info.id) (\(info.role.rawValue), \(info.name)).")
            } catch let error as StoreError {
                throw CommandFailure(error.localizedDescription)
            }
        }
    }
}
