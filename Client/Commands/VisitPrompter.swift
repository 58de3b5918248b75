import MimamoriShared

/// Asks a visitor at a terminal for the required fields they left out, one at a time, with numbered choices
/// in Japanese and English, so a visit can be logged without remembering ids. Input and output are injected
/// so the dialogue can be tested.
public struct VisitPrompter {
    public var readLine: () -> String?
    public var write: (String) -> Void

    public init(readLine: @escaping () -> String?, write: @escaping (String) -> Void) {
        self.readLine = readLine
        self.write = write
    }

    /// Fills `subjectId` and `kind` if missing. Returns nil if input ends (Ctrl-D) before they are given.
    public func complete(_ fields: VisitFields, subjects: [SubjectListItem]) -> VisitFields? {
        var fields = fields
        if fields.subjectId == nil {
            let choices = subjects.map { (id: $0.subject.id, text: "\($0.subject.id)  \($0.subject.name)  (\($0.subject.district))") }
            guard let id = choose("訪問先を選んでください / Choose the subject", choices) else { return nil }
            fields.subjectId = id
        }
        if fields.kind == nil {
            let choices = VisitKind.known.map { (id: $0.rawValue, text: $0.choiceDescription) }
            guard let id = choose("訪問の種類を選んでください / Choose the kind of visit", choices) else { return nil }
            fields.kind = VisitKind(rawValue: id)
        }
        return fields
    }

    /// Shows numbered choices and reads a number or an id until one is valid.
    func choose(_ question: String, _ choices: [(id: String, text: String)]) -> String? {
        guard !choices.isEmpty else {
            write("選べる項目がありません / Nothing to choose from (add a subject first: mimamori subject add)")
            return nil
        }
        while true {
            write(question)
            for (i, c) in choices.enumerated() { write("  \(i + 1)) \(c.text)") }
            write("番号を入力 / Enter a number: ")
            guard let line = readLine()?.trimmingCharacters(in: .whitespaces) else { return nil }
            if let n = Int(line), (1...choices.count).contains(n) { return choices[n - 1].id }
            if let c = choices.first(where: { $0.id == line }) { return c.id }
            write("「\(line)」は選べません / '\(line)' is not one of the choices")
        }
    }
}
