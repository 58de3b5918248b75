import Foundation

/// Formats and parses the timestamps of the wire format (`2025-04-01T01:02:03.456Z`) by arithmetic.
/// `Timestamp` uses it because `ISO8601DateFormatter` costs about 300 µs per call on Linux — most of the
/// cost of a push or pull of 1000 versions. `ISO8601MillisecondsTests` checks the two agree.
public enum ISO8601Milliseconds {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
    public static func format(milliseconds: Int64) -> String {
        let (days, msOfDay) = floorDivide(milliseconds, 86_400_000)
        let date = LocalDate(dayNumber: Int(days))
        let ms = Int(msOfDay)
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        var out = ""
        out.reserveCapacity(24)
        out += date.year.zeroPadded(4); out += "-"; out += date.month.zeroPadded(2); out += "-"; out += date.day.zeroPadded(2)
        out += "T"; out += h.zeroPadded(2); out += ":"; out += m.zeroPadded(2); out += ":"; out += s.zeroPadded(2)
        out += "."; out += f.zeroPadded(3); out += "Z"
        return out
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; the fraction is cut to milliseconds.
    /// Nil for anything else (callers may fall back to `ISO8601DateFormatter`).
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `parse(_:)` on UTF-8 bytes (the fast JSON decoder's path: no String is made).
    public static func parse(utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard utf8.count >= 20 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 else { return nil }
                n = n * 10 + Int(utf8[i] - 48)
            }
            return n
        }
        guard let year = digits(0..<4), utf8[4] == UInt8(ascii: "-"), let month = digits(5..<7), utf8[7] == UInt8(ascii: "-"),
            let day = digits(8..<10), utf8[10] == UInt8(ascii: "T"), let hour = digits(11..<13), utf8[13] == UInt8(ascii: ":"),
            let minute = digits(14..<16), utf8[16] == UInt8(ascii: ":"), let second = digits(17..<19),
            let date = LocalDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fraction = 0
        if utf8[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 {
                if i - start < 3 { fraction = fraction * 10 + Int(utf8[i] - 48) }
                i += 1
            }
            guard i > start else { return nil }
            for _ in 0..<max(0, 3 - (i - start)) { fraction *= 10 }
        }
        var offsetMinutes = 0
        guard i < utf8.count else { return nil }
        if utf8[i] == UInt8(ascii: "Z") {
            i += 1
        } else if utf8[i] == UInt8(ascii: "+") || utf8[i] == UInt8(ascii: "-") {
            let sign = utf8[i] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = digits((i + 1)..<(i + 3)), i + 3 < utf8.count, utf8[i + 3] == UInt8(ascii: ":"),
                let om = digits((i + 4)..<(i + 6)), oh < 24, om < 60
            else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else {
            return nil
        }
        guard i == utf8.count else { return nil }
        let seconds = Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(fraction)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
