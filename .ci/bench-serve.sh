#!/usr/bin/env bash
# `escalator serve` overhead: requests answered locally through serve (model auto, routed to the
# local tier) against the same questions sent straight to llama-server's own OpenAI endpoint.
# Overhead per request = the client's wall time minus the question path's own total (assessment +
# answer), i.e. HTTP, JSON, routing glue and the ledger write.
# Usage: .ci/bench-serve.sh BIN_DIR   Env: QUESTIONS (30)
set -euo pipefail
BIN=$(cd "${1:?usage: $0 BIN_DIR}" && pwd)
QUESTIONS=${QUESTIONS:-30}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
SERVER=$CACHE/bin/llama-server
MODEL=$CACHE/models/gemma-3-270m-q4_k_m.gguf
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python
for f in "$SERVER" "$BIN/escalator" "$PY"; do [ -x "$f" ] || { echo "missing $f (make setup; swift build -c release)" >&2; exit 1; }; done
WORK=$(mktemp -d /tmp/escalator-bench-serve.XXXXXX)
LLAMA_PID=""; SERVE_PID=""
cleanup() {
    set +e
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -n "$LLAMA_PID" ] && kill "$LLAMA_PID" 2>/dev/null && wait "$LLAMA_PID" 2>/dev/null
    [ "${KEEP:-}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
LP=$(free_port); SP=$(free_port)
"$SERVER" -m "$MODEL" --host 127.0.0.1 --port "$LP" -np 2 -c 4096 --swa-full >"$WORK/llama.log" 2>&1 &
LLAMA_PID=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$LP/health" >/dev/null 2>&1 && break; sleep 0.1; done
env HOME="$WORK" XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state" XDG_DATA_HOME="$WORK/data" \
    ESCALATOR_LOCAL_URL="http://127.0.0.1:$LP" ESCALATOR_LOCAL_MANAGED=never ESCALATOR_LOCAL_ANSWER_MAX_TOKENS=16 \
    ESCALATOR_TIERS_LOCAL_MIN_P=0 ESCALATOR_TIERS_SONNET_MIN_P=0 ESCALATOR_ASSESSMENT_PROMPTS_DIR="$ROOT/prompts" \
    "$BIN/escalator" serve --port "$SP" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$SP/health" >/dev/null 2>&1 && break; sleep 0.1; done
echo "== escalator serve vs llama-server's own endpoint (${QUESTIONS} questions, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
curl -sf "http://127.0.0.1:$SP/health" >/dev/null || { echo "escalator serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
"$PY" "$ROOT/.ci/bench_serve.py" "http://127.0.0.1:$LP" "http://127.0.0.1:$SP" "$QUESTIONS"
