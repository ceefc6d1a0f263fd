# Sourced by the benchmark scripts: a throwaway sshd on a free 127.0.0.1 port (as
# Tests/TestSupport/SSHDFixture.swift). Needs WORK (a private directory); sets PORT, USER_NAME,
# SSHD_PID (the caller stops exactly that pid) and SSH (the ssh command line for that server).
ssh-keygen -q -t ed25519 -N "" -C escalator-bench -f "$WORK/host_ed25519"
ssh-keygen -q -t ed25519 -N "" -C escalator-bench -f "$WORK/user_ed25519"
cp "$WORK/user_ed25519.pub" "$WORK/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
USER_NAME=$(id -un)
cat > "$WORK/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/host_ed25519
AuthorizedKeysFile $WORK/authorized_keys
PidFile $WORK/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
MaxSessions 50
MaxStartups 50
LogLevel VERBOSE
EOF
mkdir -p /run/sshd   # privilege-separation directory
/usr/sbin/sshd -t -f "$WORK/sshd_config"
/usr/sbin/sshd -D -f "$WORK/sshd_config" -E "$WORK/sshd.log" &
SSHD_PID=$!
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$WORK/host_ed25519.pub")" > "$WORK/known_hosts"

SSH=(ssh -F /dev/null -p "$PORT" -i "$WORK/user_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes
     -o UserKnownHostsFile="$WORK/known_hosts" -o StrictHostKeyChecking=yes "$USER_NAME@127.0.0.1")
for _ in $(seq 1 100); do
    "${SSH[@]}" true 2>/dev/null && break
    kill -0 "$SSHD_PID" 2>/dev/null || { echo "sshd exited:" >&2; cat "$WORK/sshd.log" >&2; exit 1; }
    sleep 0.1
done
"${SSH[@]}" true
