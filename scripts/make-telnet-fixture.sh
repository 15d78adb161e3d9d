#!/usr/bin/env bash
# Makes core/testing/fixtures/telnet-login.pcap.gz: real Telnet logins to inetutils' telnetd on the loopback
# interface, captured with tcpdump. First a client that types the username a key at a time (Python's telnetlib,
# refusing every option) with a wrong password, then the telnet command (options negotiated: terminal type,
# speed, window size, linemode) with the right one, running `id`. Run as root on Debian with inetutils-telnetd,
# inetutils-telnet and tcpdump installed; it adds the user "alice" (password "wonderland") when missing. The
# Telnet tests read the capture this makes.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/telnet-login.pcap.gz"
work="$(mktemp -d)"
trap 'kill "${inetd:-0}" "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
id alice >/dev/null 2>&1 || useradd -m -s /bin/bash alice
echo 'alice:wonderland' | chpasswd
# telnetd serves one connection on its standard input, as inetd starts it.
/usr/bin/python3 - 2 <<'PY' &
import socket, subprocess, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 23))
srv.listen(5)
for _ in range(int(sys.argv[1])):
    c, _a = srv.accept()
    subprocess.Popen(['/usr/sbin/telnetd'], stdin=c.fileno(), stdout=c.fileno(), stderr=subprocess.DEVNULL)
    c.close()
PY
inetd=$!
tcpdump -i lo -s 0 -w "$work/telnet.pcap" 'tcp port 23' 2>/dev/null &
dump=$!
sleep 1
/usr/bin/python3 -W ignore - <<'PY'
import telnetlib, time
t = telnetlib.Telnet('127.0.0.1', 23, timeout=10)
t.read_until(b'login: ', 10)
for ch in 'alice':
    t.write(ch.encode())
    time.sleep(0.05)
t.write(b'\r\n')
t.read_until(b'Password: ', 10)
t.write(b'wrongpass\r\n')
t.read_until(b'login: ', 10)
t.close()
PY
sleep 1
(sleep 1; printf 'alice\r\n'; sleep 1; printf 'wonderland\r\n'; sleep 1.5; printf 'id\r\n'; sleep 1; printf 'exit\r\n'; sleep 1) |
  TERM=xterm telnet 127.0.0.1 >/dev/null 2>&1
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/telnet.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
