#!/usr/bin/env bash
# Escalation overhead over SSH (issue 3): escalator's AgentDriver (one libssh2 connection, one
# persistent tmux control-mode client) against the seed's method (a new `ssh` process per tmux
# command, capture-pane every 1 s until two equal captures show the composer). Both talk to the
# same throwaway loopback sshd and the same claude-sim with the same think time.
# Overhead = total time per question minus claude-sim's think time.
#
# Usage: .ci/bench-remote.sh RELEASE_BIN_DIR   (needs escalator-bench and claude-sim in it)
# Env:   QUESTIONS (50), SEED_QUESTIONS (50), THINK_MS (500), SETTLE_MS (100),
#        ESCALATOR_EXTRA (e.g. --no-control: every tmux command as its own exec, for comparison)
set -euo pipefail

BIN=$(cd "${1:?usage: $0 RELEASE_BIN_DIR}" && pwd)
QUESTIONS=${QUESTIONS:-50}
SEED_QUESTIONS=${SEED_QUESTIONS:-50}
THINK_MS=${THINK_MS:-500}
# The driver's settle time: Claude Code ends a turn with a positive completion row
# ("✻ Worked for 3s") that the parser requires together with the idle composer, so the quiet
# period only has to outlast the last repaint of one frame, not guess the end of the turn.
SETTLE_MS=${SETTLE_MS:-50}
for tool in escalator-bench claude-sim; do
    [ -x "$BIN/$tool" ] || { echo "missing $BIN/$tool (build with: swift build -c release)" >&2; exit 1; }
done
for tool in /usr/sbin/sshd ssh ssh-keygen tmux python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y openssh-server openssh-client tmux python3)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/escalator-bench-remote.XXXXXX)
SOCK_A="escalator-bench-a-$$"   # tmux server used by escalator
SOCK_B="escalator-bench-b-$$"   # tmux server used by the seed script
SSHD_PID=""
SSH=()

cleanup() {
    set +e
    for sock in "$SOCK_A" "$SOCK_B"; do
        # Exactly our sockets (loopback: the servers run on this machine as this user). Record the
        # server pid, ask it to exit, and kill that pid only if it is still there.
        server=$(tmux -L "$sock" display-message -p '#{pid}' 2>/dev/null)
        tmux -L "$sock" kill-server >/dev/null 2>&1
        if [ -n "$server" ]; then
            for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$server" 2>/dev/null && kill -KILL "$server"
        fi
        rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"   # the dead server's socket file, ours only
    done
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a throwaway sshd on a free 127.0.0.1 port ---
source "$(dirname "$0")/bench-sshd.sh"
echo "sshd pid $SSHD_PID on 127.0.0.1:$PORT; think time ${THINK_MS} ms; settle time ${SETTLE_MS} ms"

now_ms() { date +%s%3N; }

# --- (a) escalator: the real AgentDriver over libssh2 ---
echo "==> (a) escalator: $QUESTIONS questions"
"$BIN/escalator-bench" remote-overhead --port "$PORT" --user "$USER_NAME" --key "$WORK/user_ed25519" \
    --known-hosts "$WORK/known_hosts" --socket "$SOCK_A" --sim "$BIN/claude-sim" \
    --think-ms "$THINK_MS" --questions "$QUESTIONS" --settle-ms "$SETTLE_MS" ${ESCALATOR_EXTRA:-} | tee "$WORK/escalator.out" | grep -v '^question ' || true
grep '^question ' "$WORK/escalator.out" | awk -v t="$THINK_MS" '{print $4 - t}' > "$WORK/escalator.overhead"
[ "$(wc -l < "$WORK/escalator.overhead")" -eq "$QUESTIONS" ] || { echo "escalator run failed" >&2; exit 1; }

# --- (b) the seed's method: a new ssh process per tmux command ---
echo "==> (b) seed method (ssh per tmux command, capture every 1 s): $SEED_QUESTIONS questions"
T=(tmux -L "$SOCK_B")
"${SSH[@]}" "${T[@]}" new-session -d -s S -x 120 -y 40 -- "$BIN/claude-sim" --think-ms "$THINK_MS"
for _ in $(seq 1 150); do
    "${SSH[@]}" "${T[@]}" capture-pane -p -t S | grep -q '❯' && break
    sleep 0.1
done
: > "$WORK/seed.overhead"
for i in $(seq 1 "$SEED_QUESTIONS"); do
    question="Benchmark question number $i: what is $i plus $i?"
    start=$(now_ms)
    "${SSH[@]}" "${T[@]}" send-keys -t S -l -- "'$question'"
    "${SSH[@]}" "${T[@]}" send-keys -t S Enter
    previous=""
    while true; do
        current=$("${SSH[@]}" "${T[@]}" capture-pane -p -t S)
        if [ "$current" == "$previous" ] && grep -q '❯' <<< "$current"; then break; fi
        previous=$current
        sleep 1
    done
    end=$(now_ms)
    echo $(( end - start - THINK_MS )) >> "$WORK/seed.overhead"
done

# --- table ---
python3 - "$WORK/escalator.overhead" "$WORK/seed.overhead" "$QUESTIONS" "$SEED_QUESTIONS" <<'PY'
import sys, statistics
def load(path): return sorted(float(x) for x in open(path) if x.strip())
def p90(xs): return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
esc, seed = load(sys.argv[1]), load(sys.argv[2])
em, ep, sm, sp = statistics.median(esc), p90(esc), statistics.median(seed), p90(seed)
print()
print("Escalation overhead per question (total minus think time), milliseconds")
print(f"{'method':<44} {'n':>4} {'median':>9} {'p90':>9} {'ratio seed/escalator (median, p90)':>36}")
print(f"{'escalator (libssh2 + tmux control client)':<44} {len(esc):>4} {em:>9.1f} {ep:>9.1f} {'':>36}")
print(f"{'seed (ssh per command, 1 s capture poll)':<44} {len(seed):>4} {sm:>9.1f} {sp:>9.1f} {f'{sm/em:.1f}x, {sp/ep:.1f}x':>36}")
ok = sm / em >= 10 and em <= 300
print(f"target: ratio >= 10x and escalator p50 <= 300 ms: {'met' if ok else 'NOT met'}")
PY
