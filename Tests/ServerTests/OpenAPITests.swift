import Foundation
import MimamoriServer
import MimamoriShared
import Testing

/// docs/openapi.yaml is written by hand; these checks keep it from drifting from the Codable wire types.
@Suite("OpenAPI document")
struct OpenAPITests {
    static let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)) ?? ""
    }()

    /// The property names a value encodes, as the document must list them.
    static func fields(of value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label)
    }

    /// The lines of one schema under `components.schemas`.
    static func schema(_ name: String) -> String {
        let lines = document.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "    \(name):") else { return "" }
        let rest = lines[(start + 1)...].prefix { $0.hasPrefix("      ") || $0.isEmpty }
        return rest.joined(separator: "\n")
    }

    @Test("the document is OpenAPI 3.1 and lists every path of the API")
    func paths() {
        #expect(Self.document.hasPrefix("openapi: 3.1"))
        for path in [API.healthPath, API.pushPath, API.changesPath, API.totalsPath, "/v1/tokens"] {
            #expect(Self.document.contains("\n  \(path):\n"), "\(path) missing")
        }
        #expect(Self.document.contains("name: \(API.replicaHeader)"))
        #expect(Self.document.contains("- name: \(API.typesParameter)\n          in: query"))
        #expect(Self.document.contains("maxItems: \(API.maxBatchSize)"))
        #expect(Self.document.contains("maximum: \(API.maxPageSize)"))
        #expect(Self.document.contains("default: \(API.defaultPageSize)"))
    }

    static let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)

    static let wireTypes: [(String, [String])] = [
        ("PushRequest", PushRequest.CodingKeys.allCases.map(\.stringValue)),
        ("Version", Version.CodingKeys.allCases.map(\.stringValue)),
        ("Visit", Visit.CodingKeys.allCases.map(\.stringValue)),
        ("Subject", Subject.CodingKeys.allCases.map(\.stringValue)),
        ("Activity", Activity.CodingKeys.allCases.map(\.stringValue)),
        ("PushResult", fields(of: PushResult(documentId: "d", dot: v.dot, outcome: .new))),
        ("PushResponse", fields(of: PushResponse(batchId: "b", epoch: "e", results: []))),
        ("ChangesResponse", fields(of: ChangesResponse(epoch: "e", changes: [], nextSince: 0, hasMore: false))),
        ("DocumentChange", fields(of: DocumentChange(sequence: 1, documentId: "d", type: .visit, versions: []))),
        ("HealthResponse", fields(of: HealthResponse(epoch: "e"))),
        ("Dot", fields(of: v.dot)),
        ("TotalsReport", fields(of: TotalsReport.make(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-06-01")!, counters: [:]))),
        ("IndicatorTotal", fields(of: TotalsReport.make(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-06-01")!, counters: [:]).indicators[0])),
        ("ProgramTotals", fields(of: ProgramTotals(planEvents: [:], nichijiCheckins: 0, nichijiHolders: 0))),
        ("BreakdownRow", fields(of: TotalsReport.make(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-06-01")!, counters: [:]).byMonth[0])),
        ("TokenInfo", fields(of: TokenInfo(id: "t", role: .admin, name: "n", districts: [], replicaId: nil, createdAt: .now(), revokedAt: nil))),
    ]

    @Test("every field of every wire type is a property of its schema", arguments: wireTypes.map(\.0))
    func fields(type: String) {
        let fields = Self.wireTypes.first { $0.0 == type }!.1
        let schema = Self.schema(type)
        #expect(!schema.isEmpty, "schema \(type) missing")
        #expect(!fields.isEmpty)
        for field in fields {
            let declared = schema.components(separatedBy: "\n").contains { $0.hasPrefix("        \(field):") }
            #expect(declared, "\(type).\(field) is not a property in docs/openapi.yaml")
        }
    }

    @Test("the limits the server enforces are the ones the document states")
    func limits() {
        for (schema, limit) in [("IdText", Limits.idText), ("NameText", Limits.name), ("NoteText", Limits.note)] {
            let text = Self.schema(schema)
            #expect(text.contains("maxLength: \(limit.characters)"), "\(schema)")
            #expect(text.contains("x-max-utf8-bytes: \(limit.bytes)"), "\(schema)")
        }
        #expect(Self.schema("CodeList").contains("maxItems: \(Limits.codesPerList)"))
        #expect(Self.schema("Activity").contains("minimum: \(Limits.activityCount.lowerBound), maximum: \(Limits.activityCount.upperBound)"))
        #expect(Self.schema("DocumentType").contains("enum: [\(DocumentType.allCases.map(\.rawValue).joined(separator: ", "))]"))
        #expect(Self.schema("Code").contains("{1,\(CodeID.maxLength)}"))
        #expect(Self.schema("VersionVector").contains("maxProperties: \(Limits.vectorEntries)"))
        #expect(Self.document.contains("\(FiscalYear.supportedYears.lowerBound)-04-01 to \(FiscalYear.supportedYears.upperBound + 1)-03-31"))
        for status in ["405", "409", "415"] {
            #expect(Self.document.contains(status), "status \(status) undocumented")
        }
    }

    @Test("every rejection code and push outcome is documented")
    func codes() {
        for code in RejectionCode.allCases {
            #expect(Self.schema("PushResult").contains(code.rawValue))
        }
        for outcome in [PushOutcome.new, .known, .conflict, .rejected] {
            #expect(Self.schema("PushResult").contains(outcome.rawValue))
        }
    }
}
