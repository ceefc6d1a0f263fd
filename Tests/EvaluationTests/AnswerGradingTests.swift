import Testing
@testable import Evaluation

/// Grading of hand-made answers: GSM8K final numbers and MMLU option letters.
@Suite struct AnswerGradingTests {
    @Test(arguments: [
        ("The answer is 42.", "42"),
        ("#### 1,234", "1234"),
        ("She makes 9 * $2 = $18 every day.\n#### 18", "18"),
        ("First 3 + 4 = 7, then 16 - 7 = 9. So 9 * 2 = 18 dollars.", "18"),
        ("The answer is 42. I checked it 3 times.", "42"),
        ("Answer: -5", "-5"),
        ("It costs $1,000.50 in total.", "1000.5"),
        ("18.00", "18"),
    ])
    func finalNumber(text: String, expected: String) {
        #expect(AnswerGrading.finalNumber(in: text) == expected)
    }

    @Test func noNumber() {
        #expect(AnswerGrading.finalNumber(in: "I don't know.") == nil)
        #expect(AnswerGrading.grade(answer: "I don't know.", gold: "42") == false)
    }

    @Test func numbersKeepSeparatorsOnlyBetweenDigits() {
        #expect(AnswerGrading.numbers(in: "1,234 apples, 5. Then 6.5") == ["1,234", "5", "6.5"])
        #expect(AnswerGrading.numbers(in: "x-3 and -4") == ["3", "-4"])
    }

    @Test(arguments: [
        ("(B)", "B"),
        ("Answer: c", "C"),
        ("The answer is D.", "D"),
        ("B. 4", "B"),
        ("a", "A"),
        ("I think it is C because the field has degree 4", "C"),
        ("A field extension of degree 4, so (B)", "B"),
    ])
    func choiceLetter(text: String, expected: String) {
        #expect(AnswerGrading.choiceLetter(in: text) == expected)
    }

    @Test func noLetter() {
        #expect(AnswerGrading.choiceLetter(in: "It is a field extension.") == nil)
    }

    @Test func gradeByGoldKind() {
        #expect(AnswerGrading.kind(ofGold: "540") == .number)
        #expect(AnswerGrading.kind(ofGold: "b") == .letter)
        #expect(AnswerGrading.kind(ofGold: "a long essay") == nil)
        #expect(AnswerGrading.grade(answer: "The answer is 42.", gold: "42") == true)
        #expect(AnswerGrading.grade(answer: "The answer is 41.", gold: "42") == false)
        #expect(AnswerGrading.grade(answer: "#### 1,234", gold: "1234") == true)
        #expect(AnswerGrading.grade(answer: "(B)", gold: "B") == true)
        #expect(AnswerGrading.grade(answer: "Answer: c", gold: "C") == true)
        #expect(AnswerGrading.grade(answer: "Answer: c", gold: "D") == false)
        #expect(AnswerGrading.grade(answer: "anything", gold: "an essay") == nil)
    }

    /// The gold number comes from a response graded correct, preferring GSM8K's `####` format.
    @Test func gsm8kGoldFromResponses() {
        let weak = "So 9 * 2 = 18.\n#### 18"
        let strong = "She makes $18 every day."
        #expect(RouteLLMImporter.gsm8kGold(responses: [weak, strong], correct: [1, 1]) == "18")
        #expect(RouteLLMImporter.gsm8kGold(responses: ["#### 17", strong], correct: [0, 1]) == "18")
        #expect(RouteLLMImporter.gsm8kGold(responses: [weak, strong], correct: [0, 0]) == nil)
        #expect(RouteLLMImporter.gsm8kGold(responses: [nil, nil], correct: [1, 1]) == nil)
    }
}
