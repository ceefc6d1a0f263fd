#!/usr/bin/env bash
# `make demo`: starts the embedded defaults and routes sample questions, showing each decision.
set -euo pipefail
ESC=${1:-.build/debug/escalator}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUESTIONS=$ROOT/prompts/demo-questions.txt

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
CLAUDE=$CACHE/bin/claude
STANDIN=$(cd "$(dirname "$ESC")" && pwd)/api-standin
[ -x "$CLAUDE" ] || { echo "Claude Code is not installed at $CLAUDE: run make setup" >&2; exit 1; }
[ -x "$STANDIN" ] || { echo "missing $STANDIN: run make build" >&2; exit 1; }
DEMO=$CACHE/demo
STANDIN_PID=""
cleanup() {
  set +e
  tmux -L escalator-demo kill-server 2>/dev/null
  if [ -n "$STANDIN_PID" ]; then kill "$STANDIN_PID" 2>/dev/null; wait "$STANDIN_PID" 2>/dev/null; fi
}
trap cleanup EXIT

echo "==> escalator doctor --start   (checks each part; starts the managed llama-server if needed)"
was_running=$("$ESC" local status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["managed_state"])')
"$ESC" doctor --start || { echo "doctor found a problem; see the fix lines above"; exit 1; }
LOCAL_URL=$("$ESC" local status --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["configured_url"] if d["configured_state"] == "ready" else "http://127.0.0.1:%d" % d["managed"]["port"])')

# The remote tiers: the REAL Claude Code CLI ($("$CLAUDE" --version)) in local tmux sessions
# escalator-sonnet and escalator-opus (tmux socket escalator-demo). It talks to api-standin, the
# project's LOCAL STAND-IN for the Anthropic API, which forwards each question to the same small
# llama-server model: no Anthropic account, no network, and the "sonnet" and "opus" answers come
# from a 270M model. The CLI gets its own HOME under $DEMO (onboarding done, the stand-in's fake
# key approved); its folder-trust dialog is answered by remote.trust = accept.
rm -rf "$DEMO" && mkdir -p "$DEMO/claude-home" "$DEMO/workspace"
KEY=sk-ant-api03-escalator-demo-standin-key-not-a-real-key-0000
printf '{"hasCompletedOnboarding": true, "customApiKeyResponses": {"approved": ["%s"], "rejected": []}}\n' "${KEY: -20}" \
  > "$DEMO/claude-home/.claude.json"
echo '{"default": {"reply": "OK"}, "rules": []}' > "$DEMO/standin-script.json"
"$STANDIN" --host 127.0.0.1 --port 0 --script "$DEMO/standin-script.json" --log "$DEMO/standin-requests.jsonl" \
  --ready-file "$DEMO/standin-ready.json" --passthrough "$LOCAL_URL" --passthrough-max-tokens 96 \
  >"$DEMO/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 100); do [ -s "$DEMO/standin-ready.json" ] && break; kill -0 "$STANDIN_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$DEMO/standin-ready.json" ] || { echo "api-standin did not start:" >&2; cat "$DEMO/standin.out" >&2; exit 1; }
STANDIN_PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$DEMO/standin-ready.json")
export ESCALATOR_REMOTE_COMMAND="/usr/bin/env HOME=$DEMO/claude-home ANTHROPIC_API_KEY=$KEY ANTHROPIC_BASE_URL=http://127.0.0.1:$STANDIN_PORT CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 $CLAUDE"
export ESCALATOR_REMOTE_DIRECTORY=$DEMO/workspace
export ESCALATOR_REMOTE_TMUX_SOCKET=escalator-demo
echo
echo "==> remote tiers: the real Claude Code CLI ($("$CLAUDE" --version)) in tmux, against a LOCAL API STAND-IN"
echo "    api-standin pid $STANDIN_PID on 127.0.0.1:$STANDIN_PORT forwards every question to the small local model"
echo "    at $LOCAL_URL: no Anthropic account is used and the remote answers are the 270M model's."
echo "    For a real deployment: escalator init, then in config.toml [remote] transport = \"ssh\", host = \"your-host\","
echo "    command = \"claude\" (logged in to your account there, no ANTHROPIC_BASE_URL), and escalator trust-host your-host."
"$ESC" doctor | grep 'remote agent' | sed 's/^/    /'

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
echo "==> watch the agents with:"
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
echo "==> what the stand-in was asked (its request log: model and the question as the CLI sent it)"
python3 - "$DEMO/standin-requests.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] != "/v1/messages":
        continue
    text = (r.get("last_user_text") or "").strip().replace("\n", " ")
    print("    %-18s %-12s %5d ms  %s" % (r.get("model"), r.get("rule"), r["finished_at_ms"] - r["received_at_ms"], text[:60]))
PY
echo
echo "==> stopping the demo's tmux server (socket escalator-demo) and the stand-in (pid $STANDIN_PID)"
cleanup
STANDIN_PID=""

echo
echo "==> escalator local status"
"$ESC" local status
if [ "$was_running" != "ready" ]; then
  echo
  echo "==> escalator local stop   (the demo started it; in normal use it stays up and is reused)"
  "$ESC" local stop
fi
