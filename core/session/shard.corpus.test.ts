/**
 * Sharding by conversation (core/session/shard.ts) must not change what a one-shot pass shows: on every corpus
 * capture, the rows of the shards merged by frame number equal the one-pass rows, and every oracle filter that
 * may be sharded selects the same frames, for 2 and 3 shards.
 */
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCaptures, generateMix, hasCorpus, hasGenerator, oracleFile, readTsv } from '../testing/corpus.js';
import { compileFilter, type CompiledFilter } from '../dfilter/index.js';
import { rowText } from '../cli/commands/list-rows.js';
import { shardableFilter } from './shard.js';
import { CaptureSession } from './session.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Dissection } from '../dissect/types.js';

interface Pass {
  rows: Map<number, string>;
  /** Per filter, the frames it matched. */
  matches: number[][];
}

async function pass(
  path: string,
  filters: readonly CompiledFilter[],
  shard?: { k: number; of: number },
): Promise<Pass> {
  const s = new CaptureSession({ hash: false });
  await s.open(path);
  const out: Pass = { rows: new Map(), matches: filters.map(() => []) };
  const take = (i: number, d: Dissection) => {
    out.rows.set(i + 1, rowText(s.toRowColumns(d)));
    filters.forEach((f, k) => f.match(d) && out.matches[k].push(i + 1));
  };
  if (shard) s.scanShard({ shard: shard.k, shards: shard.of }, 'all', true, take);
  else {
    s.scan(0, s.total, 'all', take);
    s.close();
  }
  return out;
}

/** Compares one pass with 2 and 3 shards; returns whether 2 shards both got frames. */
async function compareShards(
  path: string,
  filters: readonly CompiledFilter[],
): Promise<{ rows: number; split: boolean; matched: number }> {
  const one = await pass(path, filters);
  let split = false;
  for (const of of [2, 3]) {
    const merged: Pass = { rows: new Map(), matches: filters.map(() => []) };
    let nonEmpty = 0;
    for (let k = 0; k < of; k++) {
      const p = await pass(path, filters, { k, of });
      if (p.rows.size) nonEmpty++;
      for (const [no, text] of p.rows) {
        expect(merged.rows.has(no), `${path}: frame ${no} in two shards`).toBe(false);
        merged.rows.set(no, text);
      }
      p.matches.forEach((m, f) => merged.matches[f].push(...m));
    }
    const sorted = [...merged.rows.keys()].sort((a, b) => a - b);
    expect(sorted.length, `${path}: frames over ${of} shards`).toBe(one.rows.size);
    expect(sorted.map((no) => merged.rows.get(no)).join(''), `${path} in ${of} shards`).toBe(
      [...one.rows.values()].join(''),
    );
    filters.forEach((f, k) =>
      expect(
        merged.matches[k].sort((a, b) => a - b),
        `${path} in ${of} shards: ${f.expr}`,
      ).toEqual(one.matches[k]),
    );
    if (of === 2 && nonEmpty === 2) split = true;
  }
  return { rows: one.rows.size, split, matched: one.matches.filter((m) => m.length > 0).length };
}

describe.skipIf(!hasCorpus)('sharded one-shot passes', () => {
  it('print the same rows and select the same frames as one pass, on every corpus capture', async () => {
    let captures = 0;
    let rows = 0;
    let filterRuns = 0;
    let unsharded = 0;
    let split = 0;
    for (const path of allCaptures()) {
      const tsv = oracleFile(basename(path), 'filters.tsv');
      const filters: CompiledFilter[] = [];
      for (const r of existsSync(tsv) ? readTsv(tsv) : []) {
        const c = compileFilter(r.filter);
        if (!c.ok) continue;
        if (shardableFilter(c.filter.fields)) filters.push(c.filter);
        else unsharded++;
      }
      const r = await compareShards(path, filters);
      filterRuns += filters.length;
      captures++;
      rows += r.rows;
      if (r.split) split++;
    }
    console.log(
      `sharded passes: ${captures} captures (${split} split between 2 shards: most have one pair of hosts), ` +
        `${rows} rows and ${filterRuns} filters each in 2 and 3 shards equal to one pass ` +
        `(${unsharded} filters on conversation numbers left unsharded)`,
    );
    expect(captures).toBeGreaterThan(30);
    expect(split).toBeGreaterThanOrEqual(8);
  }, 300_000);

  it.skipIf(!hasGenerator)(
    'on a generated capture of many conversations (the benchmark mix)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-shard-'));
      try {
        const file = join(dir, 'mix.pcap');
        generateMix(file, 20000, 7);
        const filters = [
          'http.request.method == "GET"',
          'tcp.completeness == 31 && tcp.seq > 1000 && tcp.nxtseq < 3000',
          'dns.flags.rcode != 0 || dns.time > 0.05',
          'http.response.code == 404 || http.content_type contains "gif"',
          'icmp.resp_in || icmp.resp_to',
          'tls.handshake.extensions_server_name contains "shop"',
          'ipv6 && udp && !dns',
          'arp.opcode == 2 || eth.dst == ff:ff:ff:ff:ff:ff',
          'tcp.analysis.ack_rtt > 0.01',
          'frame.time_delta > 0.001',
        ].map((e) => {
          const c = compileFilter(e);
          if (!c.ok) throw new Error(`${e}: ${c.error.message}`);
          expect(shardableFilter(c.filter.fields), e).toBe(true);
          return c.filter;
        });
        const r = await compareShards(file, filters);
        expect(r.split).toBe(true);
        expect(r.rows).toBe(20000);
        expect(r.matched, 'filters that select some frames').toBe(filters.length);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('leaves filters on conversation numbers unsharded', () => {
    for (const [expr, ok] of [
      ['tcp.stream == 3', false],
      ['udp.stream in {1 2}', false],
      ['frame.time_delta_displayed > 1', false],
      ['tcp.port == 80 && http', true],
      ['tcp.analysis.retransmission', true],
    ] as const) {
      const c = compileFilter(expr);
      expect(c.ok && shardableFilter(c.filter.fields), expr).toBe(ok);
    }
  });
});
