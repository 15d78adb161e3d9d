/**
 * HTTP's request/response list as tshark -T fields reads it in one pass: http.request_number,
 * http.response_number, the previous/next request and response links, the request a response answers and its
 * URI, the header lines (http.request.line, http.response.line) and query parameters, on every oracle capture
 * with HTTP or SSDP.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { registry } from '../fields/registry.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile, readTsv } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';

const FIELDS = [
  'http.request_number',
  'http.response_number',
  'http.prev_request_in',
  'http.prev_response_in',
  'http.next_request_in',
  'http.next_response_in',
  'http.request_in',
  'http.response_in',
  'http.response_for.uri',
  'http.request.line',
  'http.response.line',
  'http.request.uri.query.parameter',
];

/** A value as tshark -T fields prints it: line ends escaped. */
const fieldsText = (v: unknown) => String(v).replace(/\r/g, '\\r').replace(/\n/g, '\\n');

describe.skipIf(!hasCorpus || !hasTshark)('HTTP request/response links vs tshark', () => {
  it('numbers and links every message as tshark does', { timeout: 120_000 }, async () => {
    const defs = FIELDS.map((a) => registry.get(a)!);
    const selection = new Set(defs.map((d) => d.id));
    let values = 0;
    let agree = 0;
    const misses: string[] = [];
    for (const name of oracleCaptures()) {
      if (
        !readTsv(oracleFile(name, 'frames.tsv')).some((r) => ['HTTP', 'SSDP'].includes(r['_ws.col.Protocol']))
      )
        continue;
      const args = ['-n', '-r', capturePath(name), '-T', 'fields', ...FIELDS.flatMap((x) => ['-e', x])];
      const theirs = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n');
      const s = new CaptureSession({ hash: false });
      await s.open(capturePath(name));
      s.scan(0, s.total, selection, (i, d) => {
        const mine = defs.map((def) =>
          (d.byField.get(def.id) ?? []).map((it) => fieldsText(it.value)).join(','),
        );
        const want = (theirs[i] ?? '').split('\t');
        mine.forEach((m, k) => {
          if (!m && !want[k]) return;
          values++;
          if (m === want[k]) agree++;
          else misses.push(`${name} #${i + 1} ${FIELDS[k]}: ours ${m || '-'}, tshark ${want[k] || '-'}`);
        });
      });
      s.close();
    }
    console.log(`http request/response links vs tshark: ${agree}/${values} values agree`);
    if (misses.length) console.log(misses.slice(0, 20).join('\n'));
    expect(values).toBeGreaterThan(0);
    expect(misses).toEqual([]);
  });
});
