#!/usr/bin/env bash
# `make demo`: starts the embedded defaults and routes sample questions, showing each decision.
set -euo pipefail
ESC=${1:-.build/debug/escalator}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUESTIONS=$ROOT/prompts/demo-questions.txt

# The remote tiers: claude-sim (the project's stand-in for Claude Code) in local tmux sessions
# escalator-sonnet and escalator-opus on a private tmux socket. To use a real machine running
# Claude Code instead: escalator init, then in config.toml set [remote] transport = "ssh",
# host = "your-host", command = "claude" (and run `escalator trust-host your-host` once).
SIM=$(cd "$(dirname "$ESC")" && pwd)/claude-sim
export ESCALATOR_REMOTE_COMMAND="$SIM --think-ms 800"
export ESCALATOR_REMOTE_TMUX_SOCKET=escalator-demo
echo "==> escalator doctor --start   (checks each part; starts the managed llama-server if needed)"
was_running=$("$ESC" local status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["managed_state"])')
"$ESC" doctor --start || { echo "doctor found a problem; see the fix lines above"; exit 1; }

SHOW=$(cat <<'PY'
import json, sys
r = json.load(sys.stdin)
a = r.get("assessment") or {}
route = r["route"]
first = (r["answer"].strip().splitlines() or [""])[0][:70]
print()
print("  Q: " + r["question"])
print("     pLocalCorrect %.2f (%s, %.0f ms)  ->  %s: %s" % (a.get("p_local_correct", float("nan")), a.get("strategy", "-"),
      a.get("elapsed_ms", 0), route["tier"], route["reason"]))
if r["degraded"]:
    print("     degraded: " + r["degraded_reason"])
print("     answered by %s in %.0f ms: %s" % (r["tier_used"], r["timings_ms"]["total"], first))
PY
)

# The 270M demo model cannot really judge itself: its pLocalCorrect sits around 0.70-0.77 for
# every question. The demo puts local_min inside that band so both kinds of decision show;
# with your own model, tune the thresholds with `escalator tune`.
DEMO_SETTINGS=(--set thresholds.local_min=0.75 --set thresholds.sonnet_min=0.72 --set local.answer_max_tokens=48)

echo
echo "==> remote tiers: claude-sim in tmux (socket escalator-demo); watch with:"
echo "      $("$ESC" attach sonnet --print)"
echo "      $("$ESC" attach opus --print)"
echo
echo "==> routing the sample questions in prompts/demo-questions.txt"
echo "    demo settings: ${DEMO_SETTINGS[*]}"
while IFS= read -r q; do
  [ -z "$q" ] && continue
  "$ESC" ask --json "${DEMO_SETTINGS[@]}" "$q" | python3 -c "$SHOW"
done < "$QUESTIONS"

echo
echo "==> a small batch under a budget: every question assessed first, escalations kept by expected gain per dollar"
BATCH_DIR=$(mktemp -d)
grep -v '^[[:space:]]*$' "$QUESTIONS" > "$BATCH_DIR/questions.txt"
echo "    escalator batch questions.txt --output answers.jsonl --budget 0.02 --remote-sessions 2 --dry-run"
"$ESC" batch "$BATCH_DIR/questions.txt" --output "$BATCH_DIR/answers.jsonl" --budget 0.02 --remote-sessions 2 --dry-run \
  "${DEMO_SETTINGS[@]}" | sed 's/^/    /'
echo "    escalator batch questions.txt --output answers.jsonl --budget 0.02 --remote-sessions 2"
"$ESC" batch "$BATCH_DIR/questions.txt" --output "$BATCH_DIR/answers.jsonl" --budget 0.02 --remote-sessions 2 --progress lines \
  "${DEMO_SETTINGS[@]}" 2>&1 | sed 's/^/    /'
rm -rf "$BATCH_DIR"
echo
echo "==> escalator stats   (every question above, from the ledger)"
"$ESC" stats | sed 's/^/    /'

echo
echo "==> what the opus agent's screen shows now (tmux capture-pane):"
tmux -L escalator-demo capture-pane -p -t escalator-opus 2>/dev/null | sed -n '1,14p' | sed 's/^/    | /' || echo "    (no opus question in this run)"
echo
echo "==> stopping the demo's tmux server (socket escalator-demo)"
tmux -L escalator-demo kill-server 2>/dev/null || true

echo
echo "==> escalator local status"
"$ESC" local status
if [ "$was_running" != "ready" ]; then
  echo
  echo "==> escalator local stop   (the demo started it; in normal use it stays up and is reused)"
  "$ESC" local stop
fi
