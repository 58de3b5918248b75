import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Pull page bodies: the cursor their end announces")
struct PageBodyTests {
    func page(nextSince: Int64, hasMore: Bool) -> Data {
        MimamoriJSON.encodeChanges(ChangesResponse(epoch: "e1", changes: [], nextSince: nextSince, hasMore: hasMore))
    }

    @Test("a page saying there are more announces its nextSince; reading it gives the same")
    func announces() throws {
        let body = PageBody(bytes: page(nextSince: 123_456, hasMore: true))
        #expect(body.announcedNextSince == 123_456)
        #expect(try body.read().page.nextSince == 123_456)
        #expect(PageBody(bytes: page(nextSince: 7, hasMore: true) + Data(" \n".utf8)).announcedNextSince == 7)
    }

    @Test("a last page, another key order, or bytes that do not end as a page announce nothing",
          arguments: [
            #"{"changes":[],"epoch":"e1","hasMore":false,"nextSince":5}"#,
            #"{"changes":[],"epoch":"e1","nextSince":5,"hasMore":true}"#,
            #"{"changes":[],"epoch":"e1","hasMore":true,"nextSince":5}x"#,
            #"{"changes":[],"epoch":"e1","hasMore":true,"nextSince":-5}"#,
            #"{"changes":[],"epoch":"e1","hasMore":true,"nextSince":}"#,
            #"{"changes":[],"epoch":"e1","hasMore":true,"nextSince":12345678901234567890}"#,
            #""hasMore":true,"nextSince":5}"#,
            "",
          ])
    func announcesNothing(text: String) {
        #expect(PageBody(bytes: Data(text.utf8)).announcedNextSince == nil)
    }

    @Test("a body that is not a page is refused when read, naming the problem")
    func badBody() {
        #expect(throws: ClientError.self) { try PageBody(bytes: Data(#"{"changes":[],"hasMore":true,"nextSince":5}"#.utf8)).read() }
    }
}
