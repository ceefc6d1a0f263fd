// claude-sim: a stand-in for Claude Code's terminal UI; built with the remote-escalation issue.
print("claude-sim")
