/// Zero-padded decimal and hexadecimal text without `String(format:)`, which costs microseconds a call on
/// Linux and sat on the hot path of every date, timestamp and id written.
extension BinaryInteger {
    /// `7.zeroPadded(3)` is "007"; a wider number is left whole.
    public func zeroPadded(_ width: Int, radix: Int = 10) -> String {
        let s = String(self, radix: radix)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
