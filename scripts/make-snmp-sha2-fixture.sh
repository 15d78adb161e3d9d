#!/usr/bin/env bash
# Makes core/testing/fixtures/snmp-sha2.pcap.gz: SNMPv3 with the SHA-2 authentication protocols of RFC 7860,
# Net-SNMP's snmpd answering its snmpget on the loopback, captured with tcpdump: one get as each of "sha224user"
# (HMAC-SHA-224-128), "sha256user" (HMAC-SHA-256-192, authPriv with AES), "sha384user" (HMAC-SHA-384-256) and
# "sha512user" (HMAC-SHA-512-384); before sha256user's own, one with a wrong password (the agent answers with
# a report: usmStatsWrongDigests). Run as root on Debian with snmpd, snmp and tcpdump installed. The SNMP tests read the
# capture this makes (the passwords are the user names with "-pass").
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/snmp-sha2.pcap.gz"
work="$(mktemp -d)"
trap 'kill "${agent:-0}" "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/snmpd.conf" <<'CONF'
agentAddress udp:127.0.0.1:161
createUser sha224user SHA-224 sha224user-pass
createUser sha256user SHA-256 sha256user-pass AES sha256user-priv
createUser sha384user SHA-384 sha384user-pass
createUser sha512user SHA-512 sha512user-pass
rouser sha224user auth
rouser sha256user priv
rouser sha384user auth
rouser sha512user auth
CONF
snmpd -f -Lo -C -c "$work/snmpd.conf" -p "$work/snmpd.pid" >/dev/null 2>&1 &
agent=$!
sleep 2
tcpdump -i lo -s 0 -w "$work/snmp.pcap" 'udp port 161' 2>/dev/null &
dump=$!
sleep 1
q() { "$@" >/dev/null 2>&1 || true; sleep 0.3; }
v3() { q snmpget -v3 -t 1 -r 0 "$@" 127.0.0.1 1.3.6.1.2.1.1.5.0; }
v3 -u sha224user -l authNoPriv -a SHA-224 -A sha224user-pass
v3 -u sha256user -l authNoPriv -a SHA-256 -A wrong-password
v3 -u sha256user -l authPriv -a SHA-256 -A sha256user-pass -x AES -X sha256user-priv
v3 -u sha384user -l authNoPriv -a SHA-384 -A sha384user-pass
v3 -u sha512user -l authNoPriv -a SHA-512 -A sha512user-pass
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/snmp.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
