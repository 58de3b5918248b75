import Foundation
import MimamoriShared

/// The office's tables as CSV, in Shared's one CSV form (`CSV`).
enum CSVWriter {
    static func csv(headers: [String], rows: [[String]]) -> Data { CSV.data(headers: headers, rows: rows) }

    static func cell(_ text: String) -> String { CSV.cell(text) }

    static func csv(_ table: DataTable) -> Data {
        csv(headers: table.headers, rows: table.rows.map { $0.cells.map(\.value) })
    }
}
