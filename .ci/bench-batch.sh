#!/usr/bin/env bash
# `make bench` section for `escalator batch`: throughput of a batch of QUESTIONS distinct questions
#  (a) escalated (--tier sonnet) to claude-sim with a fixed think time, through K=1 vs K=4 agent
#      sessions (--remote-sessions), tmux on this machine (transport local). The sessions are kept
#      warm: one throwaway run with K=4 starts all four before anything is measured, and every
#      measured run reuses them (each question is still preceded by /clear). A llama-server is
#      started for the question-token counting the plan needs.
#  (b) answered locally (--tier local) by llama-server with -np 1 / --parallel 1 vs -np 4 /
#      --parallel 4, each slot with the same context (CTX_PER_SLOT), answers capped at
#      ANSWER_TOKENS. Every run gets a freshly started server (one warm-up request first), and the
#      two cases alternate, so load from elsewhere on the machine falls on both alike.
# Throughput = answered / escalator's own `wall_ms` (the answering phase, from `--json`).
# Every run must report answered == QUESTIONS and errors == 0, every answer from the forced tier
# (none degraded by a fallback), else the script fails. A missed target is reported, not fatal.
#
# Everything runs with HOME and XDG_* in a temporary folder (the user's config, ledger and score
# cache are untouched), ESCALATOR_* from the caller's environment removed, local.managed = never.
# Processes started here are recorded by pid / socket name and exactly those are stopped.
#
# Usage: .ci/bench-batch.sh RELEASE_BIN_DIR   (needs escalator and claude-sim in it)
# Env:   QUESTIONS (40), THINK_MS (1000), RUNS (1; with more, the median throughput per case),
#        ANSWER_TOKENS (48), CTX_PER_SLOT (2048)
set -euo pipefail

BIN=$(cd "${1:?usage: $0 RELEASE_BIN_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUESTIONS=${QUESTIONS:-40}
THINK_MS=${THINK_MS:-1000}
RUNS=${RUNS:-1}
ANSWER_TOKENS=${ANSWER_TOKENS:-48}
CTX_PER_SLOT=${CTX_PER_SLOT:-2048}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
SERVER=$CACHE/bin/llama-server
MODEL=$CACHE/models/gemma-3-270m-q4_k_m.gguf

echo
echo "## Batch throughput: $QUESTIONS questions, escalated with K=1 vs K=4 sessions; local with -np 1 vs -np 4"
for tool in escalator claude-sim; do
    [ -x "$BIN/$tool" ] || { echo "missing $BIN/$tool (build with: swift build -c release)" >&2; exit 1; }
done
for tool in tmux python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
if [ ! -x "$SERVER" ] || [ ! -f "$MODEL" ]; then
    echo "skipped: $SERVER or $MODEL missing (run make setup)"
    exit 0
fi

WORK=$(mktemp -d /tmp/escalator-bench-batch.XXXXXX)
SOCK="escalator-bench-batch-$$"   # the tmux server (-L) escalator starts the agent sessions in
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
stop_tmux() {
    # Exactly our socket: record the server's pid, ask it to exit, kill that pid if it lingers.
    local server
    server=$(tmux -L "$SOCK" display-message -p '#{pid}' 2>/dev/null || true)
    tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
    if [ -n "$server" ]; then
        for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$server" 2>/dev/null && kill -KILL "$server" 2>/dev/null
    fi
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
cleanup() {
    set +e
    stop_tmux
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PORT=""
start_server() { # SLOTS → a llama-server with SLOTS slots of CTX_PER_SLOT tokens each, warmed up
    local slots=$1
    PORT=$(free_port)
    "$SERVER" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c $((CTX_PER_SLOT * slots)) -np "$slots" --swa-full --no-ui \
        >"$WORK/llama-np$slots.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 240); do
        curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "llama-server exited; log:" >&2; tail -5 "$WORK/llama-np$slots.log" >&2; exit 1; }
        sleep 0.5
    done
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "llama-server did not become healthy" >&2; exit 1; }
    curl -sf -H 'Content-Type: application/json' -d '{"prompt":"Hello, how are you today?","n_predict":32}' \
        "http://127.0.0.1:$PORT/completion" >/dev/null
}

# --- an isolated environment for every escalator run ---
H=$WORK/home
mkdir -p "$H/config" "$H/data" "$H/state" "$H/cache"
UNSET=()
while IFS= read -r name; do UNSET+=(-u "$name"); done < <(env | sed -n 's/^\(ESCALATOR_[A-Za-z0-9_]*\)=.*/\1/p')
ISOLATED=(env "${UNSET[@]}" HOME="$H" XDG_CONFIG_HOME="$H/config" XDG_DATA_HOME="$H/data"
          XDG_STATE_HOME="$H/state" XDG_CACHE_HOME="$H/cache"
          ESCALATOR_LOCAL_MANAGED=never ESCALATOR_REMOTE_TRANSPORT=local
          ESCALATOR_REMOTE_TMUX_SOCKET="$SOCK"
          ESCALATOR_REMOTE_COMMAND="$BIN/claude-sim --think-ms $THINK_MS")

# --- QUESTIONS distinct short questions, one per line ---
python3 - "$QUESTIONS" > "$WORK/questions.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(1, n + 1):
    a, b = 17 * i + 3, 29 * i % 97 + 2
    print(f"Question {i}: what is {a} plus {b}? Answer with the number only.")
PY
[ "$(sort -u "$WORK/questions.txt" | wc -l)" -eq "$QUESTIONS" ] || { echo "questions are not distinct" >&2; exit 1; }
printf 'Warm-up question %d: say hello.\n' 1 2 3 4 > "$WORK/warmup.txt"   # the throwaway K=4 run's input

RESULTS=$WORK/results.tsv   # case, run, wall_ms, per_minute, answered, errors, process_ms, answer_tokens
: > "$RESULTS"
# One measured `escalator batch` run, forced to TIER. It must answer every question on TIER itself:
# escalator falls back to a cheaper tier when one fails (the answer is then marked degraded), which
# would be a different benchmark, so a degraded answer fails the run like an error does.
run_batch() { # CASE RUN INPUT TIER -- further escalator batch options…
    local case=$1 run=$2 input=$3 tier=$4; shift 5
    local out="$WORK/out-$case-$run.jsonl" summary="$WORK/summary-$case-$run.json" s e rc=0
    s=$(date +%s%N)
    "${ISOLATED[@]}" "$BIN/escalator" batch "$input" --output "$out" --progress none --json \
        --tier "$tier" --local-url "http://127.0.0.1:$PORT" --set assessment.prompts_dir="$ROOT/prompts" "$@" \
        >"$summary" 2>"$WORK/stderr-$case-$run.txt" || rc=$?
    e=$(date +%s%N)
    python3 - "$summary" "$out" "$case" "$run" "$(( (e - s) / 1000000 ))" "$rc" "$(wc -l < "$input")" "$RESULTS" \
        "$WORK/stderr-$case-$run.txt" "$tier" <<'PY'
import json, sys
summary_path, out_path, case, run, process_ms, rc, expected, results, stderr_path, tier = sys.argv[1:]
def fail(why):
    print(f"FAILED: batch run {case} #{run}: {why}", file=sys.stderr)
    print(f"  exit status {rc}; summary: {open(summary_path).read().strip()[:2000]}", file=sys.stderr)
    print(f"  stderr: {open(stderr_path).read().strip()[-2000:]}", file=sys.stderr)
    sys.exit(1)
try:
    s = json.load(open(summary_path))
except Exception as e:
    fail(f"no JSON summary ({e})")
if rc != "0": fail("non-zero exit status")
if s.get("errors") != 0 or s.get("answered") != int(expected):
    fail(f"answered {s.get('answered')} of {expected}, errors {s.get('errors')}")
on_tier = sum(t.get("answered", 0) for t in s.get("tiers", []) if t.get("tier") == tier)
if s.get("degraded") != 0 or on_tier != int(expected):
    fail(f"{on_tier} of {expected} answered on {tier}, {s.get('degraded')} degraded (fell back to another tier)")
try:
    lines = [json.loads(l) for l in open(out_path) if l.strip()]
except Exception as e:
    fail(f"cannot read {out_path} ({e})")
ok = [l for l in lines if l.get("status") == "ok"]
if len(ok) != int(expected) or len({l["id"] for l in ok}) != int(expected):
    fail(f"{out_path} has {len(ok)} ok lines for {expected} questions")
stray = [l for l in ok if l.get("tier_used") != tier or l.get("degraded")]
if stray:
    fail(f"{len(stray)} answers not from {tier}, e.g. {json.dumps(stray[0])[:800]}")
tokens = sum(int(l.get("answer_tokens") or 0) for l in ok)
with open(results, "a") as f:
    f.write(f"{case}\t{run}\t{s['wall_ms']:.1f}\t{s['per_minute']:.3f}\t{s['answered']}\t{s['errors']}\t{process_ms}\t{tokens}\n")
PY
}

# --- (a) escalated: K=1 vs K=4 warm claude-sim sessions ---
start_server 1
echo "==> (a) escalated to claude-sim (think ${THINK_MS} ms, tmux -L $SOCK): warming 4 sessions, then $RUNS run(s) each of K=1 and K=4"
run_batch warmup 1 "$WORK/warmup.txt" sonnet -- --remote-sessions 4
sessions=$( (tmux -L "$SOCK" list-sessions -F '#{session_name}' 2>/dev/null || true) | wc -l)
[ "$sessions" -ge 4 ] || { echo "expected 4 warm agent sessions after the warm-up run, found $sessions" >&2; exit 1; }
for run in $(seq "$RUNS"); do
    run_batch K1 "$run" "$WORK/questions.txt" sonnet -- --remote-sessions 1
    run_batch K4 "$run" "$WORK/questions.txt" sonnet -- --remote-sessions 4
done
stop_tmux
stop_server

# --- (b) local: -np 1 / --parallel 1 vs -np 4 / --parallel 4, a fresh server for each run, the two cases
# alternating so that load from elsewhere on the machine falls on both alike ---
echo "==> (b) local tier (answers ≤ $ANSWER_TOKENS tokens, $CTX_PER_SLOT context per slot): $RUNS run(s) each of -np 1 and -np 4"
for run in $(seq "$RUNS"); do
    for np in 1 4; do
        start_server "$np"
        run_batch "np$np" "$run" "$WORK/questions.txt" local -- --parallel "$np" --set local.answer_max_tokens="$ANSWER_TOKENS"
        stop_server
    done
done

# --- table ---
python3 - "$RESULTS" "$QUESTIONS" "$THINK_MS" "$RUNS" <<'PY'
import statistics, sys
results, questions, think_ms, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = {}
for line in open(results):
    case, run, wall, per_min, answered, errors, process_ms, tokens = line.rstrip("\n").split("\t")
    rows.setdefault(case, []).append((float(per_min), float(wall), int(process_ms), int(tokens)))
def med(case):
    rs = sorted(rows[case])                       # by throughput
    return rs[(len(rs) - 1) // 2]                 # an actual run (the lower median when RUNS is even)
cases = [
    ("K1",  f"escalated, K=1 session (baseline)",     None, None),
    ("K4",  f"escalated, K=4 sessions",               "K1", 3.5),
    ("np1", f"local, -np 1 --parallel 1 (baseline)",  None, None),
    ("np4", f"local, -np 4 --parallel 4",             "np1", None),
]
print()
print(f"Throughput of `escalator batch`, {questions} questions; claude-sim think time {think_ms} ms"
      + (f"; median of {runs} runs" if runs > 1 else ""))
hdr = f"| {'case':<40} | {'questions':>9} | {'wall s':>7} | {'answers/min':>11} | {'ratio':>6} | {'target':>7} | {'met?':>4} |"
print(hdr)
print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
failed = False
for key, label, base, target in cases:
    per_min, wall, _, _ = med(key)
    ratio = per_min / med(base)[0] if base else 1.0
    met = "" if target is None else ("yes" if ratio >= target else "NO")
    failed |= met == "NO"
    print(f"| {label:<40} | {questions:>9} | {wall / 1000:>7.1f} | {per_min:>11.1f} | {ratio:>5.2f}x | "
          f"{(f'>= {target}x' if target else '-'):>7} | {met:>4} |")
if runs > 1:
    print("answers/min of each run: " + "; ".join(
        f"{k} " + ", ".join(f"{r[0]:.1f}" for r in rows[k]) for k, *_ in cases) + ".")
ideal = 60000 / think_ms
print(f"K=1 ceiling from the think time alone: {ideal:.0f} answers/min (so per-question overhead K=1: "
      f"{60000 / med('K1')[0] - think_ms:.0f} ms).")
print(f"wall s = escalator's own wall_ms (answering; the token-counting pass before it is not included); whole "
      f"processes: " + ", ".join(f"{k} {med(k)[2] / 1000:.1f} s" for k, *_ in cases) + ".")
print("Local answer tokens generated (sampling varies a little): " + ", ".join(
    f"{k} {med(k)[3]} ({med(k)[3] / (med(k)[1] / 1000):.1f} tokens/s)" for k in ("np1", "np4")) + ".")
print("Target: K=4 >= 3.5x K=1: " + ("met" if not failed else "NOT met") + ". The local ratio has no target (2 cores: reported only).")
PY
