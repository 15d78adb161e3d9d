import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectPackets } from '../testing/dissect-all.js';
import { CaptureState, dissectFrame, itemLabel } from '../dissect/engine.js';
import type { Dissection } from '../dissect/types.js';
import { registry } from '../fields/registry.js';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { listObjects, objectBytes } from '../objects/list.js';
import { TcpConversation, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB, chunkedBody, chunkedDownloadScenario } from '../testing/scenarios.js';
import './index.js';

/** Dissects a one-response conversation in order; returns the dissections. */
function run(body: string): Dissection[] {
  const c = new TcpConversation(CLIENT, WEB, 50432, 80, { s: 1_700_000_000, ns: 0 });
  c.handshake();
  c.send(true, 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
  c.send(false, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
  c.close();
  return dissectPackets(c.packets);
}

const fileData = (ds: Dissection[]): string[] => {
  const f = registry.get('http.file_data')!;
  return ds.flatMap((d) =>
    (d.byField.get(f.id) ?? []).map((it) => Buffer.from(it.value as Uint8Array).toString('latin1')),
  );
};

describe('HTTP chunked bodies', () => {
  it('reads chunk sizes in any case, with extensions and surrounding blanks', () => {
    const ds = run(
      '1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n 5 \r\n12345\r\na\t\r\n0123456789\r\n0\r\n\r\n',
    );
    expect(fileData(ds)).toEqual(['abcdefghijklmnopqrstuvwxyz123450123456789']);
    const sizes = ds.flatMap((d) => d.byField.get(registry.get('http.chunk_size')!.id) ?? []);
    expect(sizes.map((s) => s.value)).toEqual([26, 5, 10, 0]);
  });

  it('reassembles a body whose chunks span many segments', () => {
    const chunk = 'x'.repeat(3000);
    const ds = run(`${[1, 2, 3].map(() => `bb8\r\n${chunk}\r\n`).join('')}0\r\n\r\n`);
    expect(fileData(ds)).toEqual([chunk.repeat(3)]);
  });

  it('takes a size line that is not hex as the end of chunking (the rest is the body)', () => {
    const ds = run('zz\r\nnot chunked after all');
    const f = registry.get('http.chunked_response')!;
    expect(ds.some((d) => d.byField.has(f.id))).toBe(false);
  });
});

describe('a large chunked body over many segments', () => {
  // 300 kB in 4 kB chunks: HTTP asks for one more segment ~200 times; TCP appends each segment to the bytes
  // it kept, and HTTP continues its chunk walk, on the first pass.
  const body = chunkedBody(300_000);
  const packets = chunkedDownloadScenario(body);
  const field = (abbrev: string) => registry.get(abbrev)!.id;

  /** Every frame in order (the first pass), and a re-dissection of one frame as a later pass makes it. */
  function dissect(pkts: readonly SynthPacket[]): [Dissection[], (n: number) => Dissection] {
    const state = new CaptureState();
    state.timeRef = { s: pkts[0].tsSec, ns: pkts[0].tsNsec };
    state.readFrame = (n) => pkts[n - 1].data;
    const meta = (n: number) => ({
      number: n,
      tsSec: pkts[n - 1].tsSec,
      tsNsec: pkts[n - 1].tsNsec,
      capLen: pkts[n - 1].data.length,
      origLen: pkts[n - 1].data.length,
      linkType: 1,
      interfaceId: 0,
    });
    const first = pkts.map((p, i) => dissectFrame(meta(i + 1), p.data, state));
    return [first, (n) => dissectFrame(meta(n), pkts[n - 1].data, state, { visited: true })];
  }

  it('reassembles it in the frame of the last chunk, as a later pass does', () => {
    const [first, again] = dissect(packets);
    const withBody = first.filter((d) => d.byField.has(field('http.file_data')));
    expect(withBody).toHaveLength(1);
    const last = withBody[0];
    const n = last.frame.number;
    // As tshark prints it: an octet stream goes to the Data dissector, which adds nothing to the Info text.
    expect(last.columns.info).toBe('HTTP/1.1 200 OK ');
    const data = last.byField.get(field('http.file_data'))![0].value as Uint8Array;
    expect(Buffer.from(data).equals(Buffer.from(body))).toBe(true);
    // 74 chunks (the last one short) and the zero-size one.
    expect(last.byField.get(field('http.chunk_size'))!.map((x) => x.value)).toEqual([
      ...Array<number>(73).fill(4096),
      300_000 - 73 * 4096,
      0,
    ]);
    // The segments of the response before that frame are "segments of a reassembled PDU".
    const segments = first.filter((d) => d.columns.info.endsWith('[TCP segment of a reassembled PDU]'));
    expect(segments.length + 1).toBe(last.byField.get(field('tcp.segment.count'))![0].value);
    // A later pass reads the segments from the frames and walks all chunks: the same sources, items, columns.
    const later = again(n);
    expect(later.columns).toEqual(last.columns);
    const sources = (d: Dissection) =>
      d.sources.map((x) => [x.name, Buffer.from(x.bytes).toString('base64')]);
    expect(sources(later)).toEqual(sources(last));
    const labels = (d: Dissection) => [...d.byField.values()].flat().map((it) => itemLabel(it));
    expect(labels(later)).toEqual(labels(last));
    expect(again(n - 1).byField.has(field('http.file_data'))).toBe(false);
  });

  it('exports the body as it was sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-chunked-'));
    try {
      const file = join(dir, 'chunked.pcap');
      writeFileSync(file, writePcap(packets, { linkType: 1 }));
      const s = new CaptureSession({ hash: false });
      await s.open(file);
      const objs = listObjects(s);
      expect(objs.map((o) => [o.filename, o.size, o.contentType])).toEqual([
        ['big.bin', body.length, 'application/octet-stream'],
      ]);
      expect(Buffer.from(objectBytes(s, objs[0])).equals(Buffer.from(body))).toBe(true);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
