import Foundation

/// A chart as geometry, drawn on the server: the template turns it into inline SVG element by element
/// (every attribute escaped), so the figures are there without JavaScript and print as vectors.
public struct SVGChart: Codable, Sendable, Hashable {
    public let id: String
    public let title: String
    /// The chart in one sentence, for screen readers and for anyone who cannot see it.
    public let summary: String
    public let width: Int
    public let height: Int
    public let plot: Frame
    public let gridLines: [GridLine]
    public let xLabels: [AxisLabel]
    public let bars: [Bar]
    public let lines: [Line]
    public let legend: [LegendEntry]

    public struct Frame: Codable, Sendable, Hashable { public let x, y, width, height: Double; public let bottom: Double; public let right: Double }
    public struct GridLine: Codable, Sendable, Hashable { public let y: Double; public let label: String; public let labelY: Double }
    public struct AxisLabel: Codable, Sendable, Hashable { public let x: Double; public let y: Double; public let label: String }
    public struct Bar: Codable, Sendable, Hashable {
        public let x, y, width, height: Double
        public let style: String
        /// Shown as the SVG <title>: "5月 今年度 4,912件".
        public let label: String
    }
    public struct Line: Codable, Sendable, Hashable {
        public let points: String
        public let style: String
        public let label: String
        public let dots: [Dot]
    }
    public struct Dot: Codable, Sendable, Hashable { public let x, y: Double; public let label: String }
    public struct LegendEntry: Codable, Sendable, Hashable {
        public let x: Double; public let y: Double; public let textX: Double; public let textY: Double
        public let style: String; public let label: String; public let isLine: Bool
    }
}

/// Builds the three charts of a page from plain numbers.
struct ChartBuilder {
    let id: String
    let title: String
    var width = 720
    var height = 280
    let left = 78.0, right = 16.0, top = 36.0, bottom = 34.0

    var plotWidth: Double { Double(width) - left - right }
    var plotHeight: Double { Double(height) - top - bottom }

    /// A round scale maximum and the step between grid lines for values up to `max`.
    static func scale(_ max: Int) -> (top: Int, step: Int) {
        let m = Swift.max(max, 1)
        var magnitude = 1
        while magnitude * 10 <= m { magnitude *= 10 }
        for factor in [1, 2, 5, 10] where magnitude * factor * 5 >= m {
            let step = magnitude * factor
            return (step * Int((Double(m) / Double(step)).rounded(.up)), step)
        }
        return (magnitude * 10 * 5, magnitude * 10)
    }

    func y(_ value: Int, top scaleTop: Int) -> Double {
        (top + plotHeight - plotHeight * Double(value) / Double(scaleTop) * 1).rounded(to: 1)
    }

    func grid(top scaleTop: Int, step: Int) -> [SVGChart.GridLine] {
        stride(from: 0, through: scaleTop, by: step).map { v in
            let y = y(v, top: scaleTop)
            return SVGChart.GridLine(y: y, label: JapaneseFormat.number(v), labelY: y + 4)
        }
    }

    func frame() -> SVGChart.Frame {
        SVGChart.Frame(x: left, y: top, width: plotWidth, height: plotHeight, bottom: top + plotHeight, right: left + plotWidth)
    }

    func legend(_ entries: [(style: String, label: String, isLine: Bool)]) -> [SVGChart.LegendEntry] {
        var x = left
        return entries.map { e in
            defer { x += Double(e.label.count) * 13 + 40 }
            return SVGChart.LegendEntry(x: x, y: 14, textX: x + 26, textY: 22, style: e.style, label: e.label, isLine: e.isLine)
        }
    }

    /// Cumulative visits month by month against the pro-rated target line and last year's cumulative.
    func cumulative(monthLabels: [String], thisYear: [Int], lastYear: [Int], monthsElapsed: Int, annualTarget: Int?,
                    summary: String) -> SVGChart {
        func running(_ xs: [Int]) -> [Int] { var s = 0; return xs.map { s += $0; return s } }
        let this = Array(running(thisYear).prefix(max(monthsElapsed, 0)))
        let last = running(lastYear)
        let targetPoints = (0...12).map { m in annualTarget.map { Int((Double($0) * Double(m) / 12).rounded()) } ?? 0 }
        let (scaleTop, step) = Self.scale(max(this.max() ?? 0, last.max() ?? 0, annualTarget ?? 0))
        let slot = plotWidth / 12
        func x(_ month: Int) -> Double { (left + slot * Double(month)).rounded(to: 1) }
        func line(_ values: [Int], startAtZero: Bool, style: String, label: String, dotLabel: (Int, Int) -> String) -> SVGChart.Line {
            let offset = startAtZero ? 0 : 1
            var coords = startAtZero ? [] : [(x(0), y(0, top: scaleTop))]
            var dots: [SVGChart.Dot] = []
            for (i, v) in values.enumerated() {
                let p = (x(i + offset), y(v, top: scaleTop))
                coords.append(p)
                if !startAtZero { dots.append(SVGChart.Dot(x: p.0, y: p.1, label: dotLabel(i, v))) }
            }
            return SVGChart.Line(points: coords.map { "\($0.0.formatted1),\($0.1.formatted1)" }.joined(separator: " "),
                                 style: style, label: label, dots: dots)
        }
        var lines: [SVGChart.Line] = []
        var legendEntries: [(String, String, Bool)] = []
        if annualTarget != nil {
            lines.append(line(targetPoints, startAtZero: true, style: "target", label: "按分目標") { _, _ in "" })
            legendEntries.append(("target", "按分目標", true))
        }
        lines.append(line(last, startAtZero: false, style: "last", label: "前年度累計") { i, v in "\(monthLabels[i]) 前年度累計 \(JapaneseFormat.count(v))" })
        legendEntries.append(("last", "前年度累計", true))
        lines.append(line(this, startAtZero: false, style: "this", label: "今年度累計") { i, v in "\(monthLabels[i]) 今年度累計 \(JapaneseFormat.count(v))" })
        legendEntries.append(("this", "今年度累計", true))
        let labels = monthLabels.enumerated().map { i, l in
            SVGChart.AxisLabel(x: (left + slot * Double(i + 1)).rounded(to: 1), y: Double(height) - 12, label: l)
        }
        return SVGChart(id: id, title: title, summary: summary, width: width, height: height, plot: frame(),
                        gridLines: grid(top: scaleTop, step: step), xLabels: labels, bars: [], lines: lines,
                        legend: legend(legendEntries))
    }

    /// Paired bars per category (this year and last, or official and broad), with an optional target line.
    func pairedBars(categories: [String], first: [Int], second: [Int], firstLabel: String, secondLabel: String,
                    targets: [Int?] = [], targetLabel: String = "", summary: String) -> SVGChart {
        let (scaleTop, step) = Self.scale(max(first.max() ?? 0, second.max() ?? 0, targets.compactMap { $0 }.max() ?? 0))
        let slot = plotWidth / Double(max(categories.count, 1))
        let barWidth = (slot * 0.36).rounded(to: 1)
        var bars: [SVGChart.Bar] = []
        for (i, name) in categories.enumerated() {
            let x0 = left + slot * Double(i) + slot * 0.12
            for (j, (values, style, label)) in [(second, "second", secondLabel), (first, "first", firstLabel)].enumerated() {
                let v = i < values.count ? values[i] : 0
                let y = y(v, top: scaleTop)
                bars.append(SVGChart.Bar(x: (x0 + Double(j) * barWidth).rounded(to: 1), y: y, width: barWidth,
                                         height: (top + plotHeight - y).rounded(to: 1), style: style,
                                         label: "\(name) \(label) \(JapaneseFormat.count(v))"))
            }
        }
        var lines: [SVGChart.Line] = []
        var legendEntries: [(String, String, Bool)] = [("first", firstLabel, false), ("second", secondLabel, false)]
        let targetPoints = targets.enumerated().compactMap { i, t in
            t.map { (x: (left + slot * (Double(i) + 0.5)).rounded(to: 1), y: y($0, top: scaleTop), v: $0, name: categories[i]) }
        }
        if !targetPoints.isEmpty {
            lines.append(SVGChart.Line(points: targetPoints.map { "\($0.x.formatted1),\($0.y.formatted1)" }.joined(separator: " "),
                                       style: "target", label: targetLabel,
                                       dots: targetPoints.map { SVGChart.Dot(x: $0.x, y: $0.y, label: "\($0.name) \(targetLabel) \(JapaneseFormat.count($0.v))") }))
            legendEntries.append(("target", targetLabel, true))
        }
        let labels = categories.enumerated().map { i, l in
            SVGChart.AxisLabel(x: (left + slot * (Double(i) + 0.5)).rounded(to: 1), y: Double(height) - 12, label: l)
        }
        return SVGChart(id: id, title: title, summary: summary, width: width, height: height, plot: frame(),
                        gridLines: grid(top: scaleTop, step: step), xLabels: labels, bars: bars, lines: lines,
                        legend: legend(legendEntries))
    }
}

extension Double {
    func rounded(to places: Int) -> Double {
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }

    /// "123.4" — SVG coordinates with one decimal, never in exponent form.
    var formatted1: String {
        let tenths = Int((self * 10).rounded())
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
