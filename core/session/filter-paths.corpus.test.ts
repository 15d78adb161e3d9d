/**
 * The session's filter passes dissect selectively (only the fields a filter reads, no columns) and, once the
 * first pass is done, skip TCP/UDP payloads a filter cannot read from. Whatever the path, the answer must be the
 * one a full dissection gives: checked for every oracle filter on every oracle capture, as the first filter of
 * a fresh session (first pass included; a few filters per capture; against the full first pass) and again on
 * the analysed capture (against a full re-dissection).
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../dfilter/index.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile, readTsv } from '../testing/corpus.js';
import type { Dissection } from '../dissect/types.js';
import { dissectAll } from '../testing/dissect-all.js';
import { CaptureSession } from './session.js';
import '../protocols/index.js';

/**
 * Filters the frame summary answers or prefilters (addresses, ports, streams, protocol names), run on every
 * oracle capture besides its own filters.
 */
const SUMMARY_FILTERS = [
  'ip.addr == 10.0.0.0/8 && tcp.port == 443',
  'ip.src == 192.168.0.0/16 || udp.port == 53',
  'tcp.srcport > 1024 && !(ip.dst_host contains "255")',
  'tcp.stream in {0, 2, 4}',
  'tcp.port != 80',
  'ip.host matches "^1[0-9]*\\." && udp',
  'http || dns || tls',
  'tcp && !http',
  'ip.addr#1 == ip.src',
  'http.request.method == "GET" || dns.flags.response == 1',
  'frame.len > 100 && tcp.port == 80',
  'frame.time_relative >= 1 && frame.time_relative < 5 && !arp',
  'frame.number in {1..10} || frame.time_delta > 0.5',
  'frame.cap_len < frame.len',
  'eth.addr == ff:ff:ff:ff:ff:ff',
  'eth.src[0] & 1 || eth.dst[0:3] == 01:00:5e',
  'eth.addr != eth.src && ip.src == 10.0.0.0/8',
  'eth.dst contains 00:00 && !(eth.src == 00:00:00:00:00:00)',
  'ip.src[0:2] == c0:a8 || tcp.srcport[0] == 0x1f',
  'udp.port[1:] == 35 && frame.len[0] > 0',
  'frame contains "GET" || frame matches "(?i)host: *www"',
  'tcp contains 47:49:46 || udp contains 00:01:00:00',
  'http matches "gif" && !(eth contains ff:ff:ff)',
  'ip[0] == 0x45 && dns contains "example"',
  'ipv6.addr == fe80::/10 || ipv6.dst == ff02::1:3',
  'ipv6.src_host contains "::" && udp.port == 53',
  'ipv6.host matches "^2001:" || ip.host == "10.0.0.1"',
];

describe.skipIf(!hasCorpus)('filter passes vs full dissection', () => {
  it('gives the full-tree answer on the first pass and on the analysed capture', async () => {
    let checked = 0;
    const bad: string[] = [];
    for (const name of oracleCaptures()) {
      const path = capturePath(name);
      const exprs = [...readTsv(oracleFile(name, 'filters.tsv')).map((r) => r.filter), ...SUMMARY_FILTERS];
      const filters = exprs.flatMap((expr) => {
        const c = compileFilter(expr);
        return c.ok ? [{ expr, filter: c.filter }] : [];
      });
      if (!filters.length) continue;
      const ds = await dissectAll(path);
      const analysed = new CaptureSession({ hash: false });
      await analysed.open(path);
      analysed.analyseTo(analysed.total);
      // On the analysed capture the reference is a full re-dissection (visited), which may differ from the
      // first pass where the TCP replay does (not this test's subject).
      const again: Dissection[] = [];
      analysed.scan(0, analysed.total, 'all', (_i, d) => void again.push(d));
      for (const [k, c] of filters.entries()) {
        const want = ds
          .filter((d) => c.filter.match(d))
          .map((d) => d.frame.number)
          .join(',');
        // A fresh session's first filter runs the first pass too (checked for a few filters per capture, and
        // for those reading items' bytes from a selective dissection).
        let first = want;
        if (k < 3 || c.filter.needsBytes) {
          const fresh = new CaptureSession({ hash: false });
          await fresh.open(path);
          first = [...fresh.runFilter(c.filter)].join(',');
          fresh.close();
        }
        const wantAgain = again
          .filter((d) => c.filter.match(d))
          .map((d) => d.frame.number)
          .join(',');
        const got = [...analysed.runFilter(c.filter)].join(',');
        checked++;
        if (first !== want || got !== wantAgain)
          bad.push(
            `${name} | ${c.expr}: full=${want} first=${first} full again=${wantAgain} analysed=${got}`.slice(
              0,
              300,
            ),
          );
      }
      analysed.close();
    }
    console.log(`filter paths: ${checked - bad.length}/${checked} agree with the full dissection`);
    expect(bad).toEqual([]);
  }, 900_000);
});
