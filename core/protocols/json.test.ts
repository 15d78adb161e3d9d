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
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';
import { JSON_BODIES, jsonPackets } from '../testing/web.js';
import { displayText } from '../fields/text.js';
import { isJsonText, jsonUnescape, parseJsonTexts } from './l7-json.js';

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
    const { session: s, list, tshark } = await synthCapture(jsonPackets());
    expect(list).toBe(tshark());
    expect(list).toContain('HTTP/JSON');
    expect(list).toContain('DB-LSP-DISC/JSON');

    const ours = detailsText(s);
    const theirs = tshark('-V');
    for (const layer of ['JavaScript Object Notation', 'Line-based text data', 'Dropbox LAN sync']) {
      const parts = (t: string) => layerSections(t, layer);
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
    expect(framesMatching(s, 'json.member_with_value == "password:hunter2"')).toHaveLength(
      JSON_BODIES.length,
    );
    s.close();
  });
});

describe('JSON parser', () => {
  const b = (t: string) => new TextEncoder().encode(t);

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
