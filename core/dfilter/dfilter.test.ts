import { describe, expect, it } from 'vitest';
import type { Dissection } from '../dissect/types.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { dissectPackets } from '../testing/dissect-all.js';
import { compileFilter, completeField, validateFilter } from './index.js';
import '../protocols/index.js';
import { registry } from '../fields/registry.js';

/** Dissects the synthetic HTTP/GIF scenario (DNS, a keep-alive HTTP connection, GIFs, a PNG posing as GIF, a 404). */
const ds = dissectPackets(httpGifScenario());

function frames(expr: string): number[] {
  const c = compileFilter(expr);
  if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
  return ds.filter((d) => c.filter.match(d)).map((d) => d.frame.number);
}
function error(expr: string) {
  const c = compileFilter(expr);
  if (c.ok) throw new Error(`${expr} compiled`);
  return c.error;
}

describe('display filter language', () => {
  it('tests protocol and field existence', () => {
    expect(frames('dns')).toEqual([1, 2]);
    expect(frames('http.request').length).toBe(5);
    expect(frames('http.response').length).toBe(5);
    expect(frames('tcp.flags.syn')).toEqual(frames('tcp'));
    expect(frames('tcp.flags.syn == 1 && tcp.flags.ack == 0')).toEqual([3]);
  });

  it('compares strings, integers, addresses, CIDR blocks and MACs', () => {
    expect(frames('http.request.method == "GET"').length).toBe(5);
    expect(frames('http.request.method == GET')).toEqual(frames('http.request.method == "GET"'));
    expect(frames('http.response.code == 404').length).toBe(1);
    expect(frames('http.response.code >= 400')).toEqual(frames('http.response.code == 404'));
    expect(frames('ip.addr == 93.184.216.0/24')).toEqual(frames('tcp'));
    expect(frames('ip.src == 192.168.1.23 && udp')).toEqual([1]);
    expect(frames('eth.src == 00:1b:54:47:49:44')).toEqual(frames('eth.src[0:3] == 00:1b:54'));
    expect(frames('ip.proto == 6')).toEqual(frames('tcp'));
  });

  it('follows Wireshark multi-occurrence semantics for == != === !==', () => {
    // ip.addr occurs twice per packet (source and destination).
    const all = frames('ip');
    expect(frames('ip.addr == 192.168.1.23')).toEqual(all);
    expect(frames('ip.addr != 192.168.1.23')).toEqual([]); // all_ne: every occurrence must differ
    expect(frames('ip.addr !== 192.168.1.23')).toEqual(all); // any_ne: the other address differs
    expect(frames('ip.addr === 192.168.1.23')).toEqual([]); // all_eq: both would have to be equal
    expect(frames('ip.addr any_ne 192.168.1.23')).toEqual(all);
  });

  it('gives and/or/not/xor Wireshark precedence', () => {
    expect(frames('dns or tcp and http.request')).toEqual(frames('dns or (tcp and http.request)'));
    expect(frames('not dns and udp')).toEqual(frames('(not dns) and udp'));
    expect(frames('dns xor udp')).toEqual([]);
    expect(frames('!dns && !tcp')).toEqual([]);
  });

  it('supports contains, matches (case-insensitive), membership, slices, functions and bitwise and', () => {
    expect(frames('http.request.uri contains "gif"').length).toBe(4);
    expect(frames('http.request.uri matches "LOGO\\\\.GIF$"').length).toBe(1);
    expect(frames('http.response.code in {200, 404}').length).toBe(5);
    expect(frames('http.response.code in {300..500}').length).toBe(1);
    expect(frames('http.response.code not in {200}').length).toBe(1);
    expect(frames('http.request.method[0:2] == "GE"').length).toBe(5);
    expect(frames('len(http.request.uri) > 12').length).toBe(3);
    expect(frames('upper(http.request.method) == "GET"').length).toBe(5);
    expect(frames('tcp.flags & 0x02')).toEqual(frames('tcp.flags.syn == 1'));
    expect(frames('frame contains "GIF89a"').length).toBeGreaterThan(0);
    expect(frames('frame matches "(?-i)gif89a"')).toEqual([]);
    expect(frames('count(ip.addr) == 2')).toEqual(frames('ip'));
  });

  it('runs both lecture filters; the \\. escape is accepted with a warning and its span', () => {
    const lecture = 'http.request.method==GET && http.request.full_uri matches "http://.*\\.gif.*"';
    const c = compileFilter(lecture);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.warnings).toHaveLength(1);
    const at = lecture.indexOf('\\.');
    expect(c.warnings[0].span).toEqual([at, at + 2]);
    expect(frames(lecture).length).toBe(4);
    // Only responses carry a Content-Type: the two GIFs and the PNG served as image/gif (tshark agrees).
    expect(
      frames('(http.request.method==GET or http.response==200) && tcp && http.content_type=="image/gif"')
        .length,
    ).toBe(3);
    expect(validateFilter(lecture).status).toBe('warn');
  });

  it("takes Wireshark's old protocol names (ssl, bootp) with a warning, as their new ones", () => {
    const expr = 'ssl.handshake.type == 1 || bootp || ssl';
    const c = compileFilter(expr);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.warnings).toEqual([
      { message: '"ssl" is deprecated, use "tls" (this reads tls.handshake.type)', span: [0, 18] },
      { message: '"bootp" is deprecated, use "dhcp"', span: [27, 32] },
      { message: '"ssl" is deprecated, use "tls"', span: [36, 39] },
    ]);
    expect(frames(expr)).toEqual(frames('tls.handshake.type == 1 || dhcp || tls'));
    expect(validateFilter('ssl').status).toBe('warn');
    expect(error('sslx')).toEqual({
      message: '"sslx" is neither a field nor a protocol name.',
      span: [0, 4],
    });
    // Completion offers the current names only.
    expect(completeField('ssl').some((c) => c.name.startsWith('ssl'))).toBe(false);
  });

  it('reports errors with messages like tshark and a precise span', () => {
    expect(error('htp')).toEqual({ message: '"htp" is neither a field nor a protocol name.', span: [0, 3] });
    expect(error('http.request.method ==').message).toBe('Unexpected end of filter expression.');
    expect(error('ip.src == 999.1.1.1')).toEqual({
      message: '"999.1.1.1" is not a valid hostname or IPv4 address.',
      span: [10, 19],
    });
    expect(error('tcp.port in {80 8080}')).toEqual({
      message: '"8080" was unexpected in this context.',
      span: [16, 20],
    });
    expect(error('http.host == "abc').message).toBe('The final quote was missing from a quoted string.');
    expect(error('http.host == "\\H"').span).toEqual([14, 16]);
    expect(error('6 == ip.proto').message).toBe(
      'Left side of "==" expression must be a field or function, not 6.',
    );
    expect(error('frame.len > "abc"').message).toMatch(/cannot be converted from a string/);
    expect(error('ip.version = 4').message).toBe('"=" was unexpected in this context.');
    expect(validateFilter('').status).toBe('empty');
    expect(validateFilter('tcp').status).toBe('ok');
  });

  it("reads an unquoted value as a field when Wireshark has one of that name, and '.name' as a field always", () => {
    // "ff" is both a byte and Wireshark's name for Foundation Fieldbus (which no frame here carries).
    const d = ds.find((x) => x.sources[0].bytes.includes(0xff));
    const at = d?.sources[0].bytes.indexOf(0xff) ?? -1;
    expect(frames(`frame[${at}] == :ff`)).toContain(d?.frame.number);
    expect(frames(`frame[${at}] == ff`)).toEqual([]);
    expect(frames(`frame[${at}] == .ff`)).toEqual([]);
    expect(frames('ff')).toEqual([]);
    expect(frames('ip.src == .ip.src')).toEqual(frames('ip'));
    expect(error('frame[0] == .nosuch')).toEqual({
      message: '"nosuch" is not a valid protocol or protocol field.',
      span: [12, 19],
    });
    expect(error('frame.time_delta > .5').message).toBe('"5" is not a valid protocol or protocol field.');
  });

  it('fails cleanly on very deep nesting and very long input, and matches in linear time', () => {
    const deep = `${'('.repeat(10_000)}tcp${')'.repeat(10_000)}`;
    expect(error(deep).message).toMatch(/nested too deeply/);
    const notDeep = `${'!'.repeat(10_000)}tcp`;
    expect(error(notDeep).message).toMatch(/nested too deeply/);
    const long = Array.from({ length: 40_000 }, () => 'tcp').join(' || ');
    expect(long.length).toBeGreaterThan(200_000);
    expect(compileFilter(long).ok).toBe(true);
    expect(compileFilter('x'.repeat(2 << 20)).ok).toBe(false);
    // A pattern that backtracks catastrophically in PCRE: linear in re2js.
    const payload = 'a'.repeat(1 << 20);
    const c = compileFilter('http.host matches "(a|aa)*c"');
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const withHost = ds[5]; // frame 6: GET /index.html
    const fake = { ...withHost } as Dissection;
    const host = [...withHost.byField.values()].flat().find((i) => i.field.abbrev === 'http.host');
    expect(host).toBeDefined();
    fake.byField = new Map([[host!.field.id, [{ ...host!, value: payload }]]]);
    const t0 = performance.now();
    expect(c.filter.match(fake)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('reports the fields a filter needs, for selective dissection', () => {
    const c = compileFilter('http.request.method == "GET" && ip.src == 10.0.0.1');
    expect(c.ok && c.filter.needsAll).toBe(false);
    expect(c.ok && c.filter.fields.size).toBe(2);
    // A protocol's value and a slice are the bytes items cover: the fields are enough, from a real dissection.
    const s = compileFilter('frame contains "x"');
    expect(s.ok && [s.filter.needsAll, s.filter.needsBytes]).toEqual([false, true]);
    const sl = compileFilter('ip.src[0:2] == 0a:00 && eth.src[0] & 1');
    expect(sl.ok && [sl.filter.needsAll, sl.filter.needsBytes, sl.filter.fields.size]).toEqual([
      false,
      true,
      2,
    ]);
  });

  it('completes field names, the typed prefix and protocols first', () => {
    const c = completeField('http.req');
    expect(c[0].abbrev).toBe('http.request');
    expect(c.map((x) => x.abbrev)).toContain('http.request.method');
    expect(completeField('tc')[0]).toMatchObject({ abbrev: 'tcp', kind: 'protocol' });
  });
});

describe('fields a filter requires (frames lacking them are skipped)', () => {
  const names = (expr: string): string[][] => {
    const c = compileFilter(expr);
    if (!c.ok) throw new Error(c.error.message);
    return c.filter.requires.map((clause) => clause.map((id) => registry.byIdOf(id)?.abbrev ?? '?').sort());
  };
  it('needs every field of a conjunction and one field of each disjunction', () => {
    expect(names('http.request.method == "GET" && tcp.port == 80')).toEqual([
      ['http.request.method'],
      ['tcp.port'],
    ]);
    expect(names('dns || http')).toEqual([['dns', 'http']]);
    expect(names('(ip && tcp) || udp')).toEqual([
      ['ip', 'udp'],
      ['tcp', 'udp'],
    ]);
    expect(names('tcp.port in {80, 443} && ip.src[0:2] == 0a:00')).toEqual([['tcp.port'], ['ip.src']]);
    expect(names('ip.src == ip.dst')).toEqual([['ip.src'], ['ip.dst']]);
  });
  it('counts "!=" and negated sets as needing the field, as Wireshark does', () => {
    expect(names('tcp.port != 80')).toEqual([['tcp.port']]);
    expect(names('tcp.port not in {80}')).toEqual([['tcp.port']]);
  });
  it('derives nothing from negation, xor, functions or a disjunction with an unconstrained side', () => {
    expect(names('!http')).toEqual([]);
    expect(names('http ^^ dns')).toEqual([]);
    expect(names('count(http.request) == 0')).toEqual([]);
    expect(names('len(http.host) > 3')).toEqual([]);
    expect(names('http || !dns')).toEqual([]);
    expect(names('frame.len > 0 && !tcp')).toEqual([['frame.len']]);
  });
});
