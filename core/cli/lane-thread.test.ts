/**
 * The fast lane's second thread (core/cli/commands/lane-thread.ts): the rows it writes from the records and the
 * frames it is sent equal those written on the lane's own thread, in frame order; a thread that fails is
 * reported, so that the pass runs again on one thread.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Buffer } from 'node:buffer';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineRows, startRowThread, type RowFormatting } from './commands/lane-thread.js';
import { LaneShare } from './commands/lane-share.js';
import type { RowSink } from '../fastlane/rowstore.js';
import { CLIENT, ROUTER, WEB } from '../testing/scenarios.js';
import {
  dnsExchange,
  httpGet,
  httpResponse,
  TcpConversation,
  tinyGif,
  type SynthPacket as Packet,
} from '../testing/synth.js';
import { pairHash } from '../session/shard.js';
import { LINKTYPE } from '../capture/linktypes.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-lane-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A GIF download and DNS lookups around it. */
function traffic(): Packet[] {
  const c = new TcpConversation(CLIENT, WEB, 50500, 80, { s: 1_700_000_000, ns: 0 });
  c.handshake();
  c.send(true, httpGet('images.example.com', '/a.gif'));
  c.send(false, httpResponse(tinyGif(10, 10), 'image/gif'));
  c.close();
  const dns = [0, 1, 2].flatMap((k) =>
    dnsExchange(CLIENT, ROUTER, `host${k}.example.com`, `10.9.0.${k + 1}`, 0x100 + k, {
      s: 1_700_000_000 + k,
      ns: 0,
    }),
  );
  return [...c.packets, ...dns].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
}

/** Every row of `rows` after a pass like list-fast's (TCP here, the rest sent as frames when it can take them). */
async function pass(rows: RowFormatting, packets: Packet[]): Promise<string> {
  const share = new LaneShare({ tls: true, out: rows.records });
  packets.forEach((p, i) => {
    const b = p.data;
    const h = pairHash(LINKTYPE.ETHERNET, b);
    share.fast.watch(b);
    const tcp = b[23] === 6;
    const ns = p.tsNsec - packets[0].tsNsec;
    if (rows.lane && !tcp) rows.records.frame(i, h, b, b.length, p.tsSec - packets[0].tsSec, ns, false);
    else share.frame(i, h, b, b.length, p.tsSec - packets[0].tsSec, ns);
  });
  const done = await rows.finish();
  if (!done) throw new Error('the thread failed');
  expect(share.givenUp.size).toBe(0);
  let text = '';
  const sink: RowSink = {
    bytes: (_i, chunk, start, end) => void (text += Buffer.from(chunk.subarray(start, end)).toString('utf8')),
    text: () => undefined,
  };
  expect(done.store.emit(0, packets.length, () => true, sink)).toBe(packets.length);
  return text;
}

describe('the fast lane second thread', () => {
  it('writes the rows the lane thread writes, those of the frames it is sent in their place', async () => {
    const packets = traffic();
    const here = await pass(inlineRows(16), packets);
    const there = await pass(startRowThread().begin(16, true), packets);
    expect(there).toBe(here);
    expect(here.split('\n')).toHaveLength(packets.length + 1);
    expect(here).toMatch(/\tDNS\t\d+\tStandard query 0x[0-9a-f]{4} A host1\.example\.com\n/);
    expect(here).toMatch(/\tHTTP\t\d+\tGET \/a\.gif HTTP\/1\.1 \n/);
    expect(here).toMatch(/\tHTTP\t\d+\tHTTP\/1\.1 200 OK {2}\(GIF89a\)\n/);
  });

  it('says when the thread failed', async () => {
    const bad = join(dir, 'fails.mjs');
    writeFileSync(bad, "throw new Error('no thread today');\n");
    const rows = startRowThread(pathToFileURL(bad)).begin(16, true);
    rows.records.line(0, 'a row\n');
    expect(await rows.finish()).toBeUndefined();
  });
});
