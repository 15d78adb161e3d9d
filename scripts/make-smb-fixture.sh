#!/usr/bin/env bash
# Makes core/testing/fixtures/smb2-impacket.pcap.gz: a real SMB2 session between Impacket's smbserver.py and
# smbclient.py on the loopback interface (NTLMSSP login, shares listed by directory, two files read, one missing,
# one uploaded, a folder made and removed, a file deleted), captured with tcpdump. Run as root on Debian with
# python3-impacket and tcpdump installed; the SMB2 tests read the capture this makes.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/smb2-impacket.pcap.gz"
work="$(mktemp -d)"
trap 'pkill -f "smbserver.py.*$work" || true; kill "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
examples=/usr/share/doc/python3-impacket/examples
mkdir -p "$work/share/docs" "$work/dl"
# Text, so that the capture compresses well; 70,000 bytes, so that it takes two 64 KiB reads.
for i in $(seq -w 1 1500); do printf 'Ledger line %s: account 4000-%s, amount %s.00 EUR\n' "$i" "$i" "$i"; done |
  head -c 70000 >"$work/share/docs/payload.bin"
printf 'MZ\x90\x00fake exe' >"$work/share/docs/report 2026.pdf"
echo 'hello evidence' >"$work/share/readme.txt"
for i in $(seq 1 200); do echo 'exfil: customer list'; done >"$work/upload.txt"
cat >"$work/cmds" <<CMDS
use SHARE
ls
cd docs
get payload.bin
get report 2026.pdf
get missing.doc
cd ..
put $work/upload.txt
mkdir newdir
rmdir newdir
cat readme.txt
rm upload.txt
exit
CMDS
tcpdump -i lo -s 0 -w "$work/smb.pcap" 'tcp port 445' 2>/dev/null &
dump=$!
sleep 1
/usr/bin/python3 "$examples/smbserver.py" -smb2support -username alice -password wonderland SHARE "$work/share" \
  >/dev/null 2>&1 &
sleep 3
(cd "$work/dl" && /usr/bin/python3 "$examples/smbclient.py" alice:wonderland@127.0.0.1 -file "$work/cmds" >/dev/null)
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/smb.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
