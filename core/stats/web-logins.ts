/**
 * Logins over HTTP (HTTP/1.x, or HTTP/2 once TLS is decrypted) that tshark's credentials tap does not list: a
 * login form's fields (application/x-www-form-urlencoded), a query string's parameters
 * (`/login?user=dave&password=…`) and a JSON body's members (`{"username": …, "password": …}`). A field whose
 * name ends like a password's ("password", "passwd", "pwd", "pass", "passphrase", "j_password",
 * "user[password]") is a password; the first field in the same message named like a username ("user",
 * "username", "login", "email", "uid", …) is its user.
 */
import type { Dissection, Item } from '../dissect/types.js';
import type { Credential } from '../api/types.js';
import { first, items } from './fields.js';

/** The fields web logins are read from (for the credentials pass's selective dissection). */
export const WEB_LOGIN_FIELDS = [
  'http.request.method',
  'http.request.uri',
  'http2.headers.method',
  'http2.headers.path',
  'http.request.uri.query.parameter',
  'urlencoded-form.key',
  'urlencoded-form.value',
  'json.member',
  'json.value.string',
  'json.value.number',
] as const;

/** A key's last part ("user[password]" → "password", "login.email" → "email"), without '-' and '_'. */
function lastPart(key: string): string {
  const parts = key.split(/[[\].]/).filter(Boolean);
  return (parts[parts.length - 1] ?? '').replace(/[-_]/g, '').toLowerCase();
}

const isPasswordKey = (key: string) => /(pass(word|wd|phrase|code)?|pwd)$/.test(lastPart(key));
const isUserKey = (key: string) =>
  /^(j?user(name|id)?|login(name|id)?|e?mail(address)?|uname|usr|account(name)?|acct|uid|nick(name)?)$/.test(
    lastPart(key),
  );

/** A query parameter's name or value as a form would decode it ('+' a space, %XX; undecodable text as it is). */
function queryDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** One message's name/value pairs of one kind, in order. */
type Pairs = [string, string][];

function formPairs(d: Dissection): Pairs {
  const keys = items(d, 'urlencoded-form.key');
  const values = items(d, 'urlencoded-form.value');
  // A form stops at its first bad %-escape: only the last key may lack its value.
  return keys.map((k, i) => [String(k.value), String(values[i]?.value ?? '')]);
}

function queryPairs(d: Dissection): Pairs {
  return items(d, 'http.request.uri.query.parameter').map((it) => {
    const s = String(it.value);
    const eq = s.indexOf('=');
    return eq < 0 ? [queryDecode(s), ''] : [queryDecode(s.slice(0, eq)), queryDecode(s.slice(eq + 1))];
  });
}

function jsonPairs(d: Dissection): Pairs {
  const out: Pairs = [];
  const isValue = (c: Item) =>
    c.field.abbrev === 'json.value.string' || c.field.abbrev === 'json.value.number';
  for (const m of items(d, 'json.member')) {
    const v = m.children?.find(isValue);
    if (v) out.push([String(m.value), String(v.value)]);
  }
  return out;
}

/** The web logins of one dissected frame. */
export function webLogins(d: Dissection): Credential[] {
  const out: Credential[] = [];
  // HTTP/1.x's request line, or an HTTP/2 request's pseudo-headers.
  const method = first(d, 'http.request.method') ?? first(d, 'http2.headers.method');
  const uri = first(d, 'http.request.uri') ?? first(d, 'http2.headers.path');
  const where = method === undefined ? 'response' : `${String(method)} ${String(uri ?? '')}`;
  for (const [protocol, pairs] of [
    ['HTTP form', formPairs(d)],
    ['HTTP query', queryPairs(d)],
    ['HTTP JSON', jsonPairs(d)],
  ] as const) {
    const user = pairs.find(([k]) => isUserKey(k));
    for (const [key, password] of pairs) {
      if (!isPasswordKey(key)) continue;
      out.push({
        frame: d.frame.number,
        protocol,
        username: user?.[1] ?? '',
        password,
        info: user ? `${where}, fields "${user[0]}" and "${key}"` : `${where}, field "${key}"`,
      });
    }
  }
  return out;
}
