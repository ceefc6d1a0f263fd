#!/usr/bin/env bash
# Escalation overhead over SSH on the REAL Claude Code CLI (2.1.332, `make setup` links it as
# ~/.cache/escalator/bin/claude), answering from `api-standin` with a fixed think time.
# escalator's AgentDriver (one libssh2 connection, one persistent tmux control-mode client, the
# production ClaudeCodeProfile) against the seed's method (a new `ssh` process per tmux command,
# capture-pane every 1 s). Both talk to the same throwaway loopback sshd, the same CLI and the
# same stand-in; each CLI has its own fresh HOME and folder, so each meets the folder-trust
# dialog as a new user does (escalator's default policy accepts it; the seed presses Down, Enter).
#
# Overhead per question = the question's wall time minus the time the stand-in spent serving it:
# the union of [received_at_ms, finished_at_ms] of every logged request whose received_at_ms falls
# inside the question's window (clipped to the window). What 2.1.332 sends per turn with
# CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 is printed below the table ("requests per question");
# looked at in the stand-in's log: exactly one streamed POST /v1/messages per question (on the
# CLI's default model, claude-opus-5-5 at the stand-in, as no /model switch is asked for here),
# with the question as its last user text; no count_tokens, no title or topic request, and none at
# start-up (the only requests outside the windows are the two warm-up turns). The union over all
# requests stays in case a later CLI adds some.
#
# For the hooks path the overhead is split at the moments escalator-bench reports per question:
# when the driver pressed Enter (after the paste showed in the input box) and when it read the
# turn's Stop event. "CLI: Enter -> request" is the CLI's own work before its API request;
# "CLI + hook: response end -> Stop read" is the CLI's own work after the response's last byte
# plus the hook command's start-up (sh, tmux client) and the signal's way to the driver; the rest
# is escalator's own (pane lock, readiness check, paste, waiting for the paste to show, reading
# the event, restoring the input box). The machine's load (uptime) is printed before each
# configuration and with the table: all three run in the same script run, so their ratios
# compare like with like.
#
# Usage: .ci/bench-remote-real.sh RELEASE_BIN_DIR   (needs escalator-bench and api-standin in it)
# Env:   QUESTIONS (30), SEED_QUESTIONS (15), THINK_MS (500), SETTLE_MS (50),
#        CLAUDE (the CLI; default ${XDG_CACHE_HOME:-~/.cache}/escalator/bin/claude),
#        ESCALATOR_EXTRA (more escalator-bench flags: --clear, --model sonnet, or --trace: every tmux
#        command with its epoch ms, on stderr)
set -euo pipefail

BIN=$(cd "${1:?usage: $0 RELEASE_BIN_DIR}" && pwd)
QUESTIONS=${QUESTIONS:-30}
SEED_QUESTIONS=${SEED_QUESTIONS:-15}
THINK_MS=${THINK_MS:-500}
SETTLE_MS=${SETTLE_MS:-50}   # the production setting (Routing's RemoteAgents)
CLAUDE=${CLAUDE:-${XDG_CACHE_HOME:-$HOME/.cache}/escalator/bin/claude}
# Never a real key: the stand-in accepts any. The CLI asks once about a custom key unless its
# last 20 characters are pre-approved in .claude.json.
API_KEY="sk-ant-api03-escalator-bench-key-0123456789abcdefghijklmnop"

for tool in escalator-bench api-standin; do
    [ -x "$BIN/$tool" ] || { echo "missing $BIN/$tool (build with: swift build -c release)" >&2; exit 1; }
done
[ -x "$CLAUDE" ] || { echo "missing the Claude Code CLI at $CLAUDE: run \`make setup\` (or \`make claude-code\`)" >&2; exit 1; }
for tool in /usr/sbin/sshd ssh ssh-keygen tmux python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y openssh-server openssh-client tmux python3)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/escalator-bench-real.XXXXXX)
SOCK_A="escalator-bench-real-a-$$"   # tmux server used by escalator
SOCK_B="escalator-bench-real-b-$$"   # tmux server used by the seed script
SOCK_C="escalator-bench-real-c-$$"   # tmux server used by escalator without hooks
SSHD_PID=""
STANDIN_PID=""
SSH=()

cleanup() {
    set +e
    for sock in "$SOCK_A" "$SOCK_B" "$SOCK_C"; do
        # Exactly our sockets (loopback: the servers run on this machine as this user). Record the
        # server's pid and its panes' pids (the CLIs; escalator-bench runs with --keep-session so
        # its CLI is among them), ask the server to exit, then kill exactly those pids if they are
        # still there.
        server=$(tmux -L "$sock" display-message -p '#{pid}' 2>/dev/null)
        panes=$(tmux -L "$sock" list-panes -a -F '#{pane_pid}' 2>/dev/null)
        tmux -L "$sock" kill-server >/dev/null 2>&1
        if [ -n "$server" ]; then
            for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$server" 2>/dev/null && kill -KILL "$server"
        fi
        # The CLI outlives its pane's hang-up for a while: TERM, then KILL, exactly these pids.
        for pane in $panes; do
            for _ in $(seq 1 10); do kill -0 "$pane" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pane" 2>/dev/null && kill "$pane"
            for _ in $(seq 1 30); do kill -0 "$pane" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pane" 2>/dev/null && kill -KILL "$pane"
        done
        rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"   # the dead server's socket file, ours only
    done
    if [ -n "$STANDIN_PID" ]; then
        kill "$STANDIN_PID" 2>/dev/null
        wait "$STANDIN_PID" 2>/dev/null
    fi
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

# --- the stand-in: one reply per question, so the seed can tell this answer from the last ---
# Question i (both methods ask "Benchmark question number i: what is i plus i?") is answered
# "The answer to question i is 2i." after THINK_MS; anything else (the warm-up) by the default.
python3 - "$WORK/script.json" "$THINK_MS" "$(( QUESTIONS > SEED_QUESTIONS ? QUESTIONS : SEED_QUESTIONS ))" <<'PY'
import json, sys
path, think, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rules = [{"match": f"question number {i}:", "reply": f"The answer to question {i} is {2 * i}.", "think_ms": think}
         for i in range(1, n + 1)]
json.dump({"default": {"reply": "Ready for the benchmark.", "think_ms": think}, "rules": rules}, open(path, "w"))
PY
"$BIN/api-standin" --host 127.0.0.1 --port 0 --script "$WORK/script.json" --log "$WORK/requests.jsonl" \
    --ready-file "$WORK/standin.ready" > "$WORK/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 100); do
    [ -s "$WORK/standin.ready" ] && break
    kill -0 "$STANDIN_PID" 2>/dev/null || { echo "api-standin exited:" >&2; cat "$WORK/standin.out" >&2; exit 1; }
    sleep 0.1
done
[ -s "$WORK/standin.ready" ] || { echo "api-standin did not start" >&2; cat "$WORK/standin.out" >&2; exit 1; }
API_PORT=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["port"])' "$WORK/standin.ready")
BASE_URL="http://127.0.0.1:$API_PORT"

# --- the CLI's HOMEs and folders (as Tests/TestSupport/ClaudeCodeFixture.swift writes them) ---
for side in a b c; do
    mkdir -p "$WORK/home-$side" "$WORK/folder-$side"
    python3 -c 'import json, sys; json.dump({"hasCompletedOnboarding": True,
        "customApiKeyResponses": {"approved": [sys.argv[2][-20:]], "rejected": []}},
        open(sys.argv[1], "w"), sort_keys=True, separators=(",", ":"))' "$WORK/home-$side/.claude.json" "$API_KEY"
done
# `env NAME=value … claude`: the CLI's environment whatever the tmux server's is (no shell).
# CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1 (the classic renderer, which keeps the transcript in
# tmux's scrollback) is set for both sides, so both draw the same screens whatever the driver's
# own launch environment is.
agent_command() { # $1: a or b
    echo "/usr/bin/env ANTHROPIC_API_KEY=$API_KEY ANTHROPIC_BASE_URL=$BASE_URL CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1" \
         "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 HOME=$WORK/home-$1 $CLAUDE"
}

# --- a throwaway sshd on a free 127.0.0.1 port ---
source "$(dirname "$0")/bench-sshd.sh"
echo "sshd pid $SSHD_PID on 127.0.0.1:$PORT; api-standin pid $STANDIN_PID on $BASE_URL; $("$CLAUDE" --version 2>&1 | head -1);" \
     "think time ${THINK_MS} ms; settle time ${SETTLE_MS} ms"

# --- (a) escalator: the real AgentDriver over libssh2, with the CLI's hooks (the default) and (c)
# without them (turn ends and answers read from the screen only) ---
run_escalator() { # $1: side (a: hooks, c: screen only), $2: socket, $3...: more escalator-bench flags
    local side=$1 sock=$2; shift 2
    "$BIN/escalator-bench" remote-overhead --port "$PORT" --user "$USER_NAME" --key "$WORK/user_ed25519" \
        --known-hosts "$WORK/known_hosts" --socket "$sock" --agent-command "$(agent_command "$side")" --directory "$WORK/folder-$side" \
        --questions "$QUESTIONS" --settle-ms "$SETTLE_MS" --keep-session "$@" ${ESCALATOR_EXTRA:-} > "$WORK/escalator-$side.out" \
        || { echo "escalator run failed:" >&2; cat "$WORK/escalator-$side.out" >&2; exit 1; }
    grep -v '^question ' "$WORK/escalator-$side.out" | grep -v '^escalator_totals_ms' || true
    # question N total_ms T start_ms S end_ms E source SOURCE measured_total_ms M requests K enter_ms N ended_ms D ready_ms R answer "…"
    # -> N S E enter ended ready T M K
    grep '^question ' "$WORK/escalator-$side.out" | awk '{print $2, $6, $8, $16, $18, $20, $4, $12, $14}' > "$WORK/escalator-$side.windows"
    [ "$(wc -l < "$WORK/escalator-$side.windows")" -eq "$QUESTIONS" ] || { echo "escalator run failed" >&2; cat "$WORK/escalator-$side.out" >&2; exit 1; }
    for i in $(seq 1 "$QUESTIONS"); do
        grep "^question $i total_ms" "$WORK/escalator-$side.out" | grep -qF "answer \"The answer to question $i is $(( 2 * i )).\"" \
            || { echo "escalator: question $i did not get its answer:" >&2; grep "^question $i " "$WORK/escalator-$side.out" >&2; exit 1; }
    done
    echo "answer sources: $(grep '^question ' "$WORK/escalator-$side.out" | awk '{print $10}' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
}
echo "load: $(uptime)"
echo "==> (a) escalator with the CLI's hooks: $QUESTIONS questions (after one warm-up that starts the CLI and accepts the folder)"
run_escalator a "$SOCK_A"
echo "load: $(uptime)"
echo "==> (c) escalator, screen only (--no-hooks): $QUESTIONS questions (after one warm-up)"
run_escalator c "$SOCK_C" --no-hooks

# --- (b) the seed's method: a new ssh process per tmux command ---
echo "load: $(uptime)"
echo "==> (b) seed method (ssh per tmux command, capture every 1 s): $SEED_QUESTIONS questions (after one warm-up)"
T=(tmux -L "$SOCK_B")
# The same command line as escalator's (the driver adds --permission-mode default).
# shellcheck disable=SC2046
"${SSH[@]}" "${T[@]}" new-session -d -s S -x 120 -y 40 -c "$WORK/folder-b" -- $(agent_command b) --permission-mode default
# Start-up: answer the folder-trust dialog (cursor on "No, exit"; "Yes, I trust this folder" is
# below it) and wait for the idle composer.
started=""
for _ in $(seq 1 300); do
    screen=$("${SSH[@]}" "${T[@]}" capture-pane -p -t S)
    if grep -q '❯ Yes, I trust this folder' <<< "$screen"; then
        "${SSH[@]}" "${T[@]}" send-keys -t S Enter
        sleep 0.5
        continue
    fi
    if grep -q 'trust this folder' <<< "$screen"; then
        "${SSH[@]}" "${T[@]}" send-keys -t S Down
        sleep 0.3
        continue
    fi
    if grep -q '^❯' <<< "$screen"; then started=1; break; fi
    sleep 0.2
done
[ -n "$started" ] || { echo "seed: the CLI did not show its composer:" >&2; "${SSH[@]}" "${T[@]}" capture-pane -p -t S >&2; exit 1; }

# The seed's "idle" test, made safe for the real CLI: its composer `❯` is on screen while it is
# busy too, so a turn counts as done only when this question's own reply (unique per question)
# is on screen, the busy footer "esc to interrupt" is gone, and two captures 1 s apart are equal.
seed_ask() { # $1: question, $2: fixed text of its reply
    "${SSH[@]}" "${T[@]}" send-keys -t S -l -- "'$1'"
    "${SSH[@]}" "${T[@]}" send-keys -t S Enter
    local previous="" current
    for _ in $(seq 1 120); do
        current=$("${SSH[@]}" "${T[@]}" capture-pane -p -t S)
        if [ "$current" == "$previous" ] && grep -q '❯' <<< "$current" && grep -qF -- "$2" <<< "$current" \
            && ! grep -q 'esc to interrupt' <<< "$current"; then
            return 0
        fi
        previous=$current
        sleep 1
    done
    echo "seed: no answer to \"$1\" within 120 s:" >&2
    echo "$current" >&2
    return 1
}
seed_ask "Warm-up question number 0?" "Ready for the benchmark."
: > "$WORK/seed.windows"
for i in $(seq 1 "$SEED_QUESTIONS"); do
    start=$(now_ms)
    seed_ask "Benchmark question number $i: what is $i plus $i?" "The answer to question $i is $(( 2 * i ))."
    end=$(now_ms)
    echo "$i $start $end" >> "$WORK/seed.windows"
done

# --- table ---
echo "load: $(uptime)"
python3 - "$WORK/requests.jsonl" "$WORK/escalator-a.windows" "$WORK/seed.windows" "$WORK/escalator-c.windows" <<'PY'
import collections, json, statistics, sys
log = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]

def windows(path):
    return [tuple(float(x) for x in line.split()[1:3]) for line in open(path) if line.strip()]

def overheads(ws, label):
    out, kinds, served_all = [], collections.Counter(), []
    for start, end in ws:
        inside = [r for r in log if start <= r["received_at_ms"] <= end]
        for r in inside:
            kinds[(r["method"], r["path"], r["model"], r["status"])] += 1
        spans = sorted((max(start, r["received_at_ms"]), min(end, r["finished_at_ms"] or end)) for r in inside)
        served, cur_s, cur_e = 0.0, None, None
        for s, e in spans:
            if cur_e is None or s > cur_e:
                if cur_e is not None: served += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        if cur_e is not None: served += cur_e - cur_s
        served_all.append(served)
        out.append((end - start) - served)
    n = len(ws)
    print(f"requests per question ({label}, {n} questions):")
    for (method, path, model, status), count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"    {count / n:5.2f}  {method} {path} model={model} status={status}")
    print(f"    stand-in serving time per question: median {statistics.median(served_all):.1f} ms")
    return sorted(out)

def p90(xs): return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]

def overheads_in_order(ws):
    out = []
    for start, end in ws:
        inside = sorted((max(start, r["received_at_ms"]), min(end, r["finished_at_ms"] or end))
                        for r in log if start <= r["received_at_ms"] <= end)
        served, cur_s, cur_e = 0.0, None, None
        for s, e in inside:
            if cur_e is None or s > cur_e:
                if cur_e is not None: served += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        if cur_e is not None: served += cur_e - cur_s
        out.append((end - start) - served)
    return out

esc = overheads(windows(sys.argv[2]), "escalator, hooks")
screen = overheads(windows(sys.argv[4]), "escalator, screen only")
seed = overheads(windows(sys.argv[3]), "seed")
outside = [r for r in log if not any(s <= r["received_at_ms"] <= e
                                     for s, e in windows(sys.argv[2]) + windows(sys.argv[3]) + windows(sys.argv[4]))]
print(f"requests outside the measured windows (start-up, warm-ups): {len(outside)}: "
      + ", ".join(sorted({f'{r["path"]} {r["model"]}' for r in outside})))
em, ep, sm, sp = statistics.median(esc), p90(esc), statistics.median(seed), p90(seed)
cm, cp = statistics.median(screen), p90(screen)
print()
print("Escalation overhead per question on the real Claude Code CLI (wall time minus the stand-in's serving time), ms")
print(f"{'method':<46} {'n':>4} {'p50':>9} {'p90':>9} {'ratio seed/method (p50, p90)':>30}")
print(f"{'escalator, hooks (Stop event, exact answer)':<46} {len(esc):>4} {em:>9.1f} {ep:>9.1f} {f'{sm/em:.1f}x, {sp/ep:.1f}x':>30}")
print(f"{'escalator, screen only (--no-hooks)':<46} {len(screen):>4} {cm:>9.1f} {cp:>9.1f} {f'{sm/cm:.1f}x, {sp/cp:.1f}x':>30}")
print(f"{'seed (ssh per command, 1 s capture poll)':<46} {len(seed):>4} {sm:>9.1f} {sp:>9.1f} {'1.0x':>30}")
# The answer is returned at the Stop event; its usage is read from the CLI's transcript after it
# (the CLI writes the transcript in batches, up to about 100 ms after the hook).
rows = [line.split() for line in open(sys.argv[2]) if len(line.split()) >= 9]
if rows:
    plain = overheads_in_order(windows(sys.argv[2]))
    after = [float(f[7]) - float(f[6]) for f in rows]
    counted = collections.Counter(int(f[8]) for f in rows)
    full = sorted(o + a for o, a in zip(plain, after))
    fm, fp = statistics.median(full), p90(full)
    print(f"{'escalator, hooks, until its usage is measured':<46} {len(full):>4} {fm:>9.1f} {fp:>9.1f} {f'{sm/fm:.1f}x, {sp/fp:.1f}x':>30}")
    xs = sorted(after)
    print(f"    (the transcript read after the answer: p50 {statistics.median(xs):.1f} ms, p90 {p90(xs):.1f}; "
          f"requests measured per question: {dict(sorted(counted.items()))})")

# Where the hooks path's overhead goes, per question (see the header).
names = ["escalator: pane lock, readiness check (waits while the CLI draws the last turn's end)",
         "escalator: clear the turn's events, paste, wait until the paste shows",
         "CLI: Enter -> its API request",
         "CLI + hook: response's last byte -> Stop event read",
         "escalator: after the Stop event (restore the input box, unlock)"]
stages = {name: [] for name in names}
for line in open(sys.argv[2]):
    fields = line.split()
    if len(fields) < 6: continue
    start, end, enter, ended, ready = (float(x) for x in fields[1:6])
    inside = [r for r in log if start <= r["received_at_ms"] <= end]
    if not inside or min(enter, ended, ready) <= 0: continue
    first, last = min(r["received_at_ms"] for r in inside), max(min(end, r["finished_at_ms"] or end) for r in inside)
    for name, value in zip(names, [ready - start, enter - ready, first - enter, ended - last, end - ended]):
        stages[name].append(value)
if all(stages.values()):
    print()
    print(f"Where the hooks path's overhead goes ({len(stages[names[0]])} questions; the stages add up to the overhead), ms")
    print(f"{'stage':<90} {'p50':>7} {'p90':>7}")
    for name in names:
        xs = sorted(stages[name])
        print(f"{name:<90} {statistics.median(xs):>7.1f} {p90(xs):>7.1f}")
    cli = sorted(a + b for a, b in zip(stages[names[2]], stages[names[3]]))
    own = sorted(a + b + c for a, b, c in zip(stages[names[0]], stages[names[1]], stages[names[4]]))
    print(f"escalator's own steps: p50 {statistics.median(own):.1f} ms (p90 {p90(own):.1f}); "
          f"the CLI's own work plus the hook command: p50 {statistics.median(cli):.1f} ms (p90 {p90(cli):.1f})")
    print(f"target (hooks), read as p50 <= 100 ms beyond the agent's own turn (escalator's own steps): "
          f"{'met' if statistics.median(own) <= 100 else 'NOT met'} (p50 {statistics.median(own):.1f} ms)")
print()
print(f"target (screen only): ratio >= 10x (p50): {'met' if sm / cm >= 10 else 'NOT met'}")
print(f"target (hooks): p50 <= 100 ms and ratio >= 30x: {'met' if em <= 100 and sm / em >= 30 else 'NOT met'}"
      f" (p50 {em:.1f} ms, {sm/em:.1f}x)")
PY
