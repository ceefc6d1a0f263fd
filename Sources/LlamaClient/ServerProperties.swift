/// What `GET /props` says about the server: its model, slots and per-slot context.
public struct ServerProperties: Sendable, Decodable {
    public var modelPath: String?
    public var modelAlias: String?
    public var totalSlots: Int?
    public var buildInfo: String?
    /// Context size of one slot, in tokens.
    public var slotContext: Int?

    enum CodingKeys: String, CodingKey {
        case modelPath = "model_path", modelAlias = "model_alias", totalSlots = "total_slots"
        case buildInfo = "build_info", defaults = "default_generation_settings"
    }
    enum DefaultsKeys: String, CodingKey { case nCtx = "n_ctx" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelPath = try c.decodeIfPresent(String.self, forKey: .modelPath)
        modelAlias = try c.decodeIfPresent(String.self, forKey: .modelAlias)
        totalSlots = try c.decodeIfPresent(Int.self, forKey: .totalSlots)
        buildInfo = try c.decodeIfPresent(String.self, forKey: .buildInfo)
        if let d = try? c.nestedContainer(keyedBy: DefaultsKeys.self, forKey: .defaults) {
            slotContext = try d.decodeIfPresent(Int.self, forKey: .nCtx)
        }
    }
}
