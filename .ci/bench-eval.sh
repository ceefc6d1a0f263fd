#!/usr/bin/env bash
# `make bench` section for the evaluation harness (issue 5). Called from .ci/bench.sh with the
# release bin dir as $1.
#  (a) Offline metrics: full exact-grid sweep + APGR/CPT on every shared MMLU row, escalator vs
#      the RouteLLM reference script, median of 5 runs each. The reference computes no bootstrap,
#      so the like-for-like row runs escalator with --bootstrap 0; the default (1000 resamples)
#      is shown too.
#  (b) Live: `eval run` on the first 30 GSM8K items with the small model, through a llama-server
#      started here on a free loopback port (its pid is recorded and exactly it is stopped).
set -euo pipefail
BIN=${1:-.build/release}
BIN=$(cd "$BIN" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$ROOT/../shared
EVALS=$SHARED/eval-data/routellm/routellm/evals
REF=$SHARED/tools/routellm_reference_metrics.py
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
SERVER=$CACHE/bin/llama-server
MODEL=$CACHE/models/gemma-3-270m-q4_k_m.gguf
RUNS=5
WORK=$(mktemp -d /tmp/escalator-bench-eval.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{a[NR]=$1} END {printf "%.1f\n", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
ms_of() { # command... → wall milliseconds (output discarded)
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  echo "scale=1; ($e - $s)/1000000" | bc
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ ! -d "$EVALS" ] || [ ! -f "$REF" ]; then
  echo "eval bench skipped: $SHARED (RouteLLM data and reference script) not found"
  exit 0
fi

echo
echo "## Evaluation harness (issue 5): exact-grid APGR/CPT on all shared MMLU rows, median of $RUNS runs"
"$BIN/escalator" eval import routellm "$EVALS/mmlu/responses" --out "$WORK/mmlu.jsonl" >/dev/null
"$BIN/escalator" eval score "$WORK/mmlu.jsonl" --strategy random --seed 0 --out "$WORK/random.csv" >/dev/null
"$BIN/escalator" eval export "$WORK/mmlu.jsonl" --scores "$WORK/random.csv" --out "$WORK/ref.csv" >/dev/null
rows=$(($(wc -l < "$WORK/ref.csv") - 1))
# Same numbers first: APGR from both (the agreement itself is tested in ReferenceAgreementTests).
ours_apgr=$("$BIN/escalator" eval report "$WORK/mmlu.jsonl" --scores "$WORK/random.csv" --bootstrap 0 --json |
  python3 -c 'import json,sys; print("%.6f" % json.load(sys.stdin)["router"]["APGR"]["value"])')
ref_apgr=$(python3 "$REF" "$WORK/ref.csv" --grid exact --json |
  python3 -c 'import json,sys; print("%.6f" % json.load(sys.stdin)["router"]["APGR"])')
for i in $(seq $RUNS); do ms_of python3 "$REF" "$WORK/ref.csv" --grid exact --json; done | median > "$WORK/ref.ms"
for i in $(seq $RUNS); do ms_of "$BIN/escalator" eval report "$WORK/mmlu.jsonl" --scores "$WORK/random.csv" --bootstrap 0 --json; done | median > "$WORK/b0.ms"
for i in $(seq $RUNS); do ms_of "$BIN/escalator" eval report "$WORK/mmlu.jsonl" --scores "$WORK/random.csv" --json; done | median > "$WORK/b1000.ms"
ref_ms=$(cat "$WORK/ref.ms"); b0_ms=$(cat "$WORK/b0.ms"); b1000_ms=$(cat "$WORK/b1000.ms")
printf '| %-62s | %10s | %16s |\n' "whole process, $rows rows, seeded random scores (distinct)" "median ms" "speed-up vs ref"
printf '|%s|%s|%s|\n' "----------------------------------------------------------------" "------------" "------------------"
printf '| %-62s | %10s | %16s |\n' "reference: python3 routellm_reference_metrics.py --grid exact" "$ref_ms" "1.0x"
printf '| %-62s | %10s | %16s |\n' "escalator eval report --bootstrap 0 (like for like)" "$b0_ms" "$(echo "scale=1; $ref_ms/$b0_ms" | bc)x"
printf '| %-62s | %10s | %16s |\n' "escalator eval report (default: 1000 bootstrap resamples)" "$b1000_ms" "$(echo "scale=1; $ref_ms/$b1000_ms" | bc)x"
echo "APGR: escalator $ours_apgr, reference $ref_apgr. Target: ≥ 50x on the like-for-like row. escalator's report also"
echo "computes AUROC/Brier/ECE, the oracle and AIQ, which the reference does not; with the default bootstrap it"
echo "additionally resamples the whole curve 1000 times for the 95 % intervals."

echo
echo "## Live eval run (issue 5): first 30 GSM8K items with a gold answer, gemma-3-270m via llama-server (-c 4096 -np 2), --tiers local"
if [ ! -x "$SERVER" ] || [ ! -f "$MODEL" ]; then
  echo "skipped: $SERVER or $MODEL missing (run make setup)"
  exit 0
fi
PORT=$(free_port)
"$SERVER" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c 4096 -np 2 --swa-full --no-ui >"$WORK/llama.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 240); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "llama-server exited; log:"; tail -5 "$WORK/llama.log"; exit 1; }
  sleep 0.5
done
"$BIN/escalator" eval import routellm "$EVALS/gsm8k/gsm8k_responses.csv" --out "$WORK/gsm8k.jsonl" >/dev/null
# An isolated HOME/XDG so the user's config and score cache are not touched.
mkdir -p "$WORK/home"
s=$(date +%s%N)
env -u ESCALATOR_CONFIG HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_CACHE_HOME="$WORK/home/cache" \
  XDG_STATE_HOME="$WORK/home/state" \
  "$BIN/escalator" eval run "$WORK/gsm8k.jsonl" --limit 30 --tiers local --out "$WORK/gsm8k-local.jsonl" \
  --local-url "http://127.0.0.1:$PORT" --set local.managed=never --set assessment.prompts_dir="$ROOT/prompts" \
  --set local.request_timeout_ms=900000 2>"$WORK/eval-run.err" \
  || { echo "eval run failed:"; tail -5 "$WORK/eval-run.err"; exit 1; }
e=$(date +%s%N)
echo "wall time: $(echo "scale=1; ($e - $s)/1000000000" | bc) s for 30 questions (assess + answer up to 256 tokens, 2 slots)"
echo "first graded answers (gold, extracted final number, verdict):"
head -5 "$WORK/gsm8k-local-answers.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print("  %-10s gold %-6s got %-8s %s  p=%.2f" % (d["id"], d["gold"], d["extracted"], "right" if d["correct"] else "wrong", d["p_local_correct"]))'
echo "The 270M model is there to exercise the path, not to solve GSM8K: accuracy near 0 is expected, and an"
echo "AUROC resting on one or two correct answers is noise (it is undefined when every answer is wrong)."
