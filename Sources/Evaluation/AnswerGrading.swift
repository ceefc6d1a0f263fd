import Foundation

/// Automatic grading of a model's free-text answer against a dataset's `gold`: GSM8K-style
/// numbers (the final number of the answer) and MMLU-style letters (A-D). Pure functions.
public enum AnswerGrading {
    /// How an item is graded, chosen from its gold answer.
    public enum Kind: String, Sendable, Equatable {
        /// Gold is a number: the answer's final number must equal it.
        case number
        /// Gold is one of the letters A-D: the answer's chosen letter must equal it.
        case letter
    }

    /// The kind of grading `gold` calls for, or nil when it is neither a number nor a letter A-D.
    public static func kind(ofGold gold: String) -> Kind? {
        let trimmed = gold.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 1, "ABCDabcd".contains(trimmed) { return .letter }
        if normalizedNumber(trimmed) != nil { return .number }
        return nil
    }

    /// True when `answer` is correct for `gold`; nil when `gold` cannot be graded automatically.
    public static func grade(answer: String, gold: String) -> Bool? {
        switch kind(ofGold: gold) {
        case .letter?:
            return choiceLetter(in: answer) == gold.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        case .number?:
            guard let expected = normalizedNumber(gold), let given = finalNumber(in: answer) else { return false }
            return given == expected
        case nil:
            return nil
        }
    }

    // MARK: Numbers

    /// The final number of a GSM8K-style answer, normalised (no thousands separators, no
    /// trailing zeros): the number after the last `####` if there is one, else the number after
    /// the last "answer is"/"answer:", else the last number in the text. Nil when there is none.
    public static func finalNumber(in text: String) -> String? {
        if let range = text.range(of: "####", options: .backwards) {
            return numbers(in: String(text[range.upperBound...])).first.flatMap(normalizedNumber)
        }
        let lower = text.lowercased()
        for marker in ["answer is", "answer:"] {
            if let range = lower.range(of: marker, options: .backwards),
               let first = numbers(in: String(lower[range.upperBound...])).first {
                return normalizedNumber(first)
            }
        }
        return numbers(in: text).last.flatMap(normalizedNumber)
    }

    /// The numbers in `text` in order, as written (`-1,234.50`); a sentence's final period is
    /// not part of a number.
    public static func numbers(in text: String) -> [String] {
        var found: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsNumber = c.isASCII && c.isNumber
                || (c == "-" && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber
                    && (i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)))
            guard startsNumber else { i += 1; continue }
            var j = i + 1
            while j < chars.count {
                let d = chars[j]
                if d.isASCII && d.isNumber { j += 1; continue }
                // A comma or period continues the number only when a digit follows it.
                if (d == "," || d == "."), j + 1 < chars.count, chars[j + 1].isASCII, chars[j + 1].isNumber { j += 1; continue }
                break
            }
            found.append(String(chars[i..<j]))
            i = j
        }
        return found
    }

    /// `text` as a canonical number string: `1,234` → `1234`, `18.00` → `18`, `$5` → `5`,
    /// `0.50` → `0.5`; nil when it is not a number.
    public static func normalizedNumber(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        t = t.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "$", with: "")
        while t.hasSuffix(".") { t.removeLast() }
        guard !t.isEmpty, let value = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")),
              t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
        var canonical = "\(value)"
        if canonical == "-0" { canonical = "0" }
        return canonical
    }

    // MARK: Letters

    /// The option letter (A-D, uppercased) an MMLU-style answer chooses: `(B)`, `B.`, `B)`,
    /// `Answer: c`, `The answer is B`, or a lone letter. The first clear choice wins; nil when
    /// the answer names no option.
    public static func choiceLetter(in text: String) -> String? {
        let chars = Array(text)
        func isOption(_ c: Character) -> Bool { "ABCDabcd".contains(c) }
        func isWordChar(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        // 1. After an "answer is" / "answer:" marker.
        let lower = text.lowercased()
        for marker in ["answer is", "answer:", "answer -", "option"] {
            if let range = lower.range(of: marker) {
                var rest = Array(lower[range.upperBound...])
                while let first = rest.first, first == " " || first == "(" || first == "*" || first == ":" { rest.removeFirst() }
                if let first = rest.first, isOption(first), rest.count == 1 || !(rest[1].isLetter || rest[1].isNumber) {
                    return String(first).uppercased()
                }
            }
        }
        // 2. A bracketed or punctuated letter at a word start: (B), B., B), B:
        for i in chars.indices where isOption(chars[i]) && !isWordChar(i - 1) {
            if i > 0, chars[i - 1] == "(", i + 1 < chars.count, chars[i + 1] == ")" { return String(chars[i]).uppercased() }
            if chars[i].isUppercase, i + 1 < chars.count, ".):".contains(chars[i + 1]) { return String(chars[i]) }
        }
        // 3. A lone letter (the whole answer, ignoring punctuation).
        let stripped = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        if stripped.count == 1, let c = stripped.first, isOption(c) { return String(c).uppercased() }
        // 4. An uppercase A-D standing alone as a word ("I pick B").
        for i in chars.indices where "ABCD".contains(chars[i]) && !isWordChar(i - 1) && !isWordChar(i + 1) {
            if chars[i] == "A", i + 1 < chars.count, chars[i + 1] == " ", i + 2 < chars.count, chars[i + 2].isLowercase { continue }  // the article "A"
            return String(chars[i])
        }
        return nil
    }
}
