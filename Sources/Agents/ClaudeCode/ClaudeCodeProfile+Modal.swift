import Foundation

/// Reading Claude Code's modals: the model picker, permission prompts, start-up dialogs and
/// the limit menu. They replace the composer and footer, sit under a `─` (or `▔`) rule, and
/// list numbered options with `❯` on the focused row.
extension ClaudeCodeProfile {
    /// The open modal, if the bottom of the screen holds one.
    static func findModal(_ lines: [String]) -> ScreenState? {
        let start = max(0, lines.count - 45)
        // Try each rule from the bottom up: in a 1.x box the last rule is the box's bottom.
        var candidates = (start..<lines.count).filter { Markers.isRule(lines[$0]) }.reversed().map { $0 + 1 }
        candidates.append(start)
        for first in candidates {
            let region = Array(lines[first...])
            let hasOptions = region.contains { Markers.optionRow($0) != nil }
            let joined = region.joined(separator: "\n")
            guard hasOptions || joined.contains("Press Enter to continue") else { continue }
            let menu = parseMenu(region)
            let kind = classify(menu, text: joined)
            return ScreenState(kind: kind, menu: menu, detail: menu.question ?? menu.title)
        }
        return nil
    }

    static func classify(_ menu: ScreenMenu, text: String) -> ScreenState.Kind {
        if Markers.pickerPhrases.contains(where: text.contains) { return .picker }
        if Markers.limitMenuPhrases.contains(where: text.contains) { return .limit }
        if Markers.dialogPhrases.contains(where: text.contains) { return .dialog }
        let isPermission = Markers.permissionQuestions.contains { menu.question?.hasPrefix($0) == true }
            || Markers.permissionTitles.contains { menu.title?.hasPrefix($0) == true }
            || Markers.permissionFooters.contains { menu.footer?.contains($0) == true }
            || menu.options.contains { option in Markers.permissionOptions.contains(where: option.label.hasPrefix) }
        return isPermission ? .permission : .dialog
    }

    /// Title, text, question, options (label, description, ✔, cursor) and footer of a modal.
    static func parseMenu(_ region: [String]) -> ScreenMenu {
        let rows = region.map(unboxed)
        var menu = ScreenMenu()
        let optionIndices = rows.indices.filter { Markers.optionRow(rows[$0]) != nil }
        let firstOption = optionIndices.first ?? rows.count
        let lastOption = optionIndices.last ?? rows.count - 1

        let before = rows[..<firstOption].map(PaneText.trimmed).filter { !$0.isEmpty }
        menu.title = before.first
        menu.question = before.last(where: { $0.hasSuffix("?") && $0 != menu.title })
            ?? (before.first?.hasSuffix("?") == true ? before.first : nil)
        menu.text = Array(before.dropFirst())

        var lastOptionIndent = 0
        var previousBlank = false
        for index in firstOption..<min(rows.count, lastOption + 1) {
            let row = rows[index]
            if let option = Markers.optionRow(row) {
                let columns = PaneText.trimmed(option.rest).components(separatedBy: "  ")
                    .map(PaneText.trimmed).filter { !$0.isEmpty }
                var label = columns.first ?? option.rest
                let isCurrent = label.contains("✔")
                label = PaneText.trimmed(label.replacingOccurrences(of: "✔", with: ""))
                let description = columns.count > 1 ? columns.dropFirst().joined(separator: " ") : nil
                if option.cursor { menu.cursor = menu.options.count }
                menu.options.append(.init(number: option.number, label: label, description: description,
                                          isCurrent: isCurrent || (description?.hasPrefix("✔") ?? false)))
                lastOptionIndent = PaneText.indent(row)
                previousBlank = false
            } else if PaneText.trimmed(row).isEmpty {
                previousBlank = true
            } else if !previousBlank, PaneText.indent(row) > lastOptionIndent + 3, !menu.options.isEmpty {
                // A description that wrapped within its column.
                let extra = PaneText.trimmed(row)
                let last = menu.options.count - 1
                menu.options[last].description = (menu.options[last].description.map { $0 + " " } ?? "") + extra
            }
        }
        let after = rows[min(rows.count, lastOption + 1)...].map(PaneText.trimmed).filter { !$0.isEmpty }
        menu.footer = after.last { row in
            let lower = row.lowercased()
            return lower.contains("esc to") || lower.contains("enter to") || lower.contains("to navigate")
                || lower.contains("press enter")
        } ?? after.last
        if optionIndices.isEmpty, let prompt = before.last(where: { $0.contains("Press Enter to continue") }) {
            menu.footer = prompt
        }
        return menu
    }

    /// A row without 1.x box borders (`│ … │`).
    static func unboxed(_ row: String) -> String {
        var body = Substring(row)
        let lead = body.prefix { $0 == " " }.count
        guard body.dropFirst(lead).hasPrefix("│") else { return row }
        body = body.dropFirst(lead + 1)
        let trimmed = PaneText.rightTrimmed(String(body))
        return trimmed.hasSuffix("│") ? PaneText.rightTrimmed(String(trimmed.dropLast())) : trimmed
    }
}
