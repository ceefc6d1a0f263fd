import Foundation

/// A host the stand-in may listen on: loopback only (`127.0.0.0/8`, `::1` or `localhost`),
/// because it answers anyone with scripted replies and logs every prompt it receives.
struct LoopbackHost: Sendable {
    let address: String

    init(_ host: String) throws(NotLoopback) {
        switch host.lowercased() {
        case "localhost": address = "127.0.0.1"
        case "::1", "[::1]": address = "::1"
        default:
            var ipv4 = in_addr()
            guard inet_pton(AF_INET, host, &ipv4) == 1, UInt32(bigEndian: ipv4.s_addr) >> 24 == 127 else {
                throw NotLoopback(host: host)
            }
            address = host
        }
    }
}

/// `--host` named something other than a loopback address.
struct NotLoopback: Error, CustomStringConvertible {
    var host: String
    var description: String {
        "refusing to listen on \(host.debugDescription): api-standin serves loopback only (use 127.0.0.1, ::1 or localhost)"
    }
}
