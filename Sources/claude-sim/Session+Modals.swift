/// Key handling for the modals: trust dialog, model picker, permission prompt, limit menu
/// and the `Switch model?` confirm. Options answer to arrows + Enter and Esc; the numbered
/// ones (permission, confirm, limit menu) to their digit too.
extension Session {
    mutating func handleTrust(_ event: KeyEvent, cursor: Int) {
        let options = Chrome.trustOptions
        guard let picked = Self.menuChoice(event, cursor: cursor, count: options.count, digits: false,
                                           update: { mode = .trust(cursor: $0) }) else { return }
        // Esc means "No, exit", wherever that option sits.
        guard let choice = picked == 0 ? options.firstIndex(where: { !$0.trusts }) : picked - 1 else { return }
        recorder.trust(label: options[choice].label)
        if options[choice].trusts {
            mode = .composer
            transcript.append(.banner(model: model.displayName))
        } else {
            exit = (1, nil)
        }
    }

    mutating func handlePicker(_ event: KeyEvent, cursor: Int) {
        switch event {
        case .up: mode = .picker(cursor: max(0, cursor - 1))
        case .down: mode = .picker(cursor: min(SimModel.all.count - 1, cursor + 1))
        case .enter: choose(SimModel.all[cursor], persist: true, command: "/model")
        case .text(let bytes) where bytes == [UInt8(ascii: "s")]:
            choose(SimModel.all[cursor], persist: false, command: "/model")
        case .escape, .ctrlC:
            mode = .composer
            commandResult("/model", ["Kept model as \(model.setLabel)"])
        default: break  // digits are ignored by the picker, as agetor reports
        }
    }

    mutating func handlePermission(_ event: KeyEvent, turn: Turn, cursor: Int) {
        let options = Chrome.permissionOptions(cwd: config.cwd)
        guard let choice = Self.menuChoice(event, cursor: cursor, count: options.count,
                                           update: { mode = .permission(turn, cursor: $0) }) else { return }
        recorder.permission(question: turn.question, choice: choice, label: choice == 0 ? "Esc" : options[choice - 1])
        switch choice {
        case 1, 2, 3:
            // "Yes", "Yes, and always allow …", "Yes, and switch to auto mode".
            if choice == 3 { permissionMode = .auto }
            mode = .busy(turn)
        default:
            if let tool = turn.toolEntry { transcript[tool] = .tool(command: turn.command, state: .denied) }
            transcript.append(.result([Chrome.interrupted]))
            mode = .composer
        }
    }

    mutating func handleLimitMenu(_ event: KeyEvent, turn: Turn, cursor: Int) {
        let options = Chrome.limitMenuOptions
        guard let choice = Self.menuChoice(event, cursor: cursor, count: options.count,
                                           update: { mode = .limitMenu(turn, cursor: $0) }) else { return }
        recorder.decision(kind: "limit-menu", choice: choice, label: choice == 0 ? "Esc" : options[choice - 1])
        mode = .composer
        showLimit()
    }

    mutating func handleSwitchConfirm(_ event: KeyEvent, target: SimModel, cursor: Int, command: String) {
        let options = Chrome.switchOptions(target.displayName)
        guard let choice = Self.menuChoice(event, cursor: cursor, count: options.count,
                                           update: { mode = .switchConfirm(target, cursor: $0, command: command) }) else { return }
        recorder.decision(kind: "switch-model", choice: choice, label: choice == 0 ? "Esc" : options[choice - 1])
        mode = .composer
        if choice == 1 {
            setModel(target, persist: true, command: command)
        } else {
            commandResult(command, ["Kept model as \(model.setLabel)"])
        }
    }

    /// Arrows move the cursor (through `update`); Enter picks it, a digit picks its option
    /// (unless `digits` is false), Esc gives 0. Returns the 1-based choice, or nil while still choosing.
    static func menuChoice(_ event: KeyEvent, cursor: Int, count: Int, digits: Bool = true, update: (Int) -> Void) -> Int? {
        switch event {
        case .up: update(max(0, cursor - 1))
        case .down: update(min(count - 1, cursor + 1))
        case .enter: return cursor + 1
        case .escape: return 0
        case .text(let bytes):
            if digits, let n = digit(bytes), n >= 1, n <= count { return n }
        default: break
        }
        return nil
    }
}
