"""Starts `escalator mcp`, asks a slow escalation with a progress token over raw JSON-RPC lines,
and after the first progress notification either closes the server's stdin (`eof`) or sends it
SIGTERM (`sigterm`). Prints one JSON report: how the server exited, how long it took, and every
line it wrote to stdout (each must be JSON-RPC). The Swift test (McpCLITests) checks it.

Usage: python mcp_shutdown.py ESCALATOR_BINARY eof|sigterm QUESTION [escalator mcp arguments...]
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time


def main():
    binary, mode, question, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    errlog = tempfile.TemporaryFile()
    server = subprocess.Popen([binary, "mcp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=errlog, env=dict(os.environ))
    report = {"mode": mode, "messages": [], "not_json": []}
    pending = b""

    def send(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()

    def read_until(predicate, timeout):
        """Reads stdout lines until one satisfies `predicate` (returned) or `timeout` (None)."""
        nonlocal pending
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    report["not_json"].append(line.decode(errors="replace"))
                    continue
                report["messages"].append(message)
                if predicate(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([server.stdout], [], [], left)
            if ready:
                chunk = os.read(server.stdout.fileno(), 65536)
                if not chunk:
                    return None
                pending += chunk

    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "shutdown-test", "version": "1"}}})
        report["initialized"] = read_until(lambda m: m.get("id") == 1, 30) is not None
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        send({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
              "params": {"name": "ask", "arguments": {"question": question, "tier": "opus"}, "_meta": {"progressToken": "slow"}}})
        # Routed (the question is on its path, the agent at work), or answered (too early to test).
        def waiting(m):
            return "waiting for the agent" in (m.get("params", {}).get("message") or "") or m.get("id") == 2
        progress = read_until(waiting, 90)
        report["progress_before_stop"] = progress is not None and progress.get("method") == "notifications/progress"
        started = time.monotonic()
        if mode == "eof":
            server.stdin.close()
        else:
            server.send_signal(signal.SIGTERM)
        try:
            report["exit_code"] = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            report["exit_code"] = None
        report["seconds_to_exit"] = round(time.monotonic() - started, 3)
        read_until(lambda m: False, 0.5)
        report["response_to_ask"] = any(m.get("id") == 2 for m in report["messages"])
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        errlog.seek(0)
        report["server_stderr"] = errlog.read().decode(errors="replace")[-4000:]
        print(json.dumps(report))


if __name__ == "__main__":
    main()
