import Foundation

/// Reads the reset moment out of a Claude Code usage-limit message. Pure: the caller passes the
/// moment the message was read and the zone to use when the message names none.
///
/// The wordings, by version, as the CLI printed them in reports on anthropics/claude-code
/// (issue numbers) and elsewhere:
/// - 1.0.x before 1.0.8: `Claude Max usage limit reached. Your limit will reset at 12am.` — no
///   zone (#1450; 1.0.8 added the system zone).
/// - 1.0.8 on: `Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).` (#2087,
///   1.0.24), `… reset at 5pm (Europe/Warsaw).` (#6119, 1.0.84), `… at 9am (America/Chicago).`
///   (#15064, 1.0.58).
/// - The same error's machine form: `Claude AI usage limit reached|1749924000` (epoch seconds;
///   the titles of #2087, #9046, #11429).
/// - Mid-2025: `5-hour limit reached ∙ resets 1am` (U+2219, no zone; benbasha/Claude-Autopilot#25),
///   `5hour limit reached, resets at 9pm` (#6918, as retyped by its reporter).
/// - 2.0.x: `5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to Max 20x or turn
///   on /extra-usage` (#12308, 2.0.51), `Weekly limit reached · resets 10am (Asia/Seoul) · …`
///   (#12789, 2.0.55).
/// - 2.1.x: `You've hit your limit · resets 11pm (America/Anchorage)` (#19472, 2.1.4),
///   `You've hit your session limit · resets 8:30pm (Asia/Tokyo)` (#77082, 2.1.207),
///   `You've hit your weekly limit · resets Jul 27 at 4:30am (Asia/Calcutta)` (#80903, 2.1.218),
///   `… · resets Jul 31, 2am (UTC)` (#81647, 2.1.220), `… · resets Sep 15 at 7pm` (#92834,
///   2.1.263, no zone).
/// - `/usage` rows use the same form: `Resets Jan 12, 10:59am (America/New_York)` (#16618, 2.0.76).
///
/// The moment is the next one after `now` at that wall-clock time in that zone (`resets 10pm`
/// read at 11pm is tomorrow's 10pm; `resets Jan 12` read in December is next year's). An
/// unknown zone, an impossible time or date, or no reset phrase gives nil.
enum ClaudeCodeLimitReset {
    static func parse(_ text: String, now: Date, zone defaultZone: TimeZone,
                      zoneSource: UsageLimitReset.ZoneSource) -> UsageLimitReset? {
        let whole = NSRange(text.startIndex..., in: text)
        if let match = epochPattern.firstMatch(in: text, range: whole), let seconds = Double(group(match, 1, text) ?? "") {
            return UsageLimitReset(date: Date(timeIntervalSince1970: seconds), zone: defaultZone, zoneSource: zoneSource)
        }
        for match in resetPattern.matches(in: text, range: whole) {
            guard let time = wallClock(match, text) else { continue }
            var zone = defaultZone
            var source = zoneSource
            if let name = group(match, 6, text) {
                // A zone the message names but this machine does not know: no guess.
                guard let named = TimeZone(identifier: name) else { return nil }
                zone = named
                source = .shown
            }
            guard let date = nextOccurrence(of: time, after: now, in: zone) else { return nil }
            return UsageLimitReset(date: date, zone: zone, zoneSource: source)
        }
        return nil
    }

    /// A wall-clock time, with the month and day when the message names them.
    struct WallClock: Equatable {
        var month: Int?
        var day: Int?
        var hour: Int
        var minute: Int
    }

    /// `reset`/`resets`, an optional `at`, an optional `Mon D[,] [at]`, then `H[:MM][am|pm]`
    /// and an optional `(Zone/Id)`.
    private static let resetPattern = try! NSRegularExpression(
        pattern: #"\breset(?:s)?(?:\s+at)?\s+(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b(?:\s*\(([^()\s]+)\))?"#,
        options: [.caseInsensitive])

    /// `usage limit reached|1749924000`.
    private static let epochPattern = try! NSRegularExpression(pattern: #"limit reached\|(\d{9,11})\b"#, options: [.caseInsensitive])

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func group(_ match: NSTextCheckingResult, _ index: Int, _ text: String) -> String? {
        guard let range = Range(match.range(at: index), in: text) else { return nil }
        return String(text[range])
    }

    /// The time a match names, nil when it is not a time (`resets 5` without am/pm or minutes,
    /// hour 13pm, minute 75, day 32).
    static func wallClock(_ match: NSTextCheckingResult, _ text: String) -> WallClock? {
        guard let hourText = group(match, 3, text), var hour = Int(hourText) else { return nil }
        let minute = group(match, 4, text).flatMap { Int($0) }
        let meridiem = group(match, 5, text)?.lowercased()
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        } else {
            guard minute != nil, (0...23).contains(hour) else { return nil }
        }
        guard (0...59).contains(minute ?? 0) else { return nil }
        var clock = WallClock(hour: hour, minute: minute ?? 0)
        if let monthText = group(match, 1, text)?.lowercased(), let dayText = group(match, 2, text), let day = Int(dayText) {
            guard let month = months.firstIndex(of: String(monthText.prefix(3))), (1...31).contains(day) else { return nil }
            clock.month = month + 1
            clock.day = day
        }
        return clock
    }

    /// The first moment after `now` whose wall clock in `zone` shows `time` (today's or
    /// tomorrow's; with a date, this year's or a later year's).
    static func nextOccurrence(of time: WallClock, after now: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.dateComponents([.year, .month, .day], from: now)
        guard let year = today.year else { return nil }
        if let month = time.month, let day = time.day {
            // Feb 29 may be four years away; a date that never exists gives nil.
            for candidateYear in year...(year + 8) {
                let parts = DateComponents(year: candidateYear, month: month, day: day, hour: time.hour, minute: time.minute)
                guard let date = calendar.date(from: parts) else { continue }
                let back = calendar.dateComponents([.month, .day], from: date)
                guard back.month == month, back.day == day else { continue }
                if date > now { return date }
            }
            return nil
        }
        guard let start = calendar.date(from: today) else { return nil }
        for offset in 0...2 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: start) else { return nil }
            var parts = calendar.dateComponents([.year, .month, .day], from: day)
            parts.hour = time.hour
            parts.minute = time.minute
            if let date = calendar.date(from: parts), date > now { return date }
        }
        return nil
    }
}
