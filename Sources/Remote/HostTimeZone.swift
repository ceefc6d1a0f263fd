import Foundation

/// The agent host's time zone, read on the host (its `TZ`, `/etc/timezone`, the zone
/// `/etc/localtime` links to, else its current UTC offset), so a usage-limit reset time the agent
/// shows without a zone ("resets 3pm") is read on the agent's clock, not this machine's.
public enum HostTimeZone {
    /// The shell lines that print the four facts, one per line (empty when unknown).
    public static let script = "printf '%s\\n' \"${TZ-}\"; head -n 1 /etc/timezone 2>/dev/null || echo; "
        + "readlink /etc/localtime 2>/dev/null || echo; date +%z"

    /// Reads the zone on the host `shell` runs on; nil when it cannot be told.
    public static func read(_ shell: HostShell) async -> TimeZone? {
        guard let output = try? await shell.output(of: script, timeout: .seconds(5)) else { return nil }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func line(_ i: Int) -> String { i < lines.count ? lines[i] : "" }
        return zone(tz: line(0), etcTimezone: line(1), localtimeLink: line(2), offset: line(3))
    }

    /// The zone the four facts name, in that order of trust: an IANA `TZ` (`Europe/Berlin`,
    /// `:Europe/Berlin`), `/etc/timezone`, the `zoneinfo/` path `/etc/localtime` links to, and last
    /// the UTC offset `date +%z` printed (`+0100`: right now, but blind to daylight saving).
    public static func zone(tz: String, etcTimezone: String, localtimeLink: String, offset: String) -> TimeZone? {
        let tzName = tz.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "", options: .anchored)
        if !tzName.isEmpty, !tzName.hasPrefix("/"), let zone = TimeZone(identifier: tzName) { return zone }
        let etc = etcTimezone.trimmingCharacters(in: .whitespaces)
        if !etc.isEmpty, let zone = TimeZone(identifier: etc) { return zone }
        if let range = localtimeLink.range(of: "zoneinfo/"), let zone = TimeZone(identifier: String(localtimeLink[range.upperBound...])
            .trimmingCharacters(in: .whitespaces)) {
            return zone
        }
        let o = offset.trimmingCharacters(in: .whitespaces)
        guard o.count == 5, let sign = o.first, sign == "+" || sign == "-",
              let hours = Int(o.dropFirst().prefix(2)), let minutes = Int(o.suffix(2)), hours <= 14, minutes < 60 else { return nil }
        return TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
    }
}
