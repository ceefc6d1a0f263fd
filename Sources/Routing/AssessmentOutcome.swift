/// The result of trying to self-assess a question: the assessment, or why there is none
/// (llama-server unreachable, question too long for its context…). A question that could not
/// be assessed is still routed: to the configured default tier, marked degraded.
public struct AssessmentOutcome: Sendable, Equatable {
    public var assessment: Assessment?
    /// Why the question was not assessed; nil when it was, or when no assessment was wanted
    /// (a forced tier).
    public var skippedReason: String?
    public var ms: Double
    /// The local answer a cascade strategy generated while assessing (``AnswerLogprobStrategy``):
    /// used as it is when the question stays local, recorded as discarded when it escalates.
    public var localAnswer: LocalAnswer?

    public init(assessment: Assessment?, skippedReason: String?, ms: Double, localAnswer: LocalAnswer? = nil) {
        self.assessment = assessment
        self.skippedReason = skippedReason
        self.ms = ms
        self.localAnswer = localAnswer
    }

    /// No assessment was wanted (`--tier` forced a tier).
    public static let notWanted = AssessmentOutcome(assessment: nil, skippedReason: nil, ms: 0)
}
