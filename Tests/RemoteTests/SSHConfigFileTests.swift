import Foundation
import Remote
import Testing

@Suite("ssh config parsing")
struct SSHConfigFileTests {
    static let sample = """
    # global defaults come first
    ServerAliveInterval 30

    Host gpu-box gpu
        HostName 10.0.0.7
        User alice
        Port 2222
        IdentityFile ~/.ssh/id_gpu
        IdentityFile %d/.ssh/second_%h

    Host=quoted
        HostName="quoted.example.com"
        Port=2200

    Host *.corp !bad.corp
        User corpuser
        IdentityFile ~/.ssh/corp

    Match host gpu-box
        User matched-should-be-ignored

    Host *
        User fallback
        Port 22
        IdentityFile ~/.ssh/id_ed25519
    """

    let file = SSHConfigFile(parsing: sample)

    @Test("an alias takes HostName, User, Port and accumulates IdentityFile; first value wins")
    func alias() {
        let s = file.settings(for: "gpu-box", homeDirectory: "/home/a", localUser: "me")
        #expect(s.hostName == "10.0.0.7")
        #expect(s.user == "alice")
        #expect(s.port == 2222)
        #expect(s.identityFiles == ["/home/a/.ssh/id_gpu", "/home/a/.ssh/second_10.0.0.7", "/home/a/.ssh/id_ed25519"])
        #expect(file.settings(for: "GPU", homeDirectory: "/h").hostName == "10.0.0.7")
    }

    @Test("key=value syntax and quoted values")
    func equalsAndQuotes() {
        let s = file.settings(for: "quoted", homeDirectory: "/h")
        #expect(s.hostName == "quoted.example.com")
        #expect(s.port == 2200)
        #expect(s.user == "fallback")
    }

    @Test("wildcards and negation")
    func patterns() {
        #expect(file.settings(for: "build.corp", homeDirectory: "/h").user == "corpuser")
        #expect(file.settings(for: "bad.corp", homeDirectory: "/h").user == "fallback")
        #expect(file.settings(for: "unknown", homeDirectory: "/h").hostName == nil)
        #expect(SSHConfigFile.matches(host: "a1", patterns: ["a?"]))
        #expect(!SSHConfigFile.matches(host: "a12", patterns: ["a?"]))
        #expect(SSHConfigFile.matches(host: "x.y.z", patterns: ["*.z"]))
    }

    @Test("an empty or comment-only file gives no settings")
    func empty() {
        let s = SSHConfigFile(parsing: "# nothing\n\n").settings(for: "h", homeDirectory: "/h")
        #expect(s == SSHHostSettings(alias: "h"))
    }

    @Test("SSHConfiguration applies the file, explicit values win, defaults fill the rest")
    func configurationResolve() throws {
        let dir = try TemporaryDirectoryForTests()
        defer { dir.remove() }
        let path = dir.path + "/config"
        try Self.sample.write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try SSHConfiguration(host: "gpu", homeDirectory: "/home/a", sshConfigPath: path).resolve()
        #expect(fromFile.hostName == "10.0.0.7" && fromFile.port == 2222 && fromFile.user == "alice")
        #expect(!fromFile.portWasExplicit)
        let overridden = try SSHConfiguration(host: "gpu", port: 2022, user: "bob", identityFiles: ["/k"], homeDirectory: "/home/a",
                                              sshConfigPath: path).resolve()
        #expect(overridden.port == 2022 && overridden.user == "bob" && overridden.identityFiles == ["/k"])
        let none = try SSHConfiguration(host: "plain", homeDirectory: "/home/a", sshConfigPath: "").resolve()
        #expect(none.hostName == "plain" && none.port == 22)
        #expect(none.identityFiles == ["/home/a/.ssh/id_ed25519", "/home/a/.ssh/id_ecdsa"])
    }
}

/// A temp directory without TestSupport's Foundation-heavy helpers.
struct TemporaryDirectoryForTests {
    let path: String
    init() throws {
        var template = Array("/tmp/escalator-remote-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw RemoteError(.ioFailed, call: "mkdtemp", message: "mkdtemp failed") }
        path = String(cString: made)
    }
    func remove() { _ = try? FileManager.default.removeItem(atPath: path) }
}
