import Testing
@testable import LlamaClient

@Suite struct ServerSentEventParserTests {
    let stream = Array(": keep-alive\n\ndata: {\"a\":1}\n\nevent: note\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n".utf8)
    let expected = [ServerSentEvent(data: "{\"a\":1}"), ServerSentEvent(event: "note", data: "line1\nline2"), ServerSentEvent(data: "[DONE]")]

    @Test func wholeStreamAtOnce() {
        var p = ServerSentEventParser()
        #expect(p.feed(stream) == expected)
        #expect(p.finish() == nil)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        for cut in 0...stream.count {
            var p = ServerSentEventParser()
            let events = p.feed(stream[..<cut]) + p.feed(stream[cut...])
            #expect(events == expected, "split at \(cut)")
        }
    }

    @Test func byteAtATime() {
        var p = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for b in stream { events += p.feed([b]) }
        #expect(events == expected)
    }

    @Test func crlfAndCrLineEnds() {
        var p = ServerSentEventParser()
        #expect(p.feed(Array("data: x\r\n\r\ndata: y\r\rdata:z\n\n".utf8)) == [.init(data: "x"), .init(data: "y"), .init(data: "z")])
    }

    @Test func unterminatedLastEventIsFlushedByFinish() {
        var p = ServerSentEventParser()
        #expect(p.feed(Array("data: tail".utf8)).isEmpty)
        #expect(p.finish() == ServerSentEvent(data: "tail"))
    }
}
