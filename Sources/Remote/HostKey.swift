import CLibSSH2
import Foundation

/// A server's host key as presented during the handshake.
public struct HostKey: Sendable, Equatable, CustomStringConvertible {
    /// The raw key blob (SSH wire format).
    public var blob: [UInt8]
    /// libssh2's host key type (`LIBSSH2_HOSTKEY_TYPE_*`).
    public var libssh2Type: Int32
    /// The SHA-256 digest of ``blob`` (from `libssh2_hostkey_hash`).
    public var sha256: [UInt8]

    public init(blob: [UInt8], libssh2Type: Int32, sha256: [UInt8]) {
        self.blob = blob
        self.libssh2Type = libssh2Type
        self.sha256 = sha256
    }

    /// The OpenSSH key type name, such as `ssh-ed25519`.
    public var typeName: String {
        switch libssh2Type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: "ssh-rsa"
        case LIBSSH2_HOSTKEY_TYPE_DSS: "ssh-dss"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: "ecdsa-sha2-nistp256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: "ecdsa-sha2-nistp384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: "ecdsa-sha2-nistp521"
        case LIBSSH2_HOSTKEY_TYPE_ED25519: "ssh-ed25519"
        default: "unknown"
        }
    }

    /// The OpenSSH-style fingerprint, `SHA256:` followed by unpadded base64 (as `ssh-keygen -lf` prints).
    public var fingerprint: String {
        "SHA256:" + Data(sha256).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The key in known_hosts form: type name and base64 blob.
    public var openSSHText: String { typeName + " " + Data(blob).base64EncodedString() }

    public var description: String { "\(typeName) key \(fingerprint)" }

    /// libssh2's known-hosts key-type bits for this key.
    var knownHostKeyBits: Int32 {
        switch libssh2Type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: LIBSSH2_KNOWNHOST_KEY_SSHRSA
        case LIBSSH2_HOSTKEY_TYPE_DSS: LIBSSH2_KNOWNHOST_KEY_SSHDSS
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: LIBSSH2_KNOWNHOST_KEY_ECDSA_256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: LIBSSH2_KNOWNHOST_KEY_ECDSA_384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: LIBSSH2_KNOWNHOST_KEY_ECDSA_521
        case LIBSSH2_HOSTKEY_TYPE_ED25519: LIBSSH2_KNOWNHOST_KEY_ED25519
        default: LIBSSH2_KNOWNHOST_KEY_UNKNOWN
        }
    }

    /// Reads the host key of a session after its handshake.
    static func of(_ session: borrowing LibSSH2Session) -> HostKey? {
        var length = 0
        var type: Int32 = 0
        guard let pointer = libssh2_session_hostkey(session.raw, &length, &type), length > 0 else { return nil }
        let blob = pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        guard let hash = libssh2_hostkey_hash(session.raw, LIBSSH2_HOSTKEY_HASH_SHA256) else { return nil }
        let digest = hash.withMemoryRebound(to: UInt8.self, capacity: 32) { Array(UnsafeBufferPointer(start: $0, count: 32)) }
        return HostKey(blob: blob, libssh2Type: type, sha256: digest)
    }
}

/// The outcome of looking a host key up in known_hosts files.
public enum KnownHostsStatus: Sendable, Equatable {
    /// A recorded key for the host equals the presented key.
    case match
    /// The host is recorded with a different key of the same type.
    case mismatch
    /// The host is not recorded (with a key of this type).
    case notFound
}

/// Reading and appending OpenSSH known_hosts files through libssh2's knownhost API.
public enum KnownHostsFile {
    /// The name a host has in known_hosts: `host` for port 22, else `[host]:port`.
    public static func entryName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// Looks `key` up for `host`/`port` in all `files` that exist.
    ///
    /// Lines libssh2 cannot parse (certificates, security-key types) are skipped one by one instead of
    /// failing the whole file, which `libssh2_knownhost_readfile` would do.
    public static func check(_ key: HostKey, host: String, port: Int, files: [String]) throws(RemoteError) -> KnownHostsStatus {
        let collection = try Collection()
        for file in files where FileManager.default.fileExists(atPath: file) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RemoteError(.knownHostsFailed, call: "read", message: "cannot read known_hosts file \(file); check its permissions")
            }
            collection.load(String(decoding: data, as: UTF8.self))
        }
        let rc = key.blob.withUnsafeBytes { bytes in
            libssh2_knownhost_checkp(collection.raw, host, Int32(port), bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                                     bytes.count, LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | key.knownHostKeyBits, nil)
        }
        switch rc {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH: return .match
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: return .mismatch
        default: return .notFound
        }
    }

    /// The known_hosts line recording `key` for `host`/`port` (built by `libssh2_knownhost_addc`
    /// and `libssh2_knownhost_writeline`), ending in a newline.
    public static func line(for key: HostKey, host: String, port: Int, comment: String = "added by escalator trust-host") throws(RemoteError) -> String {
        let collection = try Collection()
        let name = entryName(host: host, port: port)
        var node: UnsafeMutablePointer<libssh2_knownhost>?
        let added = key.blob.withUnsafeBytes { bytes in
            libssh2_knownhost_addc(collection.raw, name, nil, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count,
                                   comment, comment.utf8.count,
                                   LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | key.knownHostKeyBits, &node)
        }
        guard added == 0, let node else {
            throw RemoteError(.knownHostsFailed, call: "libssh2_knownhost_addc", cCode: added, message: "libssh2 rejected the host key for \(name)")
        }
        var buffer = [CChar](repeating: 0, count: 16384)
        var length = 0
        let rc = libssh2_knownhost_writeline(collection.raw, node, &buffer, buffer.count, &length, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
        guard rc == 0 else {
            throw RemoteError(.knownHostsFailed, call: "libssh2_knownhost_writeline", cCode: rc, message: "libssh2 could not format the known_hosts line for \(name)")
        }
        let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// Records `key` for `host`/`port` in `file` (created with its directory if missing).
    /// - Parameter replace: When true, plain (unhashed) lines naming exactly this host are removed first.
    public static func add(_ key: HostKey, host: String, port: Int, to file: String, replace: Bool) throws(RemoteError) {
        let newLine = try line(for: key, host: host, port: port)
        let name = entryName(host: host, port: port)
        var existing = ""
        if let data = FileManager.default.contents(atPath: file) { existing = String(decoding: data, as: UTF8.self) }
        if replace {
            existing = existing.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                guard let hosts = line.split(separator: " ", maxSplits: 1).first else { return true }
                return !hosts.split(separator: ",").contains { $0 == name }
            }.joined(separator: "\n")
        }
        if !existing.isEmpty && !existing.hasSuffix("\n") { existing += "\n" }
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data((existing + newLine).utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw RemoteError(.knownHostsFailed, call: "write", libraryMessage: "\(error)",
                              message: "cannot write known_hosts file \(file); check the directory's permissions")
        }
    }

    /// A libssh2 known-hosts collection. libssh2 ties it to a session, so it owns a throwaway one.
    private final class Collection {
        let session: OpaquePointer
        let raw: OpaquePointer

        init() throws(RemoteError) {
            guard LibSSH2Global.initCode == 0, let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
                throw RemoteError(.knownHostsFailed, call: "libssh2_session_init_ex", message: "libssh2 could not allocate a session")
            }
            guard let raw = libssh2_knownhost_init(session) else {
                libssh2_session_free(session)
                throw RemoteError(.knownHostsFailed, call: "libssh2_knownhost_init", message: "libssh2 could not allocate a known-hosts collection")
            }
            self.session = session
            self.raw = raw
        }

        func load(_ text: String) {
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("@") { continue }
                _ = libssh2_knownhost_readline(raw, trimmed, trimmed.utf8.count, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
            }
        }

        deinit {
            libssh2_knownhost_free(raw)
            libssh2_session_free(session)
        }
    }
}
