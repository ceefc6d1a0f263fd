import Foundation
import Testing
@testable import LlamaClient

@Suite struct CompletionRequestTests {
    func json(_ r: CompletionRequest) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
    }

    @Test func emptyGrammarIsNeverSent() throws {
        let body = try json(CompletionRequest(prompt: "p", grammar: "", jsonSchema: .object(["type": .string("object")])))
        #expect(body["grammar"] == nil)
        #expect(body["json_schema"] != nil)
    }

    @Test func unsetFieldsAreOmittedAndSetOnesUseServerNames() throws {
        let body = try json(CompletionRequest(prompt: "p", nPredict: 1, temperature: 0, idSlot: 2, grammar: "root ::= [1-9]", nProbs: 20))
        #expect(Set(body.keys) == ["prompt", "n_predict", "temperature", "cache_prompt", "id_slot", "grammar", "n_probs"])
        #expect(body["n_probs"] as? Int == 20)
    }

    @Test func errorBodiesMapToTypedCodes() {
        let context = LlamaServerClient.error(status: 400, body: Array(#"{"error":{"code":400,"message":"request (5002 tokens) exceeds the available context size (2048 tokens)","type":"exceed_context_size_error","n_prompt_tokens":5002,"n_ctx":2048}}"#.utf8), url: "u")
        #expect(context.code == .contextExceeded)
        #expect(context.promptTokens == 5002 && context.contextSize == 2048)
        #expect(context.description.contains("exceeds the available context size"))
        let loading = LlamaServerClient.error(status: 503, body: Array(#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#.utf8), url: "u")
        #expect(loading.code == .loading && loading.message == "Loading model")
        let grammar = LlamaServerClient.error(status: 400, body: Array(#"{"error":{"code":400,"message":"failed to parse grammar","type":"invalid_request_error"}}"#.utf8), url: "u")
        #expect(grammar.code == .badRequest && grammar.httpStatus == 400)
        let html = LlamaServerClient.error(status: 502, body: Array("<html>bad gateway</html>".utf8), url: "u")
        #expect(html.code == .serverError && html.message.contains("bad gateway"))
    }
}
