import Foundation
import Hummingbird
import NIOCore

/// The dashboard's request context: Hummingbird's core storage and the client's address, by which
/// sign-in failures are slowed down.
public struct DashboardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Sign-in forms are tiny; nothing bigger is accepted.
    public var maxUploadSize: Int { 16 * 1024 }

    /// The client's IP address, or "unknown" (in-process tests).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
