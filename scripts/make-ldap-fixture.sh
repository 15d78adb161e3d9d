#!/usr/bin/env bash
# Makes core/testing/fixtures/ldap-openldap.pcap.gz: real LDAP sessions with OpenLDAP's slapd on the loopback
# interface, captured with tcpdump, against a directory of its own (dc=corp,dc=example, in a temporary folder: the
# machine's slapd is not touched). An anonymous search that finds three people; alice binds with her password
# ("wonderland") and asks who she is; bob binds with a wrong one; the administrator binds ("secret123"), adds an
# entry, changes it and deletes it. Run as root on Debian with slapd, ldap-utils and tcpdump installed; the LDAP
# tests read the capture this makes.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/core/testing/fixtures/ldap-openldap.pcap.gz"
work="$(mktemp -d)"
trap 'kill "$(cat "$work/slapd.pid" 2>/dev/null)" 2>/dev/null || true; kill "${dump:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
base=dc=corp,dc=example
mkdir "$work/db"
cat >"$work/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $work/slapd.pid
database mdb
suffix "$base"
rootdn "cn=admin,$base"
rootpw secret123
directory $work/db
CONF
person() {
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nuserPassword: %s\n\n' \
    "$1" "$base" "$1" "$2" "$3" "$4"
}
{
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Corp\ndc: corp\n\n' "$base"
  printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$base"
  person alice 'Alice Liddell' Liddell wonderland
  person bob 'Bob Builder' Builder canwefixit
  person carol 'Carol Danvers' Danvers marvel
} >"$work/base.ldif"
slapadd -f "$work/slapd.conf" -l "$work/base.ldif" >/dev/null 2>&1
/usr/sbin/slapd -f "$work/slapd.conf" -h ldap://127.0.0.1:389/
tcpdump -i lo -s 0 -w "$work/ldap.pcap" 'tcp port 389' 2>/dev/null &
dump=$!
sleep 1
uri=ldap://127.0.0.1
ldapsearch -x -H $uri -b "ou=people,$base" '(objectClass=inetOrgPerson)' cn >/dev/null
ldapwhoami -x -H $uri -D "uid=alice,ou=people,$base" -w wonderland >/dev/null
ldapwhoami -x -H $uri -D "uid=bob,ou=people,$base" -w wrong >/dev/null 2>&1 || true
ldapadd -x -H $uri -D "cn=admin,$base" -w secret123 >/dev/null <<LDIF
dn: uid=mallory,ou=people,$base
objectClass: inetOrgPerson
uid: mallory
cn: Mallory
sn: Mallory
LDIF
ldapmodify -x -H $uri -D "cn=admin,$base" -w secret123 >/dev/null <<LDIF
dn: uid=mallory,ou=people,$base
changetype: modify
replace: sn
sn: Persistent
LDIF
ldapdelete -x -H $uri -D "cn=admin,$base" -w secret123 "uid=mallory,ou=people,$base"
sleep 1
kill "$dump"
wait "$dump" || true
mkdir -p "$(dirname "$out")"
gzip -9 -n <"$work/ldap.pcap" >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
