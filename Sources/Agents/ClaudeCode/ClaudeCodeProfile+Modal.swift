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
            let lower = joined.lowercased()
            // Options without numbers (the 2.1.3xx trust dialog): a `❯` row in a dialog frame.
            let hasPlainOptions = region.contains { Markers.plainOptionRow($0)?.cursor == true }
                && (Markers.trustPhrases.contains(where: joined.contains) || lower.contains("enter to confirm"))
            let optionless = dialogKind(text: joined).map { $0 == .effort || $0 == .help } ?? false
            guard hasOptions || hasPlainOptions || optionless || joined.contains("Press Enter to continue") else { continue }
            let menu = parseMenu(region)
            let kind = classify(menu, text: joined)
            return ScreenState(kind: kind, menu: menu, detail: menu.question ?? menu.title,
                               dialogKind: kind == .dialog ? dialogKind(text: joined) ?? .other : nil)
        }
        return nil
    }

    /// Which known dialog `text` (a modal's rows) is, if any.
    static func dialogKind(text: String) -> ScreenState.DialogKind? {
        if Markers.trustPhrases.contains(where: text.contains) { return .trust }
        if text.contains("Switch model?") { return .switchModel }
        if Markers.effortPhrases.allSatisfy(text.contains) { return .effort }
        if Markers.helpPhrases.contains(where: text.contains) { return .help }
        return nil
    }

    static func classify(_ menu: ScreenMenu, text: String) -> ScreenState.Kind {
        // The effort slider's footer offers "s to use this session only" like the picker's.
        if let known = dialogKind(text: text), known == .effort || known == .help { return .dialog }
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
        // Numbered options; failing those, unnumbered ones around the `❯` row.
        var options: [(index: Int, cursor: Bool, number: Int?, rest: String)] = rows.indices.compactMap { index in
            Markers.optionRow(rows[index]).map { (index, $0.cursor, $0.number, $0.rest) }
        }
        if options.isEmpty, let cursorRow = rows.indices.first(where: { Markers.plainOptionRow(rows[$0])?.cursor == true }),
           let column = Markers.plainOptionRow(rows[cursorRow])?.column {
            func plain(_ index: Int) -> (index: Int, cursor: Bool, number: Int?, rest: String)? {
                guard let option = Markers.plainOptionRow(rows[index]), option.column == column,
                      option.cursor || PaneText.indent(rows[index]) == column else { return nil }
                return (index, option.cursor, nil, option.label)
            }
            var first = cursorRow
            while first > 0, plain(first - 1) != nil { first -= 1 }
            var last = cursorRow
            while last + 1 < rows.count, plain(last + 1) != nil { last += 1 }
            options = (first...last).compactMap(plain)
        }
        let optionIndices = options.map(\.index)
        let firstOption = optionIndices.first ?? rows.count
        var lastOption = optionIndices.last ?? rows.count - 1

        let before = rows[..<firstOption].map(PaneText.trimmed).filter { !$0.isEmpty }
        menu.title = before.first
        menu.question = before.last(where: { $0.hasSuffix("?") && $0 != menu.title })
            ?? (before.first?.hasSuffix("?") == true ? before.first : nil)
        menu.text = Array(before.dropFirst())

        // A description that wrapped goes on below the last option row.
        if let lastRow = optionIndices.last {
            let indent = PaneText.indent(rows[lastRow])
            while lastOption + 1 < rows.count, !PaneText.trimmed(rows[lastOption + 1]).isEmpty,
                  PaneText.indent(rows[lastOption + 1]) > indent + 3 {
                lastOption += 1
            }
        }

        var lastOptionIndent = 0
        var previousBlank = false
        var next = 0
        for index in firstOption..<min(rows.count, lastOption + 1) {
            let row = rows[index]
            if next < options.count, options[next].index == index {
                let option = options[next]
                next += 1
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
        for index in menu.options.indices {
            menu.options[index].price = price(in: menu.options[index].description ?? "")
        }
        let after = rows[min(rows.count, lastOption + 1)...].map(PaneText.trimmed).filter { !$0.isEmpty }
        menu.footer = after.last { row in
            let lower = row.lowercased()
            return lower.contains("esc to") || lower.contains("enter to") || lower.contains("to navigate")
                || lower.contains("press enter")
        } ?? after.last
        if options.isEmpty, let prompt = before.last(where: { $0.contains("Press Enter to continue") }) {
            menu.footer = prompt
        }
        return menu
    }

    /// The price in a picker description: `$4/$20 per Mtok`, and the long-prompt price
    /// `($0.50/$2.50 for prompts over 100k)` when shown.
    static func price(in text: String) -> ScreenMenu.Price? {
        guard let range = text.range(of: " per Mtok") else { return nil }
        guard let (input, output) = pricePair(endingAt: text[..<range.lowerBound]) else { return nil }
        var price = ScreenMenu.Price(input: input, output: output)
        let rest = text[range.upperBound...]
        if let open = rest.range(of: "("), let over = rest.range(of: " for prompts over "),
           open.upperBound <= over.lowerBound,
           let (longInput, longOutput) = pricePair(endingAt: rest[open.upperBound..<over.lowerBound]) {
            price.longInput = longInput
            price.longOutput = longOutput
            let size = rest[over.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "k" || $0 == "M" }
            let scale = size.hasSuffix("k") ? 1_000.0 : size.hasSuffix("M") ? 1_000_000 : 1
            if let value = Double(size.filter { $0.isNumber || $0 == "." }) { price.longThreshold = Int(value * scale) }
        }
        return price
    }

    /// `$4/$20` at the end of `text` → (4, 20).
    static func pricePair(endingAt text: Substring) -> (Double, Double)? {
        let token = text.split(separator: " ").last ?? ""
        let parts = token.split(separator: "/")
        guard parts.count == 2, parts.allSatisfy({ $0.hasPrefix("$") }),
              let input = Double(parts[0].dropFirst()), let output = Double(parts[1].dropFirst()) else { return nil }
        return (input, output)
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
