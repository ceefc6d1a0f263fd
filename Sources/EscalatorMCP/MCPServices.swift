import Logging
import Routing

/// What the MCP tools need from the command that starts the server: the loaded settings (the
/// tier table names the tiers a client may ask for), the ledger every answer is recorded in, and
/// how to build a router for one question (as `escalator ask` does: each question gets its own,
/// so a tier found down for one question is tried again for the next).
public struct MCPServices: Sendable {
    public var settings: Settings
    public var ledger: Ledger
    public var router: @Sendable () async throws -> Router
    public var logger: Logger

    public init(settings: Settings, ledger: Ledger, router: @escaping @Sendable () async throws -> Router, logger: Logger) {
        self.settings = settings
        self.ledger = ledger
        self.router = router
        self.logger = logger
    }
}
