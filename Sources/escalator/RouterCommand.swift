import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator router`: learned routers on the local model's own embeddings and on other
/// strategies' scores: split datasets, train, compare, and manage the embedding server.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train learned routers (embedding-logistic, embedding-knn, combined) and compare routers.",
        discussion: """
        A typical run on RouteLLM's GSM8K data:
          escalator router split gsm8k.jsonl --by item --test-fraction 0.5 --train gsm8k-train.jsonl --test gsm8k-test.jsonl
          escalator router train gsm8k-train.jsonl --strategy embedding-logistic --out router.json
          escalator eval score gsm8k-test.jsonl --strategy embedding-logistic --router router.json --out emb.csv
          escalator eval report gsm8k-test.jsonl --scores emb.csv
          escalator router compare gsm8k-test.jsonl --scores embedding-logistic=emb.csv --scores length=length.csv
        Embeddings come from a second, managed llama-server of the local model started with --embeddings \
        (or [embedding] url) and are cached by model and text (--embedding-cache).
        """,
        subcommands: [RouterSplitCommand.self, RouterTrainCommand.self, RouterCompareCommand.self,
                      RouterStatusCommand.self, RouterStopCommand.self]
    )
}

/// `escalator router split`: a seeded train/test split by item or by category (subject).
struct RouterSplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a dataset into train and test files, by item or by category (whole subjects held out).")

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "item (a seeded share of the items) or category (a seeded share of the categories, e.g. MMLU subjects).")
    var by: String = "item"

    @Option(help: "Share of the items (or categories) in the test file.")
    var testFraction: Double = 0.5

    @Option(help: "Hold out exactly these categories (comma-separated) instead of a seeded share.")
    var testCategories: String?

    @Option(help: "Seed of the split.")
    var seed: UInt64 = 0

    @Option(help: "The training dataset to write.")
    var train: String

    @Option(help: "The test dataset to write.")
    var test: String

    func run() async throws {
        guard let method = DatasetSplit.Method(rawValue: by) else {
            throw EvaluationError(.option, "--by \(by): use item or category")
        }
        let data = try Dataset.load(path: dataset)
        let named = testCategories.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let split = try DatasetSplit(data, method: method, testFraction: testFraction, seed: seed, testCategories: named)
        let how = method == .category ? "held-out categories \(split.testCategories.joined(separator: ","))" : "test fraction \(testFraction)"
        try DatasetSplit.subset(data, split.train, note: "router split train (by \(by), seed \(seed), \(how))").write(to: train)
        try DatasetSplit.subset(data, split.test, note: "router split test (by \(by), seed \(seed), \(how))").write(to: test)
        print("wrote \(split.train.count) training items to \(train) and \(split.test.count) test items to \(test)")
        if method == .category {
            print("test categories (\(split.testCategories.count)): \(split.testCategories.joined(separator: ", "))")
        }
    }
}

/// `escalator router train DATASET --strategy embedding-logistic --out router.json`.
struct RouterTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a router head on a dataset's recorded outcomes and write the router file.",
        discussion: """
        embedding-logistic: L2-regularised logistic regression on the question's embedding (the penalty is chosen \
        on a seeded validation split). embedding-knn: k nearest training questions by cosine similarity (k chosen \
        on validation). combined: logistic regression over other strategies' scores, given as \
        --feature NAME=SCORES.csv (NAME: \(CombinedHead.featureNames.joined(separator: ", "))) on the same dataset, \
        with --feature-router NAME=ROUTER.json for embedding features. The label is "local answer wrong". \
        Datasets: `eval import routellm`, `eval run` output, or `eval from-ledger` (your own judged traffic).
        """)

    @Argument(help: "The native JSONL dataset with outcomes (the training items).")
    var dataset: String

    @Option(help: "The router file to write.")
    var out: String

    @Option(help: "Seed of the validation split.")
    var seed: UInt64 = 0

    @Option(help: "Share of the training items held out for choosing the hyperparameter.")
    var validation: Double = 0.2

    @Option(help: "Validation split: item or category (default: category when the data has 4 or more categories).")
    var validationBy: String?

    @Option(help: "L2 penalties to try, comma-separated (logistic and combined).")
    var l2: String?

    @Option(help: "Neighbour counts to try, comma-separated (kNN).")
    var k: String?

    @Option(help: "combined: a feature and its scores on this dataset, NAME=SCORES.csv (repeatable).")
    var feature: [String] = []

    @Option(help: "combined: the router file behind an embedding feature, NAME=ROUTER.json (repeatable).")
    var featureRouter: [String] = []

    @Option(help: "Embedding cache file (default: $XDG_CACHE_HOME/escalator/embedding-cache.bin).")
    var embeddingCache: String?

    @Option(help: "Embedding requests in flight (default: [embedding] parallel).")
    var concurrency: Int?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let strategy = options.strategy ?? "embedding-logistic"  // --strategy comes with the global options
        guard let kind = RouterModel.Kind(rawValue: strategy) else {
            throw EvaluationError(.option, "--strategy \(strategy): use embedding-logistic, embedding-knn or combined")
        }
        var trainer = RouterTrainer.Options()
        trainer.seed = seed
        trainer.validationFraction = validation
        if let validationBy {
            guard let method = DatasetSplit.Method(rawValue: validationBy) else {
                throw EvaluationError(.option, "--validation-by \(validationBy): use item or category")
            }
            trainer.validationBy = method
        }
        if let l2 { trainer.l2Grid = try Self.numbers(l2, "--l2") }
        if let k { trainer.kGrid = try Self.numbers(k, "--k").map { Int($0) } }
        try AtomicFile.checkWritable(out)
        let data = try Dataset.load(path: dataset)
        let name = (dataset as NSString).lastPathComponent
        if kind == .combined {
            let features = try Self.features(feature, routers: featureRouter, out: out)
            let result = try RouterTrainer.trainCombined(dataset: data, features: features, options: trainer, datasetName: name)
            try result.model.write(to: out)
            print(result.text(), terminator: "")
            print("weights (standardised logits): " + zip(features, result.model.combined!.head.weights)
                .map { "\($0.0.feature.name) \(String(format: "%+.3f", $0.1))" }.joined(separator: ", "))
            print("wrote the combined router to \(out)")
            return
        }
        guard feature.isEmpty else { throw EvaluationError(.option, "--feature is for --strategy combined") }
        _ = try RouterTrainer.labels(data)  // outcomes are checked by the loader; labels by the trainer
        try await CLIErrors.translating {
            let context = try options.context()
            let embedded = try await EmbeddedDataset.embed(data, context: context, cache: embeddingCache, concurrency: concurrency)
            let result = try RouterTrainer.trainEmbedding(kind: kind, dataset: data, vectors: embedded.vectors,
                                                          identity: embedded.identity, options: trainer, datasetName: name)
            var model = result.model
            model.training["embedding_seconds"] = String(format: "%.2f", embedded.seconds)
            model.training["training_seconds"] = String(format: "%.2f", result.seconds)
            try model.write(to: out)
            print("embeddings: \(embedded.identity.model), \(embedded.identity.dimensions) dimensions, \(embedded.counts.cached) cached, \(embedded.counts.computed) computed in \(String(format: "%.1f", embedded.seconds)) s")
            print(result.text(), terminator: "")
            print("wrote the \(kind.rawValue) router to \(out)")
        }
    }

    static func numbers(_ text: String, _ option: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! > 0 }) else {
            throw EvaluationError(.option, "\(option) \(text): give positive numbers separated by commas, e.g. 0.01,0.1,1")
        }
        return values.map { $0! }
    }

    /// `NAME=SCORES.csv` features with their router files (stored relative to the output's folder when possible).
    static func features(_ specs: [String], routers: [String], out: String) throws -> [(feature: CombinedHead.Feature, scores: ScoreTable, name: String)] {
        var routerFiles: [String: String] = [:]
        for spec in routers {
            let (name, path) = try pair(spec, "--feature-router")
            routerFiles[name] = path
        }
        let outFolder = URL(fileURLWithPath: out).deletingLastPathComponent().standardizedFileURL.path
        return try specs.map { spec in
            let (name, path) = try pair(spec, "--feature")
            guard CombinedHead.featureNames.contains(name) else {
                throw EvaluationError(.option, "--feature \(spec): unknown feature \(name); use one of \(CombinedHead.featureNames.joined(separator: ", "))")
            }
            var router: String?
            if name.hasPrefix("embedding-") {
                guard let file = routerFiles[name] else {
                    throw EvaluationError(.option, "--feature \(name) needs --feature-router \(name)=ROUTER.json (the router that made its scores)")
                }
                _ = try RouterModel.load(path: file)
                let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
                router = absolute.hasPrefix(outFolder + "/") ? String(absolute.dropFirst(outFolder.count + 1)) : absolute
            }
            return (CombinedHead.Feature(name: name, router: router), try ScoreTable.load(path: path), (path as NSString).lastPathComponent)
        }
    }

    static func pair(_ spec: String, _ option: String) throws -> (String, String) {
        guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
            throw EvaluationError(.option, "\(option) \(spec): expected NAME=FILE")
        }
        return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
    }
}

/// `escalator router compare DATASET --scores NAME=FILE ...`: APGR, CPT(50 %) and AUROC with intervals.
struct RouterCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare routers' scores on one dataset: APGR, CPT(50%) and AUROC with 95% bootstrap intervals.")

    @Argument(help: "The native JSONL dataset (e.g. the test side of `router split`).")
    var dataset: String

    @Option(help: "A router's scores, NAME=FILE.csv (repeatable; higher = escalate).")
    var scores: [String] = []

    @Option(help: "Bootstrap resamples.")
    var bootstrap: Int = 1000

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 0

    @Option(help: "Also write the table as Markdown to this file.")
    var markdown: String?

    func run() async throws {
        guard !scores.isEmpty else { throw EvaluationError(.option, "give at least one --scores NAME=FILE.csv") }
        guard bootstrap >= 1 else { throw EvaluationError(.option, "--bootstrap must be 1 or more") }
        let data = try Dataset.load(path: dataset)
        let tables = try scores.map { spec -> (name: String, table: ScoreTable) in
            let (name, path) = try RouterTrainCommand.pair(spec, "--scores")
            return (name, try ScoreTable.load(path: path))
        }
        let comparison = try RouterComparison(dataset: data, datasetName: (dataset as NSString).lastPathComponent, scores: tables,
                                              bootstrap: Bootstrap(resamples: bootstrap, seed: seed))
        print(comparison.text(), terminator: "")
        if let markdown {
            try AtomicFile.write(comparison.markdown(), to: markdown)
            print("wrote \(markdown)")
        }
    }
}

/// `escalator router status`: the router file and the embedding server.
struct RouterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the configured router file and whether embeddings can be had (the second llama-server).")

    @Flag(help: "Start the managed embedding server if needed, to prove it works.")
    var start = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CLIErrors.translating {
            let context = try options.context()
            let settings = context.settings
            print("strategy   \(settings.assessment.strategy)")
            let file = settings.routerFile
            do {
                let model = try RouterModel.load(path: file)
                let trained = model.embedding.map { " on \($0.model) (\($0.dimensions) dimensions)" } ?? ""
                print("router     \(file): \(model.kind.rawValue)\(trained); \(model.training["chosen"] ?? ""), validation AUROC \(model.training["validation_auroc"] ?? "n/a")")
            } catch {
                print("router     \(error)")
            }
            let check = await EmbeddingEndpoint.diagnose(settings, start: start, logger: context.logger)
            print("embeddings \(check.ok ? "ok" : "FAIL") \(check.detail)")
            if let fix = check.fix, !check.ok { print("           fix: \(fix)") }
        }
    }
}

/// `escalator router stop`: stops the managed embedding server.
struct RouterStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the managed embedding llama-server.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CLIErrors.translating {
            let context = try options.context()
            if let state = try EmbeddingEndpoint.managedServer(context.settings, logger: context.logger).stop() {
                print("stopped the embedding llama-server pid \(state.pid) at \(state.url)")
            } else {
                print("no managed embedding llama-server is running")
            }
        }
    }
}

/// A dataset's questions embedded by the configured embedding server (cached).
struct EmbeddedDataset {
    var vectors: [[Float]]
    var identity: RouterModel.EmbeddingIdentity
    var counts: Embedder.Counts
    var seconds: Double

    static func embedder(_ context: CommandContext, cache: String?) async throws -> Embedder {
        let settings = context.settings
        let endpoint = try await EmbeddingEndpoint.connect(settings, logger: context.logger)
        let cachePath = cache ?? LearnedRuntime.defaultCachePath(settings)
        return Embedder(endpoint: endpoint, cache: cachePath.isEmpty ? nil : try EmbeddingCache(path: cachePath),
                        batch: settings.embedding.batch)
    }

    static func embed(_ data: Dataset, context: CommandContext, cache: String?, concurrency: Int?,
                      embedder given: Embedder? = nil) async throws -> EmbeddedDataset {
        let embedder: Embedder
        if let given { embedder = given } else { embedder = try await Self.embedder(context, cache: cache) }
        let start = ContinuousClock.now
        let texts = data.items.map { $0.question.trimmingCharacters(in: .whitespacesAndNewlines) }
        let total = Set(texts).count
        let (vectors, counts) = try await embedder.vectors(for: texts, concurrency: concurrency ?? context.settings.embedding.parallel) { done in
            FileHandle.standardError.write(Data("\rembedded \(done) new questions".utf8))
        }
        if counts.computed > 0 { FileHandle.standardError.write(Data(" (of \(total) distinct)\n".utf8)) }
        let identity = RouterModel.EmbeddingIdentity(model: embedder.model, dimensions: vectors.first?.count ?? 0,
                                                     pooling: context.settings.embedding.url.isEmpty ? context.settings.embedding.pooling.rawValue : "server")
        return EmbeddedDataset(vectors: vectors, identity: identity, counts: counts,
                               seconds: (ContinuousClock.now - start).milliseconds / 1000)
    }
}
