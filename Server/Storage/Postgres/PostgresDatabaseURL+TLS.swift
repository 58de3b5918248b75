import Foundation
import NIOSSL
import PostgresNIO

/// The PostgresNIO configurations a URL stands for, TLS included: one definition for the store's pool, its
/// first probe and the tests' admin connections.
extension PostgresDatabaseURL {
    /// The TLS settings of `sslmode` (nil for `disable`). A `sslrootcert` file is read here, at start-up, so a
    /// missing or unreadable file is reported before any connection is tried.
    public func tlsConfiguration() throws -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .require:
            tls.certificateVerification = .none
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            if let path = sslRootCertificate {
                let certificates: [NIOSSLCertificate]
                do {
                    certificates = try NIOSSLCertificate.fromPEMFile(path)
                } catch {
                    throw Invalid(message: "sslrootcert: cannot read the certificates in '\(path)' (\(error)); give a readable PEM file of the authorities that signed the server's certificate")
                }
                guard !certificates.isEmpty else {
                    throw Invalid(message: "sslrootcert: '\(path)' holds no PEM certificate; give a PEM file of the authorities that signed the server's certificate")
                }
                tls.trustRoots = .certificates(certificates)
            }
        }
        return tls
    }

    /// The configuration of a `PostgresClient` (a pool) to this database.
    public func clientConfiguration() throws -> PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database,
                                     tls: try tlsConfiguration().map { .require($0) } ?? .disable)
    }

    /// The configuration of one `PostgresConnection` to this database.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let configuration = try tlsConfiguration() {
            do {
                tls = .require(try NIOSSLContext(configuration: configuration))
            } catch {
                throw Invalid(message: "sslmode=\(sslMode.rawValue): the TLS settings could not be prepared (\(error))")
            }
        } else {
            tls = .disable
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                database: database, tls: tls)
    }
}
