/// A `POST /completion` request. Unset fields are omitted so the server's defaults apply;
/// an empty `grammar` is never sent, because it would silently disable `jsonSchema`.
public struct CompletionRequest: Sendable, Encodable {
    public var prompt: String
    public var nPredict: Int?
    public var temperature: Double?
    public var seed: Int?
    public var cachePrompt: Bool?
    public var idSlot: Int?
    public var grammar: String?
    public var jsonSchema: JSONValue?
    public var nProbs: Int?
    public var stop: [String]?
    var stream: Bool?

    public init(prompt: String, nPredict: Int? = nil, temperature: Double? = nil, seed: Int? = nil,
                cachePrompt: Bool? = true, idSlot: Int? = nil, grammar: String? = nil,
                jsonSchema: JSONValue? = nil, nProbs: Int? = nil, stop: [String]? = nil) {
        self.prompt = prompt
        self.nPredict = nPredict
        self.temperature = temperature
        self.seed = seed
        self.cachePrompt = cachePrompt
        self.idSlot = idSlot
        self.grammar = grammar
        self.jsonSchema = jsonSchema
        self.nProbs = nProbs
        self.stop = stop
    }

    enum CodingKeys: String, CodingKey {
        case prompt, temperature, seed, grammar, stop, stream
        case nPredict = "n_predict", cachePrompt = "cache_prompt", idSlot = "id_slot"
        case jsonSchema = "json_schema", nProbs = "n_probs"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prompt, forKey: .prompt)
        try c.encodeIfPresent(nPredict, forKey: .nPredict)
        try c.encodeIfPresent(temperature, forKey: .temperature)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encodeIfPresent(cachePrompt, forKey: .cachePrompt)
        try c.encodeIfPresent(idSlot, forKey: .idSlot)
        if let grammar, !grammar.isEmpty { try c.encode(grammar, forKey: .grammar) }
        try c.encodeIfPresent(jsonSchema, forKey: .jsonSchema)
        try c.encodeIfPresent(nProbs, forKey: .nProbs)
        if let stop, !stop.isEmpty { try c.encode(stop, forKey: .stop) }
        try c.encodeIfPresent(stream, forKey: .stream)
    }
}
