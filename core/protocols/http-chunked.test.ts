import { describe, expect, it } from 'vitest';
import { dissectPackets } from '../testing/dissect-all.js';
import type { Dissection } from '../dissect/types.js';
import { registry } from '../fields/registry.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
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
