/**
 * JSON bodies (HTTP requests and responses of the JSON media types) and Dropbox's LAN sync discovery against
 * tshark itself, on a capture the test writes: rows, the JSON trees line by line, the json.* fields and filters.
 */
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  filtersVsTshark,
  framesMatching,
  hasTshark,
  layerParts,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';
import {
  TcpConversation,
  ethernet,
  httpResponse,
  ip4,
  ipv4,
  mac,
  udp,
  type SynthPacket,
} from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { displayText } from '../fields/text.js';
import { isJsonText, jsonUnescape, parseJsonTexts } from './l7-json.js';

const enc = new TextEncoder();

/** Response bodies by content type: nesting, escapes, numbers, literals, several texts, a trailing newline, errors. */
const BODIES: [string, string][] = [
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

function packets(): SynthPacket[] {
  const out: SynthPacket[] = [];
  BODIES.forEach(([ct, body], i) => {
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

const FIELDS = [
  'json.object',
  'json.array',
  'json.member',
  'json.key',
  'json.path',
  'json.path_with_value',
  'json.member_with_value',
  'json.value.string',
  'json.value.number',
  'json.value.true',
  'json.value.false',
  'json.value.null',
  'json.value.nan',
  'db-lsp.text',
];

describe.skipIf(!hasTshark)('JSON and DB-LSP-DISC vs tshark', () => {
  it('prints the same rows, trees, fields and filter results as tshark', async () => {
    const { session: s, list, tshark } = await synthCapture(packets());
    expect(list).toBe(tshark());
    expect(list).toContain('HTTP/JSON');
    expect(list).toContain('DB-LSP-DISC/JSON');

    const ours = detailsText(s);
    const theirs = tshark('-V');
    for (const layer of ['JavaScript Object Notation', 'Line-based text data', 'Dropbox LAN sync']) {
      const parts = (t: string) => layerParts(t, layer).filter((x) => x.startsWith(layer));
      expect(parts(ours), layer).toEqual(parts(theirs));
      expect(parts(ours).length, layer).toBeGreaterThan(0);
    }

    // As tshark prints fields: a present FT_NONE item as 1, text with control characters escaped.
    const show = (v: unknown) => (v === null ? '1' : displayText(String(v)));
    expect(ourFields(s, FIELDS, show)).toEqual(tsharkFields(tshark, FIELDS));

    const results = filtersVsTshark(s, tshark, [
      'json',
      'json.member_with_value == "password:hunter2"',
      'json.key == "namespaces"',
      'json.path == "/user/roles"',
      'json.path_with_value contains "/matrix/[]/[]"',
      'json.value.string contains "caf"',
      'json.value.number == "42"',
      'json.value.nan',
      'db-lsp-disc && !json',
      'http.request && json.object',
    ]);
    for (const r of results) expect(r.ours, r.filter).toEqual(r.theirs);
    expect(framesMatching(s, 'json.member_with_value == "password:hunter2"')).toHaveLength(BODIES.length);
    s.close();
  });
});

describe('JSON parser', () => {
  const b = (t: string) => enc.encode(t);

  it('takes whole texts only, one after another, and says where the last one ends', () => {
    expect(parseJsonTexts(b('{"a":[1,2]} {"b":{}}\n')).end).toBe(21);
    expect(parseJsonTexts(b('{"a":[1,2]} {"b":')).end).toBe(12);
    expect(parseJsonTexts(b('{"a": 01}')).texts).toHaveLength(0);
    expect(parseJsonTexts(b('"just a string"')).texts).toHaveLength(0);
  });

  it('unescapes as Wireshark does: pairs joined, lone surrogates replaced, characters that do not print left out', () => {
    const u = (t: string) => jsonUnescape(b(t), 0, b(t).length);
    expect(u('a\\nb\\"c\\\\d\\/e')).toBe('a\nb"c\\d/e');
    expect(u('\\ud83d\\ude00!')).toBe('😀!');
    expect(u('smile \\ud83d\\ude00')).toBe('smile ');
    expect(u('x\\ud800y')).toBe('x\ufffd');
    expect(u('a\\u0000b\\u200bc')).toBe('abc');
  });

  it('survives deep nesting and says it is not JSON rather than overflowing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseJsonTexts(b(deep)).texts).toHaveLength(0);
    expect(isJsonText(b('[' + '[1],'.repeat(10_000) + '[]]'))).toBe(true);
  });
});
