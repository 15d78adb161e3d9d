#!/usr/bin/env bash
# Makes core/testing/fixtures/kerberos-mit.pcap.gz: real Kerberos exchanges with MIT Kerberos's KDC on the
# loopback interface, captured with tcpdump, in a realm of its own (CORP.EXAMPLE, set up in a temporary folder:
# the machine's Kerberos configuration is not touched). alice logs in (pre-authentication required, AES) and asks
# for a ticket to http/web.corp.example, whose only key is RC4 (a Kerberoastable service); bob, who needs no
# pre-authentication and has only an RC4 key, logs in (AS-REP roastable); alice mistypes her password; an unknown
# user tries; and alice logs in once more over TCP. Passwords: alice "wonderland", bob "roastme", the service
# "svcpass1". Run as root on Debian with krb5-kdc, krb5-user and tcpdump installed; the Kerberos tests read the
# capture this makes (and check its hashes with these passwords).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/kerberos-mit.pcap.gz"
work="$(mktemp -d)"
trap 'kill "${kdc:-0}" "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
realm=CORP.EXAMPLE
cat >"$work/kdc.conf" <<CONF
[realms]
  $realm = {
    database_name = $work/principal
    key_stash_file = $work/stash
    acl_file = $work/kadm5.acl
    kdc_listen = 127.0.0.1:88
    kdc_tcp_listen = 127.0.0.1:88
    supported_enctypes = aes256-cts-hmac-sha1-96:normal rc4-hmac:normal
  }
CONF
krb5conf() {
  cat <<CONF
[libdefaults]
  default_realm = $realm
  allow_weak_crypto = true
  dns_lookup_kdc = false
  rdns = false
  udp_preference_limit = $1
[realms]
  $realm = {
    kdc = 127.0.0.1
  }
CONF
}
krb5conf 1465 >"$work/krb5.conf"
krb5conf 1 >"$work/krb5-tcp.conf"
export KRB5_CONFIG="$work/krb5.conf" KRB5_KDC_PROFILE="$work/kdc.conf" KRB5CCNAME="FILE:$work/ccache"
touch "$work/kadm5.acl"
kdb5_util create -s -r "$realm" -P master-key-not-evidence >/dev/null
kadmin.local -q "addprinc -pw wonderland +requires_preauth alice" >/dev/null
kadmin.local -q "addprinc -pw roastme -requires_preauth -e rc4-hmac:normal bob" >/dev/null
kadmin.local -q "addprinc -pw svcpass1 -e rc4-hmac:normal http/web.corp.example" >/dev/null
tcpdump -i lo -s 0 -w "$work/krb.pcap" 'port 88' 2>/dev/null &
dump=$!
sleep 1
/usr/sbin/krb5kdc -n -r "$realm" &
kdc=$!
sleep 1
echo wonderland | kinit alice >/dev/null
kvno http/web.corp.example >/dev/null
echo roastme | kinit bob >/dev/null
echo wrong | kinit alice >/dev/null 2>&1 || true
echo whatever | kinit mallory >/dev/null 2>&1 || true
echo wonderland | KRB5_CONFIG="$work/krb5-tcp.conf" kinit alice >/dev/null
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/krb.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
