import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Routing

@Suite struct BatchOutputFileTests {
    private func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    private func answer(_ id: String, _ status: String) -> String {
        "{\"id\":\"\(id)\",\"status\":\"\(status)\",\"answer\":\"text for \(id)\"}"
    }

    @Test func createsTheFileAndItsFoldersAndAppendsCompleteLines() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("runs/2024/answers.jsonl")
        let file = try BatchOutputFile(path: path, resume: false)
        #expect(file.answeredIDs.isEmpty && file.erroredIDs.isEmpty && file.droppedBytes == 0)
        try file.append(answer("a", "ok"))
        try file.append(answer("b", "error"))
        file.close()
        #expect(try contents(path) == answer("a", "ok") + "\n" + answer("b", "error") + "\n")
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o700 == 0o600)  // 0644 less the umask: read-write for the owner,
        #expect(info.st_mode & 0o111 == 0)      // executable by nobody
    }

    @Test func refusesAFileWithAnswersUnlessResuming() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("answers.jsonl")
        let existing = answer("a", "ok") + "\n" + answer("b", "ok") + "\n"
        try existing.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: RoutingError.self) { try BatchOutputFile(path: path, resume: false) }
        #expect(error.problem == "\(path) already has 2 answers")
        #expect(error.fix == "pass --resume to continue that batch, or choose another --output")
        #expect(try contents(path) == existing)

        try "".write(toFile: dir.file("empty.jsonl"), atomically: true, encoding: .utf8)
        let empty = try BatchOutputFile(path: dir.file("empty.jsonl"), resume: false)
        try empty.append(answer("c", "ok"))
        #expect(try contents(dir.file("empty.jsonl")) == answer("c", "ok") + "\n")
    }

    @Test func resumeDropsACutOffLastLineAndReadsTheStatuses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("answers.jsonl")
        let complete = [answer("a", "ok"), answer("b", "error"), answer("c", "error"), answer("c", "ok"),
                        answer("d", "skipped"), "", answer("e", "error"), answer("e", "error")]
            .joined(separator: "\n") + "\n"
        let partial = "{\"id\":\"f\",\"status\":\"ok\",\"answer\":\"cut off he"
        try (complete + partial).write(toFile: path, atomically: true, encoding: .utf8)

        let file = try BatchOutputFile(path: path, resume: true)
        #expect(file.answeredIDs == ["a", "c"])
        #expect(file.erroredIDs == ["b", "e"])
        #expect(file.droppedBytes == partial.utf8.count)
        #expect(try contents(path) == complete)

        try file.append(answer("f", "ok"))
        file.close()
        #expect(try contents(path) == complete + answer("f", "ok") + "\n")

        let again = try BatchOutputFile(path: path, resume: true)
        #expect(again.answeredIDs == ["a", "c", "f"])
        #expect(again.droppedBytes == 0)
    }

    @Test func resumeOfAMissingOrWhollyCutOffFileStartsEmpty() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = try BatchOutputFile(path: dir.file("new/answers.jsonl"), resume: true)
        #expect(missing.answeredIDs.isEmpty && missing.droppedBytes == 0)
        #expect(FileManager.default.fileExists(atPath: dir.file("new/answers.jsonl")))

        let partial = "{\"id\":\"a\",\"sta"
        try partial.write(toFile: dir.file("cut.jsonl"), atomically: true, encoding: .utf8)
        let cut = try BatchOutputFile(path: dir.file("cut.jsonl"), resume: true)
        #expect(cut.answeredIDs.isEmpty && cut.droppedBytes == partial.utf8.count)
        #expect(try contents(dir.file("cut.jsonl")) == "")
    }

    @Test func resumeRefusesAFileThatIsNotABatchOutputWithoutChangingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cases: [(text: String, line: Int)] = [
            ("hello\nworld\n", 1),
            (answer("a", "ok") + "\n\n{\"status\":\"ok\"}\n", 3),
            (answer("a", "ok") + "\n{\"id\": 7, \"status\":\"ok\"}\n", 2),
            (answer("a", "ok") + "\n[\"a\"]\n", 2),
            (answer("a", "ok") + "\nplain text, no newline", 2),
        ]
        for (index, (text, line)) in cases.enumerated() {
            let path = dir.file("other-\(index).txt")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: RoutingError.self) { try BatchOutputFile(path: path, resume: true) }
            #expect(error.problem.hasPrefix("line \(line) of \(path) "), "\(error.problem)")
            #expect(try contents(path) == text)
        }
    }

    @Test func concurrentAppendsLeaveOnlyCompleteLines() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("answers.jsonl")
        let file = try BatchOutputFile(path: path, resume: false)
        let count = 200
        // Long lines, so an interleaved write would show up as a broken line.
        let filler = String(repeating: "x", count: 5000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<count {
                group.addTask { try file.append("{\"id\":\"q\(i)\",\"status\":\"ok\",\"answer\":\"\(filler)\"}") }
            }
            try await group.waitForAll()
        }
        file.close()

        let text = try contents(path)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == count)
        var ids: Set<String> = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(object["answer"] == filler)
            ids.insert(try #require(object["id"]))
        }
        #expect(ids == Set((0..<count).map { "q\($0)" }))
        #expect(try BatchOutputFile(path: path, resume: true).answeredIDs == ids)
    }

    @Test func appendRefusesLineBreaksAndAClosedFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try BatchOutputFile(path: dir.file("a.jsonl"), resume: false)
        #expect(throws: RoutingError.self) { try file.append("{\"id\":\"a\",\n\"status\":\"ok\"}") }
        file.close()
        file.close()
        #expect(throws: RoutingError.self) { try file.append(answer("a", "ok")) }
        #expect(try contents(dir.file("a.jsonl")) == "")
    }

    // MARK: - Through the syscall seam

    /// Real calls, with `write` replaced by `write`.
    private func calls(write: @escaping @Sendable (Int32, UnsafeRawBufferPointer) -> Int,
                       fsync: @escaping @Sendable (Int32) -> Int32 = { Glibc.fsync($0) }) -> BatchOutputFile.Syscalls {
        var calls = BatchOutputFile.Syscalls.system
        calls.write = write
        calls.fsync = fsync
        return calls
    }

    @Test func partialWritesAndInterruptsAreRetried() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a.jsonl")
        let callCount = Mutex(0)
        // Every other call is interrupted; the others write at most 3 bytes.
        let file = try BatchOutputFile(path: path, resume: false, calls: calls(write: { fd, bytes in
            let n = callCount.withLock { $0 += 1; return $0 }
            if n.isMultiple(of: 2) {
                errno = EINTR
                return -1
            }
            return Glibc.write(fd, bytes.baseAddress, min(3, bytes.count))
        }))
        try file.append(answer("a", "ok"))
        try file.append(answer("b", "ok"))
        #expect(try contents(path) == answer("a", "ok") + "\n" + answer("b", "ok") + "\n")
        #expect(callCount.withLock { $0 } > 2 * answer("a", "ok").utf8.count / 3)
    }

    @Test func aFailedWriteNamesTheFileAndReasonAndTakesBackThePartialLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a.jsonl")
        let callCount = Mutex(0)
        // Call 1 writes 10 bytes, call 2 reports a full disk, later calls write normally.
        let file = try BatchOutputFile(path: path, resume: false, calls: calls(write: { fd, bytes in
            switch callCount.withLock({ $0 += 1; return $0 }) {
            case 1: return Glibc.write(fd, bytes.baseAddress, min(10, bytes.count))
            case 2: errno = ENOSPC; return -1
            default: return Glibc.write(fd, bytes.baseAddress, bytes.count)
            }
        }))
        let error = try #require(throws: RoutingError.self) { try file.append(answer("a", "ok")) }
        #expect(error.problem.contains(path))
        #expect(error.problem.contains(String(cString: strerror(ENOSPC))))
        #expect(try contents(path) == "")
        // The 10 bytes were taken back, so the next answer starts the file on a line of its own.
        try file.append(answer("b", "ok"))
        #expect(try contents(path) == answer("b", "ok") + "\n")
    }

    @Test func aFailedSyncRefusesLaterAppends() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a.jsonl")
        let syncs = Mutex(0)
        let file = try BatchOutputFile(path: path, resume: false, calls: calls(
            write: { Glibc.write($0, $1.baseAddress, $1.count) },
            fsync: { fd in
                // The first sync (the folder's, at creation) and the first append's pass; the next fails.
                if syncs.withLock({ $0 += 1; return $0 }) == 3 {
                    errno = EIO
                    return -1
                }
                return Glibc.fsync(fd)
            }))
        try file.append(answer("a", "ok"))
        let error = try #require(throws: RoutingError.self) { try file.append(answer("b", "ok")) }
        #expect(error.problem.contains(String(cString: strerror(EIO))))
        let later = try #require(throws: RoutingError.self) { try file.append(answer("c", "ok")) }
        #expect(later.problem.contains("an earlier write failed"))
    }
}
