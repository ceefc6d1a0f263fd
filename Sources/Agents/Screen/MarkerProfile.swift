import Foundation

/// A profile for any terminal program: the question is sent with an instruction to end the
/// answer with a unique marker line. The turn is done when that line appears after the
/// prompt's echo, and the answer is the text between the echo and the marker.
///
/// It knows nothing about the program's screens, so it never reports prompts, pickers,
/// limits or errors: only `busy` (no marker yet), `idle` (marker seen) or `unknown` (no
/// submission to anchor on).
public struct MarkerProfile: AgentProfile {
    public var name: String { "marker" }
    public var settleTime: Duration
    public var completionMarkers: [String] { [] }
    /// A plain program shows no sign of readiness; only the marker after a prompt counts.
    public var detectsReadiness: Bool { false }
    /// Makes a fresh marker for each submission.
    public var makeMarker: @Sendable () -> String

    public init(settleTime: Duration = .milliseconds(500),
                makeMarker: @escaping @Sendable () -> String = MarkerProfile.randomMarker) {
        self.settleTime = settleTime
        self.makeMarker = makeMarker
    }

    /// `ESCALATOR-END-` and 8 random hex digits.
    public static func randomMarker() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16, uppercase: true)
        return "ESCALATOR-END-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The sentence appended to the question. The marker sits in quotes here, so the echo of
    /// the instruction never equals a bare marker line.
    public static func instruction(marker: String) -> String {
        "When you have finished, end your answer with a line containing only \"\(marker)\" (without the quotes)."
    }

    public func submission(for prompt: String) -> Submission {
        let marker = makeMarker()
        let multiLine = prompt.contains("\n") || prompt.contains("\r")
        let text = prompt + (multiLine ? "\n\n" : " ") + Self.instruction(marker: marker)
        let first: InputStep = multiLine ? .paste(text) : .type(text)
        return Submission(prompt: prompt, text: text, steps: [first, .pause(.milliseconds(200)), .key(.enter)],
                          marker: marker)
    }

    public func parse(_ pane: String, after submission: Submission?) -> ScreenState {
        guard let marker = submission?.marker else {
            return ScreenState(kind: .unknown, detail: "no marker to wait for")
        }
        let lines = PaneText.lines(pane)
        let quoted = "\"\(marker)\""
        let echoEnd = lines.lastIndex { $0.contains(quoted) }
        var start = echoEnd.map { $0 + 1 } ?? 0
        if let echoEnd {
            // The echoed instruction may wrap: skip its tail, which ends "(without the quotes).".
            let tail = "(withoutthequotes)."
            var joined = lines[echoEnd].replacingOccurrences(of: " ", with: "")
            var k = echoEnd
            while !joined.contains(tail) && k + 1 < lines.count && k - echoEnd < 6 {
                k += 1
                joined += lines[k].replacingOccurrences(of: " ", with: "")
            }
            if joined.contains(tail) { start = k + 1 }
        }
        guard start <= lines.count,
              let done = lines[start...].firstIndex(where: { Self.isMarkerLine($0, marker) }) else {
            return ScreenState(kind: .busy, detail: "waiting for \(marker)")
        }
        var body = Array(lines[start..<done])
        while let first = body.first, PaneText.trimmed(first).isEmpty { body.removeFirst() }
        while let last = body.last, PaneText.trimmed(last).isEmpty { body.removeLast() }
        let indent = body.filter { !PaneText.trimmed($0).isEmpty }.map(PaneText.indent).min() ?? 0
        let answer = body.map { String($0.dropFirst(min(indent, PaneText.indent($0)))) }.joined(separator: "\n")
        return ScreenState(kind: .idle, answer: answer, detail: "marker \(marker) seen")
    }

    /// A row that holds only the marker, possibly behind a bullet or gutter.
    static func isMarkerLine(_ row: String, _ marker: String) -> Bool {
        var body = Substring(PaneText.trimmed(row))
        if let first = body.first, "●⏺•*>-❯".contains(first), body.dropFirst().first == " " {
            body = body.dropFirst(2)
        }
        return PaneText.trimmed(String(body)) == marker
    }
}
