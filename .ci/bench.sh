#!/usr/bin/env bash
# Benchmarks for `make bench`: starts the real parts it needs (recording their pids, stopping
# exactly those), runs each benchmark, prints tables with ratios against the named baselines.
set -euo pipefail
BIN=${1:-.build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/escalator
SERVER=$CACHE/bin/llama-server
MODEL=$CACHE/models/gemma-3-270m-q4_k_m.gguf
CLAUDE=$CACHE/bin/claude   # the real Claude Code CLI (.ci/bench-remote-real.sh)
[ -x "$CLAUDE" ] || { echo "missing the Claude Code CLI at $CLAUDE (needed by .ci/bench-remote-real.sh): run \`make setup\`" >&2; exit 1; }
WORK=$(mktemp -d /tmp/escalator-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

stats() { # stdin: numbers → "median p90"
  sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; i=int(0.9*NR+0.999); if(i<1)i=1; printf "%.2f %.2f\n", m, a[i]}'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo
echo "## Self-assessment overhead (issue 2): bare /completion vs escalator's library, warm cache, 50 runs each"
PORT=$(free_port)
"$SERVER" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c 4096 -np 2 --swa-full --no-ui >"$WORK/llama.log" 2>&1 &
PIDS+=($!)
"$BIN/escalator-bench" assess-overhead --url "http://127.0.0.1:$PORT" --prompts "$ROOT/prompts" --runs 50 \
  --body-file "$WORK/body.json" > "$WORK/assess.txt"
for i in $(seq 50); do
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "http://127.0.0.1:$PORT/completion"
done | awk '{printf "%.3f\n", $1*1000}' > "$WORK/curl.txt"
read -r curl_med curl_p90 < <(stats < "$WORK/curl.txt")
read -r bare_med bare_p90 < <(grep '^bare_libcurl' "$WORK/assess.txt" | cut -d' ' -f2- | tr ' ' '\n' | stats)
read -r lib_med lib_p90 < <(grep '^library_assess' "$WORK/assess.txt" | cut -d' ' -f2- | tr ' ' '\n' | stats)
tokens=$(grep '^generated_tokens' "$WORK/assess.txt" | cut -d' ' -f2)
for i in $(seq 20); do
  s=$(date +%s%N); "$BIN/escalator" assess --local-url "http://127.0.0.1:$PORT" --set local.managed=never "What is the capital of France?" >/dev/null
  echo "scale=3; ($(date +%s%N) - $s)/1000000" | bc
done > "$WORK/cli.txt"
read -r cli_med cli_p90 < <(stats < "$WORK/cli.txt")
printf '| %-44s | %10s | %10s | %14s |\n' "path" "median ms" "p90 ms" "ratio (median)"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "------------" "------------" "----------------"
printf '| %-44s | %10s | %10s | %14s |\n' "curl CLI, bare /completion (baseline)" "$curl_med" "$curl_p90" "1.00"
printf '| %-44s | %10s | %10s | %14s |\n' "libcurl in-process, same bytes" "$bare_med" "$bare_p90" "$(echo "scale=3; $bare_med/$curl_med" | bc)"
printf '| %-44s | %10s | %10s | %14s |\n' "escalator library Assessor.assess" "$lib_med" "$lib_p90" "$(echo "scale=3; $lib_med/$curl_med" | bc)"
printf '| %-44s | %10s | %10s | %14s |\n' "escalator assess CLI (whole process, 20 runs)" "$cli_med" "$cli_p90" "$(echo "scale=3; $cli_med/$curl_med" | bc)"
echo "library vs in-process bare POST: $(echo "scale=3; $lib_med/$bare_med" | bc)x (target ≤ 1.05); generated tokens per assessment: $tokens (target 1); warm decision median ${lib_med} ms (target ≤ 50)"

# The evaluation harness (issue 5) and remote escalation (issue 3; on claude-sim and on the real
# Claude Code CLI) have their own scripts.
# Each part must be there and succeed (set -e): a benchmark that silently does not run is no benchmark.
for part in bench-eval.sh bench-remote.sh bench-remote-real.sh bench-batch.sh; do
  [ -f "$ROOT/.ci/$part" ] || { echo "missing .ci/$part" >&2; exit 1; }
  echo
  echo "(.ci/$part; machine $(uptime | sed 's/.*load average/load average/'))"
  bash "$ROOT/.ci/$part" "$BIN"
done
