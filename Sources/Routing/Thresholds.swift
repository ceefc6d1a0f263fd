/// Escalation thresholds on P(local answer correct): answer locally at or above `localMin`,
/// send to the middle tier at or above `sonnetMin`, else to the top tier.
public struct Thresholds: Sendable, Equatable, Codable {
    public var localMin: Double
    public var sonnetMin: Double

    public init(localMin: Double = 0.6, sonnetMin: Double = 0.3) {
        self.localMin = localMin
        self.sonnetMin = sonnetMin
    }

    /// Checks both thresholds are probabilities and ordered.
    public func validate() throws {
        for (key, value) in [("local_min", localMin), ("sonnet_min", sonnetMin)] where !(0...1).contains(value) {
            throw RoutingError(problem: "[thresholds] \(key) = \(value) is not between 0 and 1",
                               fix: "set it to a probability such as 0.6")
        }
        guard sonnetMin <= localMin else {
            throw RoutingError(problem: "[thresholds] sonnet_min (\(sonnetMin)) is above local_min (\(localMin))",
                               fix: "keep sonnet_min ≤ local_min: questions below local_min escalate, and below sonnet_min go to the top tier")
        }
    }
}
