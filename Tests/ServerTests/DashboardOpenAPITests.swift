import Foundation
@testable import MimamoriServer
import MimamoriShared
import Testing

/// The dashboard's endpoints and the JSON behind its pages are in docs/openapi.yaml, field for field.
@Suite("OpenAPI document: dashboard")
struct DashboardOpenAPITests {
    @Test("the session, page, JSON, CSV and style-sheet endpoints are documented")
    func paths() {
        for path in ["/", "/login", "/logout", "/dashboard", "/dashboard.json", "/csv/{table}.csv", DashboardStyle.path] {
            #expect(OpenAPITests.document.contains("\n  \(path):\n"), "\(path) missing")
        }
        #expect(OpenAPITests.document.contains("name: \(DashboardController.cookieName)"))
        for table in DashboardController.coordinatorTables + DashboardController.officeOnlyTables {
            #expect(OpenAPITests.document.contains(table))
        }
    }

    @Test("every field of the page's JSON is a property of its schema")
    func fields() async throws {
        let fixture = try await DashboardFixture()
        let controller = DashboardController(store: fixture.store, configuration: fixture.configuration,
                                             sessions: DashboardSessions(store: fixture.store, lifetime: 1),
                                             throttle: SignInThrottle(baseDelay: .zero, maxDelay: .zero))
        let page = try await controller.build(for: fixture.office.info, query: [], format: .json)
        let types: [(String, Any)] = [
            ("DashboardPage", page), ("FiscalYearOption", page.fiscalYearOptions[0]), ("DistrictName", page.districts[0]),
            ("IndicatorCard", page.indicators[0]), ("SVGChart", page.trendChart), ("DataTable", page.tables[0]),
            ("TableRow", page.tables[0].rows[0]), ("TableColumn", page.tables[0].columns[0]), ("TableCell", page.tables[0].rows[0].cells[0]),
        ]
        for (name, value) in types {
            let schema = OpenAPITests.schema(name)
            #expect(!schema.isEmpty, "schema \(name) missing")
            for field in OpenAPITests.fields(of: value) {
                #expect(schema.components(separatedBy: "\n").contains { $0.hasPrefix("        \(field):") },
                        "\(name).\(field) is not a property in docs/openapi.yaml")
            }
        }
    }
}
