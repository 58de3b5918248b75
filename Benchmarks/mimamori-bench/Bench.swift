import Foundation

@main
struct MimamoriBench {
    static func main() async throws {
        print("benchmarks: not yet wired")
    }
}
