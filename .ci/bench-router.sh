#!/usr/bin/env bash
# `make bench` section for the learned routers (issue 13). Called with the release bin dir as $1.
#  (a) Embedding routers on RouteLLM's GSM8K (seeded 50/50 split): training time of
#      embedding-logistic and embedding-knn (embeddings cached), and the scoring time per 1,000
#      questions with the embedding cache warm and cold (cold: a fresh cache, N_COLD questions,
#      scaled to 1,000).
#  (b) Live: `eval run --strategy answer-logprob --also-score digit-scale` on the first N_LIVE GSM8K
#      items: AUROC of the answer's confidence vs the self-rating, same answers.
#  (c) The same live run with a larger GGUF when ESCALATOR_BENCH_LARGE_MODEL names one (none of the
#      registry packages the project may use ships one under 1.5 GB, so it is skipped by default).
# Every llama-server is started here on a free loopback port; exactly the recorded pids are stopped.
set -euo pipefail
BIN=${1:-.build/release}
BIN=$(cd "$BIN" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVALS=$ROOT/../shared/eval-data/routellm/routellm/evals
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
SERVER=$CACHE/bin/llama-server
MODEL=$CACHE/models/gemma-3-270m-q4_k_m.gguf
N_COLD=${N_COLD:-100}
N_LIVE=${N_LIVE:-30}
WORK=$(mktemp -d /tmp/escalator-bench-router.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
seconds_of() { local s e; s=$(date +%s%N); "$@" >"$WORK/last.out" 2>"$WORK/last.err"; e=$(date +%s%N); echo "scale=2; ($e - $s)/1000000000" | bc; }
start_server() { # model extra-args... → prints the port; the pid goes to PIDS
  local model=$1; shift
  local port; port=$(free_port)
  "$SERVER" -m "$model" --host 127.0.0.1 --port "$port" --no-ui "$@" >"$WORK/llama-$port.log" 2>&1 &
  PIDS+=($!)
  for i in $(seq 240); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { echo "$port"; return 0; }
    sleep 0.5
  done
  echo "llama-server did not start; log:" >&2; tail -5 "$WORK/llama-$port.log" >&2; return 1
}

echo
echo "## Learned routers (issue 13)"
if [ ! -d "$EVALS" ]; then echo "skipped: RouteLLM data not found at $EVALS"; exit 0; fi
if [ ! -x "$SERVER" ] || [ ! -f "$MODEL" ]; then echo "skipped: $SERVER or $MODEL missing (run make setup)"; exit 0; fi

E=$(start_server "$MODEL" -c 4096 -np 2 --embeddings --pooling mean -b 2048 -ub 2048)
export ESCALATOR_EMBEDDING_URL=http://127.0.0.1:$E ESCALATOR_LOCAL_REQUEST_TIMEOUT_MS=0 ESCALATOR_LOCAL_MANAGED=never
"$BIN/escalator" eval import routellm "$EVALS/gsm8k/gsm8k_responses.csv" --out "$WORK/gsm8k.jsonl" >/dev/null
"$BIN/escalator" router split "$WORK/gsm8k.jsonl" --by item --test-fraction 0.5 --seed 0 \
  --train "$WORK/train.jsonl" --test "$WORK/test.jsonl" >/dev/null
C="--embedding-cache $WORK/emb.bin"
# Fill the cache (timed: this is the one-off cost of embedding a dataset).
embed_s=$(seconds_of "$BIN/escalator" router train "$WORK/train.jsonl" --strategy embedding-logistic --out "$WORK/r.json" $C)
n_train=$(($(wc -l < "$WORK/train.jsonl") - 1))
logistic_s=$(seconds_of "$BIN/escalator" router train "$WORK/train.jsonl" --strategy embedding-logistic --out "$WORK/logistic.json" $C)
knn_s=$(seconds_of "$BIN/escalator" router train "$WORK/train.jsonl" --strategy embedding-knn --out "$WORK/knn.json" $C)
"$BIN/escalator" eval score "$WORK/test.jsonl" --strategy embedding-logistic --router "$WORK/logistic.json" $C --out "$WORK/warmup.csv" >/dev/null
n_test=$(($(wc -l < "$WORK/test.jsonl") - 1))
warm_l=$(seconds_of "$BIN/escalator" eval score "$WORK/test.jsonl" --strategy embedding-logistic --router "$WORK/logistic.json" $C --out "$WORK/l.csv")
warm_k=$(seconds_of "$BIN/escalator" eval score "$WORK/test.jsonl" --strategy embedding-knn --router "$WORK/knn.json" $C --out "$WORK/k.csv")
head -$((N_COLD + 1)) "$WORK/test.jsonl" > "$WORK/cold.jsonl"
cold=$(seconds_of "$BIN/escalator" eval score "$WORK/cold.jsonl" --strategy embedding-logistic --router "$WORK/logistic.json" \
  --embedding-cache "$WORK/fresh.bin" --out "$WORK/c.csv")
per1k() { echo "scale=2; $1 * 1000 / $2" | bc; }
printf '| %-60s | %12s | %14s |\n' "step (release build, gemma-3-270m embeddings, 640 dims)" "seconds" "per 1,000 q"
printf '|%s|%s|%s|\n' "--------------------------------------------------------------" "--------------" "----------------"
printf '| %-60s | %12s | %14s |\n' "embed $n_train training questions (cold cache) + fit logistic" "$embed_s" "$(per1k "$embed_s" "$n_train")"
printf '| %-60s | %12s | %14s |\n' "train embedding-logistic ($n_train items, cached, l2 grid of 10)" "$logistic_s" "$(per1k "$logistic_s" "$n_train")"
printf '| %-60s | %12s | %14s |\n' "train embedding-knn ($n_train items, cached, k grid of 6)" "$knn_s" "$(per1k "$knn_s" "$n_train")"
printf '| %-60s | %12s | %14s |\n' "score $n_test questions, embedding-logistic, cache warm" "$warm_l" "$(per1k "$warm_l" "$n_test")"
printf '| %-60s | %12s | %14s |\n' "score $n_test questions, embedding-knn, cache warm" "$warm_k" "$(per1k "$warm_k" "$n_test")"
printf '| %-60s | %12s | %14s |\n' "score $N_COLD questions, embedding-logistic, cache cold" "$cold" "$(per1k "$cold" "$N_COLD")"
"$BIN/escalator" eval score "$WORK/test.jsonl" --strategy length --out "$WORK/len.csv" >/dev/null
"$BIN/escalator" eval score "$WORK/test.jsonl" --strategy random --seed 0 --out "$WORK/rnd.csv" >/dev/null
"$BIN/escalator" router compare "$WORK/test.jsonl" --bootstrap 1000 \
  --scores embedding-logistic="$WORK/l.csv" --scores embedding-knn="$WORK/k.csv" \
  --scores length="$WORK/len.csv" --scores random="$WORK/rnd.csv"
echo "RouteLLM's best published GSM8K APGR: 0.622 (causal LLM, D_arena + D_judge)."

live_run() { # model label
  local model=$1 label=$2 port
  port=$(start_server "$model" -c 4096 -np 2 --swa-full)
  "$BIN/escalator" eval run "$WORK/gsm8k.jsonl" --limit "$N_LIVE" --tiers local --strategy answer-logprob --also-score digit-scale \
    --local-url "http://127.0.0.1:$port" --set local.answer_max_tokens=160 --out "$WORK/live-$label.jsonl" > "$WORK/live-$label.txt"
  echo "$label: $(grep -E '^accuracy' "$WORK/live-$label.txt")"
  grep -E 'AUROC' "$WORK/live-$label.txt" | sed "s|$WORK/||"
}
echo
echo "## answer-logprob vs self-rating, eval run --limit $N_LIVE on GSM8K (answers ≤ 160 tokens)"
live_run "$MODEL" "gemma-3-270m"
if [ -n "${ESCALATOR_BENCH_LARGE_MODEL:-}" ] && [ -f "$ESCALATOR_BENCH_LARGE_MODEL" ]; then
  live_run "$ESCALATOR_BENCH_LARGE_MODEL" "$(basename "$ESCALATOR_BENCH_LARGE_MODEL" .gguf)"
else
  echo "larger model: skipped (set ESCALATOR_BENCH_LARGE_MODEL to a GGUF; no registry package available here ships one under 1.5 GB)"
fi
