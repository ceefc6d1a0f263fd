import Foundation

/// The router file: one JSON object,
///
/// ```json
/// {"format": "escalator-router", "version": 1, "kind": "embedding-logistic",
///  "embedding": {"model": "gemma-3-270m-q4_k_m.gguf", "dimensions": 640, "pooling": "mean"},
///  "logistic": {"mean": [...], "scale": [...], "weights": [...], "bias": -0.4, "l2": 1.0},
///  "training": {"dataset": "mmlu-train.jsonl", "seed": "0", "chosen": "l2 = 1", ...}}
/// ```
///
/// `embedding-knn` files hold `"knn": {"k", "dimensions", "prior", "smoothing", "labels",
/// "vectors_f32_base64"}` (the training vectors as little-endian Float32, base64); `combined`
/// files hold `"combined": {"features": [{"name", "router"}], "head": {…logistic…}}`.
extension RouterModel {
    public static let formatName = "escalator-router"
    public static let formatVersion = 1

    private struct FileForm: Codable {
        var format: String?
        var version: Int?
        var kind: String?
        var embedding: EmbeddingIdentity?
        var logistic: LogisticHead?
        var knn: KNNForm?
        var combined: CombinedHead?
        var training: [String: String]?
    }

    private struct KNNForm: Codable {
        var k: Int
        var dimensions: Int
        var prior: Double
        var smoothing: Double
        var labels: [Float]
        var vectors_f32_base64: String
    }

    /// Reads and checks the router file at `path`. A missing file, a file that is not a router,
    /// or one whose parts do not fit together is a ``RoutingError`` naming the file and the fix.
    public static func load(path: String) throws -> RouterModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RoutingError(problem: "router file \(path) does not exist",
                               fix: "train one with `escalator router train DATASET --strategy embedding-logistic --out \(path)`, or set [assessment] router")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RoutingError(problem: "cannot read router file \(path)", fix: "check its permissions")
        }
        return try parse(data, name: path)
    }

    /// Parses router-file bytes; `name` is used in messages.
    public static func parse(_ data: Data, name: String) throws -> RouterModel {
        let form: FileForm
        do {
            form = try JSONDecoder().decode(FileForm.self, from: data)
        } catch {
            throw RoutingError(problem: "router file \(name) is not a router file (\(Self.reason(error)))",
                               fix: "retrain it with `escalator router train`; router files are written by that command")
        }
        guard form.format == formatName else {
            throw RoutingError(problem: "router file \(name) is not a router file (format \(form.format.map { "\"\($0)\"" } ?? "missing"), expected \"\(formatName)\")",
                               fix: "retrain it with `escalator router train`")
        }
        guard form.version == formatVersion else {
            throw RoutingError(problem: "router file \(name) has version \(form.version.map(String.init) ?? "missing"); this escalator reads version \(formatVersion)",
                               fix: "retrain it with this escalator's `escalator router train`")
        }
        guard let kindName = form.kind, let kind = Kind(rawValue: kindName) else {
            throw RoutingError(problem: "router file \(name) has kind \(form.kind ?? "missing")",
                               fix: "use one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")); retrain with `escalator router train`")
        }
        var knn: NearestNeighbourHead?
        if let k = form.knn {
            guard let bytes = Data(base64Encoded: k.vectors_f32_base64), bytes.count % 4 == 0 else {
                throw RoutingError(problem: "router file \(name): the kNN vectors are not base64 Float32", fix: "retrain it with `escalator router train --strategy embedding-knn`")
            }
            let floats = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            knn = NearestNeighbourHead(k: k.k, vectors: floats, dimensions: k.dimensions, labels: k.labels, prior: k.prior, smoothing: k.smoothing)
        }
        let model = RouterModel(kind: kind, embedding: form.embedding, logistic: form.logistic, knn: knn,
                                combined: form.combined, training: form.training ?? [:])
        do {
            try model.validate()
        } catch let error as RoutingError {
            throw RoutingError(problem: "router file \(name): \(error.problem)", fix: error.fix)
        }
        return model
    }

    /// Checks that the parts the kind needs are there and consistent.
    public func validate() throws {
        switch kind {
        case .logistic:
            guard let embedding else { throw Self.missing("embedding", kind) }
            guard let logistic else { throw Self.missing("logistic", kind) }
            try logistic.validate()
            guard logistic.weights.count == embedding.dimensions else {
                throw RoutingError(problem: "the logistic head has \(logistic.weights.count) weights for \(embedding.dimensions)-dimensional embeddings",
                                   fix: "retrain the router with `escalator router train`")
            }
        case .knn:
            guard let embedding else { throw Self.missing("embedding", kind) }
            guard let knn else { throw Self.missing("knn", kind) }
            try knn.validate()
            guard knn.dimensions == embedding.dimensions else {
                throw RoutingError(problem: "the kNN head holds \(knn.dimensions)-dimensional vectors for \(embedding.dimensions)-dimensional embeddings",
                                   fix: "retrain the router with `escalator router train --strategy embedding-knn`")
            }
        case .combined:
            guard let combined else { throw Self.missing("combined", kind) }
            try combined.head.validate()
            guard !combined.features.isEmpty, combined.features.count == combined.head.weights.count else {
                throw RoutingError(problem: "the combined head has \(combined.head.weights.count) weights for \(combined.features.count) features",
                                   fix: "retrain it with `escalator router train --strategy combined`")
            }
            for feature in combined.features {
                guard CombinedHead.featureNames.contains(feature.name) else {
                    throw RoutingError(problem: "the combined head uses an unknown feature \"\(feature.name)\"",
                                       fix: "features are: \(CombinedHead.featureNames.joined(separator: ", "))")
                }
                if feature.name.hasPrefix("embedding-"), feature.router == nil {
                    throw RoutingError(problem: "the combined feature \(feature.name) names no router file",
                                       fix: "retrain with `--feature \(feature.name)=SCORES.csv --feature-router \(feature.name)=ROUTER.json`")
                }
            }
        }
    }

    /// The file's JSON text.
    public func fileText() throws -> String {
        var knnForm: KNNForm?
        if let knn {
            var bytes = Data(capacity: knn.vectors.count * 4)
            for value in knn.vectors {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            knnForm = KNNForm(k: knn.k, dimensions: knn.dimensions, prior: knn.prior, smoothing: knn.smoothing,
                              labels: knn.labels, vectors_f32_base64: bytes.base64EncodedString())
        }
        let form = FileForm(format: Self.formatName, version: Self.formatVersion, kind: kind.rawValue, embedding: embedding,
                            logistic: logistic, knn: knnForm, combined: combined, training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(form), as: UTF8.self) + "\n"
    }

    /// Writes the file atomically (a temporary file renamed over `path`).
    public func write(to path: String) throws {
        let text = try fileText()
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw RoutingError(problem: "cannot write router file \(path) (\((error as NSError).localizedDescription))",
                               fix: "choose a writable --out path")
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return "not JSON: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }
}
