import Foundation

extension PromptTemplate {
    /// The folders searched for `self-assessment.md`, in order: `[assessment] prompts_dir`,
    /// `~/.config/escalator/prompts`, then `prompts/` beside or above the running executable
    /// (the checkout it was built from).
    public static func searchDirectories(_ settings: Settings, executable: String = CommandLine.arguments[0]) -> [String] {
        if !settings.assessment.promptsDir.isEmpty { return [settings.assessment.promptsDir] }
        var dirs = [(settings.paths.config as NSString).appendingPathComponent("prompts")]
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            dirs.append(url.appendingPathComponent("prompts").path)
            url.deleteLastPathComponent()
        }
        return dirs
    }

    /// Loads the template from the first search directory that has one.
    public static func locate(_ settings: Settings, executable: String = CommandLine.arguments[0]) throws -> PromptTemplate {
        let dirs = searchDirectories(settings, executable: executable)
        for dir in dirs where FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(fileName)) {
            return try PromptTemplate(directory: dir)
        }
        throw RoutingError(problem: "no \(fileName) found (looked in \(dirs.joined(separator: ", ")))",
                           fix: "set [assessment] prompts_dir to the escalator checkout's prompts/ folder, or run `escalator init` to copy the prompts")
    }
}
