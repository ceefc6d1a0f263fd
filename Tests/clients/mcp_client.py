"""Drives `escalator mcp` with the official `mcp` Python package's stdio client (as a local agent
would) and prints one JSON report of what it saw; the Swift test (McpCLITests) checks it.

Usage: python mcp_client.py ESCALATOR_BINARY [escalator mcp arguments...]
The server inherits this process's environment (the test's private HOME and config).
Steps: list the tools; ask on the local tier; assess; bad arguments; a slow escalation with a
progress token, with a ping and a stats call sent while it runs; a second slow escalation
cancelled after its first progress notification; stats until the cancelled question is recorded.
"""
import json
import os
import sys
import tempfile
import time

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

# No step waits longer than this for a notification (the report says which one did not come).
WAIT_SECONDS = 60
SLOW_QUESTION = "Take your time with this one [slow]"
CANCELLED_QUESTION = "This one will be cancelled [slow]"


def now():
    return time.monotonic()


def result_dict(result, started):
    return {
        "is_error": bool(result.is_error),
        "texts": [c.text for c in result.content if getattr(c, "type", None) == "text"],
        "structured": result.structured_content,
        "seconds": round(now() - started, 3),
    }


async def main():
    binary, args = sys.argv[1], sys.argv[2:]
    report = {"stream_errors": []}
    errlog = tempfile.TemporaryFile(mode="w+")
    t0 = now()

    async def on_message(message):
        if isinstance(message, Exception):
            report["stream_errors"].append(repr(message))

    params = StdioServerParameters(command=binary, args=["mcp", *args], env=dict(os.environ))
    try:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, message_handler=on_message) as session:
                init = await session.initialize()
                report["server"] = {"name": init.server_info.name, "protocol": init.protocol_version,
                                    "instructions": init.instructions}
                tools = await session.list_tools()
                report["list_tools_seconds"] = round(now() - t0, 3)
                report["tools"] = {t.name: {"required": t.input_schema.get("required", []),
                                            "properties": sorted(t.input_schema.get("properties", {}).keys()),
                                            "tier_enum": t.input_schema.get("properties", {}).get("tier", {}).get("enum")}
                                   for t in tools.tools}

                started = now()
                report["ask_local"] = result_dict(await session.call_tool(
                    "ask", {"question": "Name a colour.", "tier": "local"}), started)
                started = now()
                report["assess"] = result_dict(await session.call_tool(
                    "assess", {"question": "What is the capital of France?"}), started)

                bad = {}
                for name, tool, arguments in [
                    ("missing_question", "ask", {}),
                    ("unknown_tier", "ask", {"question": "What is 2+2?", "tier": "gpt-9"}),
                    ("unknown_max_tier", "ask", {"question": "What is 2+2?", "max_tier": "huge"}),
                    ("question_not_a_string", "ask", {"question": 42}),
                    ("unknown_argument", "assess", {"question": "Hi", "temperature": 0.2}),
                ]:
                    started = now()
                    bad[name] = result_dict(await session.call_tool(tool, arguments), started)
                report["bad_arguments"] = bad

                # A slow escalation with progress; meanwhile the server must still answer others.
                progress = []
                first_progress = anyio.Event()

                async def on_progress(value, total, message):
                    progress.append({"at": round(now() - slow_started, 3), "progress": value, "message": message})
                    first_progress.set()

                slow = {}
                during = {}

                async def run_slow():
                    result = await session.call_tool("ask", {"question": SLOW_QUESTION, "tier": "opus"},
                                                     progress_callback=on_progress)
                    slow.update(result_dict(result, slow_started))
                    slow["progress_before_result"] = len(progress)

                async def while_running():
                    with anyio.move_on_after(WAIT_SECONDS):
                        await first_progress.wait()
                    if not first_progress.is_set():
                        during["no_progress_within_seconds"] = WAIT_SECONDS
                        return
                    started = now()
                    await session.send_ping()
                    during["ping_seconds"] = round(now() - started, 3)
                    during["ping_before_result"] = not slow
                    stats = await session.call_tool("stats", {})
                    during["stats_is_error"] = bool(stats.is_error)
                    during["stats_before_result"] = not slow

                slow_started = now()
                async with anyio.create_task_group() as group:
                    group.start_soon(run_slow)
                    group.start_soon(while_running)
                report["slow_ask"] = slow
                report["slow_progress"] = progress
                report["during_slow_ask"] = during

                # Cancelled mid-escalation: the client sends notifications/cancelled.
                cancelled_progress = []
                routed = anyio.Event()

                async def on_cancel_progress(value, total, message):
                    cancelled_progress.append(message)
                    routed.set()

                cancelled = {"result": None}
                async with anyio.create_task_group() as group:
                    async def call():
                        result = await session.call_tool("ask", {"question": CANCELLED_QUESTION, "tier": "opus"},
                                                         progress_callback=on_cancel_progress)
                        cancelled["result"] = result_dict(result, t0)
                    group.start_soon(call)
                    with anyio.move_on_after(WAIT_SECONDS):
                        await routed.wait()
                    group.cancel_scope.cancel()
                cancelled["progress"] = cancelled_progress
                # The cancelled question is recorded as failed: wait for it in the stats (deadline 60 s).
                deadline = now() + 60
                failed = None
                while now() < deadline:
                    stats = await session.call_tool("stats", {})
                    failed = (stats.structured_content or {}).get("failed")
                    if failed:
                        break
                    await anyio.sleep(0.25)
                cancelled["failed_in_stats"] = failed
                report["cancelled_ask"] = cancelled
                final = await session.call_tool("stats", {})
                report["final_stats"] = final.structured_content
    finally:
        errlog.seek(0)
        report["server_stderr"] = errlog.read()[-4000:]
        report["total_seconds"] = round(now() - t0, 3)
        print(json.dumps(report))


if __name__ == "__main__":
    anyio.run(main)
