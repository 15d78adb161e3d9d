/**
 * HTTP traffic for the JSON and login-form tests and the fuzzer's seeds: JSON bodies of every shape (and two
 * Dropbox LAN sync discovery broadcasts), and login forms posted as application/x-www-form-urlencoded, a JSON
 * login and a query-string login.
 */
import { TcpConversation, ethernet, httpResponse, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

const enc = new TextEncoder();

/** Response bodies by content type: nesting, escapes, numbers, literals, several texts, a trailing newline, errors. */
export const JSON_BODIES: [string, string][] = [
  [
    'application/json',
    '{"user":{"name":"alice","roles":["admin","dev"],"age":42,"ratio":-1.5e3,"active":true,"manager":null},' +
      '"tags":[],"meta":{},"matrix":[[1,2],[3,[4]]],"list":[{"id":1},{"id":2,"ok":false}]}',
  ],
  [
    'application/json; charset=utf-8',
    '{"esc":"line\\nbreak \\"quoted\\" back\\\\slash \\/ tab\\t","uni":"caf\\u00e9 \\ud83d\\ude00","nul":"a\\u0000b",' +
      '"lone":"x\\ud800y","utf8":"grüße","e":"\\u00e9t\\u00e9"}\n',
  ],
  ['application/x-ndjson', '{"n":1}\n{"n":2}\n[3,NaN]\n'],
  ['application/problem+json', '{"type":"about:blank","title":"Not Found","status":404}'],
  ['application/json', '{"broken": }'],
  ['application/json', '  [ 1 , "two" , { "three" : 3 } ]  '],
  ['application/vnd.api+json', '{"data":[]}'],
  ['application/json', '{"a":1} trailing words'],
  ['application/json', ' \r\n{"unclosed": [1, 2'],
];

export function jsonPackets(): SynthPacket[] {
  const out: SynthPacket[] = [];
  JSON_BODIES.forEach(([ct, body], i) => {
    const c = new TcpConversation(CLIENT, WEB, 51000 + i, 80, { s: 1_700_000_000 + i, ns: 0 });
    c.handshake();
    const req = `{"username":"bob","password":"hunter2","n":${i}}`;
    c.send(
      true,
      `POST /api/${i} HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: ${req.length}\r\n\r\n${req}`,
    );
    c.send(false, httpResponse(enc.encode(body), ct));
    c.close();
    out.push(...c.packets);
  });
  // Dropbox LAN sync discovery: a broadcast of valid JSON, and one that is not JSON.
  const discovery = (payload: string, s: number): SynthPacket => ({
    data: ethernet(
      mac('ff:ff:ff:ff:ff:ff'),
      mac(CLIENT.mac),
      0x0800,
      ipv4(
        ip4(CLIENT.ip),
        ip4('255.255.255.255'),
        17,
        udp(ip4(CLIENT.ip), ip4('255.255.255.255'), 17500, 17500, enc.encode(payload)),
      ),
    ),
    tsSec: s,
    tsNsec: 0,
  });
  out.push(
    discovery(
      '{"host_int": 4094514483, "version": [2, 0], "displayname": "", "port": 17500, "namespaces": [20524257, 639539072]}',
      1_700_000_100,
    ),
    discovery('hello dropbox', 1_700_000_101),
  );
  return out;
}

export const FORM = 'application/x-www-form-urlencoded';

/** Request bodies: a login, UTF-8 and %-escapes, a trailing CR LF, and the ways a form goes wrong. */
const POSTS: [string, string][] = [
  [FORM, 'username=alice&password=s3cr%21t+x&remember=on&empty=&flag&a%20b=c+d'],
  [`${FORM}; charset=UTF-8`, 'user=bob%40corp.example&pass=%E2%82%ACuro'],
  [FORM, 'login=carol&pwd=hunter2\r\n'],
  [FORM, 'a=1&bad=%zz&c=3'],
  [FORM, 'a=1&tail%4'],
  [FORM, 'x=1&flag'],
  [FORM, 'k=v%00w&=novalue&&z=%41%42'],
  ['application/json', '{"auth":{"email":"erin@corp.example","password":"Winter2024!"},"remember":true}'],
  [FORM, 'q=search+terms&page=2'],
];

export function formPackets(): SynthPacket[] {
  const out: SynthPacket[] = [];
  POSTS.forEach(([ct, body], i) => {
    const c = new TcpConversation(CLIENT, WEB, 52000 + i, 80, { s: 1_700_000_000 + i, ns: 0 });
    c.handshake();
    c.send(
      true,
      `POST /login HTTP/1.1\r\nHost: web.example\r\nContent-Type: ${ct}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    c.send(false, httpResponse(enc.encode('ok'), 'text/plain'));
    c.close();
    out.push(...c.packets);
  });
  const g = new TcpConversation(CLIENT, WEB, 52100, 80, { s: 1_700_000_100, ns: 0 });
  g.handshake();
  g.send(true, 'GET /cgi-bin/auth?usr=dave&passwd=let%20me+in HTTP/1.1\r\nHost: cam.example\r\n\r\n');
  g.send(false, httpResponse(enc.encode('ok'), 'text/plain'));
  g.close();
  out.push(...g.packets);
  return out;
}
