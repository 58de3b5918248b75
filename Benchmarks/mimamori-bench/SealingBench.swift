import Crypto
import Foundation
import MimamoriShared

/// `--sealing`: what sealing and opening one pulled visit's JSON costs with each AEAD swift-crypto offers, on this
/// machine, in CPU time of this thread (other builds and benchmarks on the machine do not count). Nonces are made
/// before the clock, as the laptop draws a group's nonces with one call.
enum SealingBench {
    static func run() throws {
        let plain = VersionJSON.encode(Workload.visit(1))
        let ad = Data("mimamori version.json".utf8)
        let key = SymmetricKey(size: .bits256)
        let n = 200_000
        let gcmNonces = (0..<n).map { _ in AES.GCM.Nonce() }
        let chachaNonces = (0..<n).map { _ in ChaChaPoly.Nonce() }
        var sink = 0
        func threadCPU() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        func time(_ label: String, _ body: (Int) throws -> Int) rethrows {
            for i in 0..<1000 { sink &+= try body(i) }
            let start = threadCPU()
            for i in 0..<n { sink &+= try body(i) }
            print(String(format: "%@ (%d bytes): %.2f µs CPU", label, plain.count, (threadCPU() - start) * 1e6 / Double(n)))
        }
        let chacha = try ChaChaPoly.seal(plain, using: key, authenticating: ad).combined
        guard let gcm = try AES.GCM.seal(plain, using: key, authenticating: ad).combined else { throw BenchFailure("no combined box") }
        try time("ChaChaPoly seal") { try ChaChaPoly.seal(plain, using: key, nonce: chachaNonces[$0], authenticating: ad).combined.count }
        try time("ChaChaPoly open") { _ in try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: chacha), using: key, authenticating: ad).count }
        try time("AES.GCM seal") { try AES.GCM.seal(plain, using: key, nonce: gcmNonces[$0], authenticating: ad).combined?.count ?? 0 }
        try time("AES.GCM open") { _ in try AES.GCM.open(AES.GCM.SealedBox(combined: gcm), using: key, authenticating: ad).count }
        if sink == 42 { print("") }
    }
}
