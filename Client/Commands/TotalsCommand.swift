import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori totals` — 見守り訪問活動件数 from local counters or from the server.
public struct TotalsCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.totals.configuration("totals") }
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    @Option(help: ArgumentHelp(Localization.help.totalsFY)) public var fy: Int?
    @Flag(help: ArgumentHelp(Localization.help.totalsServer)) public var server = false
    public init() {}

    public func validate() throws {
        if let fy, !FiscalYear.supportedYears.contains(fy) {
            throw ValidationError(Localization.strings.badFiscalYear(fy))
        }
    }

    public func run() async throws {
        let config = global.configuration
        // The office's figures need the (sealed) token; the laptop's own counts do not.
        let db = try server ? config.openDatabase() : config.openDatabaseKeyOptional()
        let year = FiscalYear(fy ?? FiscalYear(containing: .today()).year)
        let report: TotalsReport
        if server {
            guard let s = try db.serverSettings() else { throw ClientError.notLoggedIn }
            let transport = HTTPTransport(baseURL: s.url, token: s.token, replicaId: s.replicaId)
            do {
                report = try await transport.totals(fiscalYear: year.year, language: config.language)
                await transport.shutdown()
            } catch {
                await transport.shutdown()
                throw error
            }
        } else {
            report = try db.localTotals(fiscalYear: year, language: config.language)
        }
        if output.json { return try Output.json(report) }
        TotalsCommand.text(report, language: config.language, fromServer: server).forEach { print($0) }
    }

    /// The lines `totals` prints for a report, the server's (`--server`) or this laptop's.
    public static func text(_ r: TotalsReport, language: Language, fromServer: Bool) -> [String] {
        let t = language.strings
        var lines = ["\(r.label) \(r.wareki) — \(t.label(fromServer ? .serverTotals : .deviceTotals)), \(t.label(.asOf)) \(r.asOf)"]
        for i in r.indicators {
            var line = "\(i.name): \(i.count)"
            if let target = i.annualTarget, let p = i.proratedTarget {
                let pct = p > 0 ? String(format: "%.1f%%", Double(i.count) * 100 / Double(p)) : "-"
                line += t.indicatorTarget(annual: target, prorated: p, percent: pct)
            }
            line += t.sameLastYear(i.lastYearSamePeriod)
            lines.append(line)
        }
        if let p = r.programs {
            // The plan line always (the target means something before the first plan); 日常生活自立支援事業 when any.
            if let created = p.plansCreated, let replans = p.replans, let closed = p.plansClosed {
                lines.append(t.outreachPlans(created: created, replans: replans, target: p.planAnnualTarget, closed: closed))
            } else {
                lines.append(t.outreachPlansLocked(target: p.planAnnualTarget))
            }
            if p.nichijiCheckins > 0 { lines.append(t.nichijiCheckins(p.nichijiCheckins, holders: p.nichijiHolders)) }
        }
        lines.append(t.label(.byMonth))
        for row in r.byMonth where row.all > 0 { lines.append("  \(row.key)  \(row.all) / \(row.official) / \(row.broad)") }
        lines.append(t.label(.byKind))
        for row in r.byKind where row.all > 0 { lines.append("  \(row.label)  \(row.all)") }
        return lines
    }
}
