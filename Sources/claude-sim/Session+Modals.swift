/// Key handling for the modals: trust dialog, model picker, permission prompt, limit menu
/// and the `Switch model?` confirm. Options answer to arrows + Enter, Esc, and (except in
/// the picker) their digit.
extension Session {
    mutating func handleTrust(_ event: KeyEvent, cursor: Int) {
        let options = config.look.trustOptions
        guard let picked = Self.menuChoice(event, cursor: cursor, count: options.count,
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
        case .enter:
            mode = .composer
            setModel(SimModel.all[cursor], persist: true)
        case .text(let bytes) where config.look.pickerHasSessionKey && bytes == [UInt8(ascii: "s")]:
            mode = .composer
            setModel(SimModel.all[cursor], persist: false)
        case .escape, .ctrlC:
            mode = .composer
            transcript.append(.result(["Kept model as \(model.displayName)"]))
        default: break  // digits are ignored by the picker, as agetor reports
        }
    }

    mutating func handlePermission(_ event: KeyEvent, turn: Turn, cursor: Int) {
        let options = config.look.permissionOptions(command: "echo", cwd: config.cwd)
        guard let choice = Self.menuChoice(event, cursor: cursor, count: options.count,
                                           update: { mode = .permission(turn, cursor: $0) }) else { return }
        let approved = choice == 1 || choice == 2
        recorder.permission(question: turn.question, choice: choice, label: choice == 0 ? "Esc" : options[choice - 1])
        if approved {
            transcript.append(.result(["sim-\(turn.question)"]))
            mode = .busy(turn)
        } else {
            transcript.append(.result(["Interrupted · What should Claude do instead?"]))
            mode = .composer
        }
    }

    static let limitMenuOptions = ["Stop and wait for limit to reset", "Switch to usage credits", "Switch to Team plan"]

    mutating func handleLimitMenu(_ event: KeyEvent, turn: Turn, cursor: Int) {
        guard let choice = Self.menuChoice(event, cursor: cursor, count: Self.limitMenuOptions.count, update: { mode = .limitMenu(turn, cursor: $0) }) else { return }
        recorder.decision(kind: "limit-menu", choice: choice, label: choice == 0 ? "Esc" : Self.limitMenuOptions[choice - 1])
        mode = .composer
        showLimit()
    }

    func switchOptions(_ target: SimModel) -> [String] { ["Yes, switch to \(target.displayName)", "No, go back"] }

    mutating func handleSwitchConfirm(_ event: KeyEvent, target: SimModel, cursor: Int) {
        guard let choice = Self.menuChoice(event, cursor: cursor, count: 2, update: { mode = .switchConfirm(target, cursor: $0) }) else { return }
        recorder.decision(kind: "switch-model", choice: choice, label: choice == 0 ? "Esc" : switchOptions(target)[choice - 1])
        mode = .composer
        if choice == 1 {
            setModel(target, persist: true)
        } else {
            transcript.append(.result(["Kept model as \(model.displayName)"]))
        }
    }

    /// Arrows move the cursor (through `update`); Enter picks it, a digit picks its option,
    /// Esc gives 0. Returns the 1-based choice, or nil while still choosing.
    static func menuChoice(_ event: KeyEvent, cursor: Int, count: Int, update: (Int) -> Void) -> Int? {
        switch event {
        case .up: update(max(0, cursor - 1))
        case .down: update(min(count - 1, cursor + 1))
        case .enter: return cursor + 1
        case .escape: return 0
        case .text(let bytes):
            if let n = digit(bytes), n >= 1, n <= count { return n }
        default: break
        }
        return nil
    }
}
