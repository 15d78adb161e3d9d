#!/usr/bin/env bash
# Makes core/testing/fixtures/snmp-netsnmp.pcap.gz: real SNMP on the loopback interface, Net-SNMP's snmpd
# answering its command-line tools, captured with tcpdump: SNMPv1 and v2c gets, a get-next and a get-bulk walk
# with the read community "public", a set with the write community "private" (answered), one with "public"
# (refused: noAccess), a request with a wrong community (no answer), a v1 and a v2c trap and an inform (to port
# 162, where nothing listens), and an SNMPv3 get as user "alice" (authPriv: the username travels in the clear).
# Run as root on Debian with snmpd, snmp and tcpdump installed. The SNMP tests read the capture this makes.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/snmp-netsnmp.pcap.gz"
work="$(mktemp -d)"
trap 'kill "${agent:-0}" "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/snmpd.conf" <<'CONF'
agentAddress udp:127.0.0.1:161
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
sysLocation Evidence room 3
createUser alice SHA alicepass123 AES alicepriv123
rouser alice
CONF
snmpd -f -Lo -C -c "$work/snmpd.conf" -p "$work/snmpd.pid" >/dev/null 2>&1 &
agent=$!
sleep 2
tcpdump -i lo -s 0 -w "$work/snmp.pcap" 'udp port 161 or udp port 162' 2>/dev/null &
dump=$!
sleep 1
q() { "$@" >/dev/null 2>&1 || true; sleep 0.3; }
q snmpget -v1 -c public -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.3.0
q snmpget -v2c -c public -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.6.0 1.3.6.1.2.1.1.99.0
q snmpgetnext -v2c -c public -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.1
q snmpbulkget -v2c -c public -Cn0 -Cr3 -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.2.2.1.2
q snmpset -v2c -c private -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.5.0 s evidence-host
q snmpset -v2c -c public -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.5.0 s not-allowed
q snmpget -v2c -c s3cr3t-guess -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.1.0
q snmptrap -v1 -c traps 127.0.0.1 1.3.6.1.4.1.8072.2.3.1 127.0.0.1 6 17 '' 1.3.6.1.2.1.1.5.0 s evidence-host
q snmptrap -v2c -c traps 127.0.0.1 '' 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.2 i 2
q snmpget -v3 -u alice -l authPriv -a SHA -A alicepass123 -x AES -X alicepriv123 -t 1 -r 0 127.0.0.1 1.3.6.1.2.1.1.1.0
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/snmp.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
