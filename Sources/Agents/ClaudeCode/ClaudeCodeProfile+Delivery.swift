/// How a question is put into Claude Code's composer so that it arrives at the model as text,
/// never as a slash command, a shell line (`!`), a file mention (`@path`) or an exit word.
///
/// Facts from Claude Code 2.1.332 (checked against the API stand-in's request log):
/// - a bracketed paste of more than 800 UTF-16 units or more than two line feeds becomes a
///   `[Pasted text #N +L lines]` placeholder and reaches the model as
///   `\n\n<pasted_content id="X">\nTEXT\n</pasted_content id="X">\n`, unaltered, and is never
///   taken as a command — unless its first character is `!`, which switches the composer to
///   shell mode before the paste is looked at;
/// - a shorter paste is the composer's text itself: `/…` runs a slash command, `!…` a shell
///   command, `@path` attaches a file, `exit`/`quit` leave the CLI;
/// - tabs become four spaces and CR LF becomes LF; trailing line feeds are dropped; the
///   composer's own text loses its trailing spaces; inside pasted content `<pasted_content` and
///   `</pasted_content` are escaped as `<\pasted_content` and `<\/pasted_content`.
///
/// So: a question whose first character is a letter or digit, with no `@`, not ending in a
/// space, that is not an exit word goes in as it is (``DeliveryForm/plain``, or ``DeliveryForm/pasted`` when long); any
/// other goes in after three line feeds (``DeliveryForm/guardedPaste``), which makes it a
/// placeholder whose first character is a line feed. Enter is always a separate key.
extension ClaudeCodeProfile {
    /// Words the composer takes as "leave the CLI" when they are the whole input.
    static let exitWords: Set<String> = ["exit", "quit", ":q", ":q!", ":wq", ":wq!"]

    /// The CLI's thresholds for turning a paste into a placeholder.
    static let placeholderCharacters = 800
    static let placeholderLineFeeds = 2

    /// The text as the agent will store it: CR LF and CR as LF, tabs as four spaces (what the
    /// composer does itself), trailing line feeds dropped.
    public static func normalised(_ question: String) -> String {
        var text = question.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\t", with: "    ")
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The form `text` (already normalised) is delivered in.
    public static func deliveryForm(of text: String) -> DeliveryForm {
        let first = text.unicodeScalars.first
        let startsSafely = first.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
        let exitWord = exitWords.contains(text.trimmingCharacters(in: .whitespaces).lowercased())
        // The composer trims trailing spaces of its own text; a placeholder paste keeps them.
        let trailingSpace = text.last.map { $0 == " " } ?? false
        if !startsSafely || text.contains("@") || exitWord || trailingSpace { return .guardedPaste }
        let lineFeeds = text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return text.utf16.count > placeholderCharacters || lineFeeds > placeholderLineFeeds ? .pasted : .plain
    }

    /// One bracketed paste of the question (guarded when needed), a wait until the input box
    /// shows it (at most `enterDelay`), then Enter.
    public func submission(for prompt: String) -> Submission {
        let text = Self.normalised(prompt)
        let form = Self.deliveryForm(of: text)
        let pasted = form == .guardedPaste ? "\n\n\n" + text : text
        return Submission(prompt: prompt, text: pasted, steps: [.paste(pasted), .untilShown(enterDelay), .key(.enter)], form: form)
    }

    /// A slash command the driver itself runs (`/clear`, `/model opus`): pasted as the
    /// composer's text, a wait until the input box shows it (at most `enterDelay`), then Enter.
    public func command(_ line: String) -> Submission {
        Submission(prompt: line, text: line, steps: [.paste(line), .untilShown(enterDelay), .key(.enter)])
    }
}
