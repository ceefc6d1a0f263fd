import Testing
@testable import Routing

@Suite struct PromptTemplateTests {
    let text = """
    <!--
    documentation that must disappear
    -->
    <!-- section: prefix -->
    Intro line here.
    Q: {{question}}

    <!-- section: digit-scale -->
    Rate 1-9: 
    <!-- section: answer -->
    A: {{question}}?
    """

    @Test func rendersPrefixThenSectionWithPlaceholders() throws {
        let t = try PromptTemplate(text: text)
        #expect(try t.render("digit-scale", question: "why?") == "Intro line here.\nQ: why?\n\nRate 1-9: ")
        #expect(try t.render("answer", question: "x") == "Intro line here.\nQ: x\n\nA: x?")
    }

    @Test func assessmentAndAnswerShareThePrefix() throws {
        let t = try PromptTemplate(text: text)
        let a = try t.render("digit-scale", question: "What is 2+2?")
        let b = try t.render("answer", question: "What is 2+2?")
        let common = zip(a, b).prefix { $0 == $1 }.count
        #expect(common >= "Intro line here.\nQ: What is 2+2?\n\n".count)
    }

    @Test func commentsAreRemovedButNotSectionMarkers() throws {
        let t = try PromptTemplate(text: text)
        #expect(!t.sections.values.contains { $0.contains("documentation") })
        #expect(Set(t.sections.keys) == ["prefix", "digit-scale", "answer"])
    }

    @Test func missingRequiredSectionIsAnError() {
        #expect(throws: RoutingError.self) { try PromptTemplate(text: "<!-- section: prefix -->\nQ") }
    }

    @Test func unknownSectionIsAnErrorWhenRendered() throws {
        let t = try PromptTemplate(text: text)
        #expect(throws: RoutingError.self) { try t.render("yes-no", question: "q") }
    }

    @Test func restartMarkerIsThePrefixFirstLine() throws {
        let t = try PromptTemplate(text: text)
        #expect(t.restartMarkers == ["\nIntro line here."])
    }

    @Test func shippedTemplateHasEveryStrategySection() throws {
        let t = try PromptTemplate(directory: TestPaths.prompts)
        for strategy in AssessmentStrategies.all {
            let prompt = try t.render(strategy.section, question: "QUESTION-TEXT")
            #expect(prompt.contains("QUESTION-TEXT"))
            // The question comes first, the instruction last.
            #expect(prompt.range(of: "QUESTION-TEXT")!.upperBound < prompt.endIndex)
        }
        #expect(try t.render("digit-scale", question: "q").hasSuffix(": "))
    }
}
