#!/usr/bin/env bash
# Makes core/testing/fixtures/ssh-openssh.pcap.gz: real SSH sessions between OpenSSH's sshd and ssh on the
# loopback interface, captured with tcpdump: a password login that runs a command (default algorithms:
# sntrup761x25519 key exchange, chacha20-poly1305), a wrong password, a curve25519 key exchange with aes128-ctr
# and hmac-sha2-256, a Diffie-Hellman group exchange with aes256-gcm, and a scanner that sends its banner and
# leaves. Run as root on Debian with openssh-server, openssh-client, sshpass and tcpdump installed; it adds the
# user "alice" (password "wonderland") when missing. The SSH tests read the capture this makes.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/ssh-openssh.pcap.gz"
work="$(mktemp -d)"
trap 'kill "$(cat "$work/sshd.pid" 2>/dev/null)" 2>/dev/null || true; kill "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
id alice >/dev/null 2>&1 || useradd -m -s /bin/bash alice
echo 'alice:wonderland' | chpasswd
mkdir -p /run/sshd
ssh-keygen -A >/dev/null
tcpdump -i lo -s 0 -w "$work/ssh.pcap" 'tcp port 22' 2>/dev/null &
dump=$!
sleep 1
/usr/sbin/sshd -o ListenAddress=127.0.0.1 -o PasswordAuthentication=yes -o PidFile="$work/sshd.pid"
sleep 1
opts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no -o LogLevel=ERROR)
sshpass -p wonderland ssh "${opts[@]}" alice@127.0.0.1 'id; uname -s' >/dev/null
sshpass -p wrong ssh "${opts[@]}" -o NumberOfPasswordPrompts=1 alice@127.0.0.1 true 2>/dev/null || true
sshpass -p wonderland ssh "${opts[@]}" -o KexAlgorithms=curve25519-sha256 -c aes128-ctr -m hmac-sha2-256 \
  alice@127.0.0.1 'echo ctr' >/dev/null
sshpass -p wonderland ssh "${opts[@]}" -o KexAlgorithms=diffie-hellman-group-exchange-sha256 \
  -c aes256-gcm@openssh.com alice@127.0.0.1 'echo gex' >/dev/null
/usr/bin/python3 - <<'PY'
import socket
s = socket.create_connection(('127.0.0.1', 22))
s.sendall(b'SSH-2.0-Scanner_1.0\r\n')
s.recv(256)
s.close()
PY
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/ssh.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
