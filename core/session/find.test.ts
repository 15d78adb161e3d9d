import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB, chatScenario } from '../testing/scenarios.js';
import { CaptureSession } from './session.js';
import { findPacket, parseHexQuery } from './find.js';

// The course chat, then a UTF-16LE "Good Morning" sent by another client (found by the same string search).
const chat = chatScenario();
const wide = new TcpConversation(CLIENT, WEB, 42000, 9999, { s: 1_700_000_200, ns: 0 });
wide.handshake();
wide.send(true, new Uint8Array(Buffer.from('GOOD MORNING from Windows', 'utf16le')));
wide.close();
const packets = [...chat, ...wide.packets];
/** Independent oracle: 1-based numbers of the packets whose bytes contain `needle`. */
const having = (needle: Buffer) =>
  packets.flatMap((p, i) => (Buffer.from(p.data).indexOf(needle) >= 0 ? [i + 1] : []));

const s = new CaptureSession({ hash: false });
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-find-'));
  const file = join(dir, 'chat.pcap');
  writeFileSync(file, writePcap(packets, { linkType: 1 }));
  await s.open(file);
});

describe('Find Packet', () => {
  it('finds a string in packet bytes, narrow and wide, case-insensitive by default, and wraps', () => {
    const narrow = having(Buffer.from('Good morning'));
    const wideHits = having(Buffer.from('GOOD MORNING', 'utf16le'));
    expect(narrow).toHaveLength(1);
    expect(wideHits).toHaveLength(1);
    const first = findPacket(s, { kind: 'string', query: 'good MORNING', from: 0 });
    expect(first).toEqual({ ok: true, no: narrow[0], wrapped: false });
    const second = findPacket(s, { kind: 'string', query: 'good MORNING', from: narrow[0] });
    expect(second).toEqual({ ok: true, no: wideHits[0], wrapped: false });
    const again = findPacket(s, { kind: 'string', query: 'good MORNING', from: wideHits[0] });
    expect(again).toEqual({ ok: true, no: narrow[0], wrapped: true });
    const back = findPacket(s, { kind: 'string', query: 'good morning', from: narrow[0], backwards: true });
    expect(back).toEqual({ ok: true, no: wideHits[0], wrapped: true });
  });

  it('honours case sensitivity and reports no match', () => {
    const r = findPacket(s, { kind: 'string', query: 'GOOD MORNING', from: 0, caseSensitive: true });
    expect(r).toEqual({ ok: true, no: having(Buffer.from('GOOD MORNING', 'utf16le'))[0], wrapped: false });
    expect(
      findPacket(s, { kind: 'string', query: 'good MORNING', from: 0, caseSensitive: true }),
    ).toMatchObject({
      no: null,
    });
    expect(findPacket(s, { kind: 'string', query: 'not in any packet', from: 0 })).toEqual({
      ok: true,
      no: null,
      wrapped: true,
    });
  });

  it('finds hex byte sequences in any notation and explains a bad one', () => {
    const needle = Buffer.from('thanks');
    const want = having(needle)[0];
    for (const q of [needle.toString('hex'), '74:68:61:6e:6b:73', '74 68 61 6E 6B 73', '0x7468616e6b73']) {
      expect(findPacket(s, { kind: 'hex', query: q, from: 0 })).toEqual({
        ok: true,
        no: want,
        wrapped: false,
      });
    }
    const bad = findPacket(s, { kind: 'hex', query: '74 zz', from: 0 });
    expect(bad).toEqual({ ok: false, error: { message: '"zz" is not a hex byte sequence', span: [3, 5] } });
    expect(parseHexQuery('abc')).toMatchObject({ message: 'Hex bytes need an even number of digits' });
  });

  it('finds by display filter among the displayed packets only, with the filter error and its span', async () => {
    const fin = packets.flatMap((p, i) => ((p.data[47] & 1) === 1 ? [i + 1] : []));
    expect(fin.length).toBeGreaterThanOrEqual(2);
    expect(findPacket(s, { kind: 'filter', query: 'tcp.flags.fin == 1', from: 0 })).toEqual({
      ok: true,
      no: fin[0],
      wrapped: false,
    });
    const err = findPacket(s, { kind: 'filter', query: 'tcp.flags.fin == ', from: 0 });
    expect(err.ok).toBe(false);
    expect(findPacket(s, { kind: 'filter', query: 'htp', from: 0 })).toMatchObject({
      ok: false,
      error: { span: [0, 3] },
    });
    // Only displayed packets are searched: with the client's port filtered out nothing from it matches.
    await s.applyFilter('tcp.port == 42000');
    const r = findPacket(s, { kind: 'string', query: 'good morning', from: 0 });
    expect(r).toEqual({ ok: true, no: having(Buffer.from('GOOD MORNING', 'utf16le'))[0], wrapped: false });
    // Starting from a packet that is not displayed continues with the next displayed one.
    const r2 = findPacket(s, { kind: 'filter', query: 'tcp', from: 3 });
    expect(r2).toEqual({ ok: true, no: chat.length + 1, wrapped: false });
    await s.applyFilter('');
  });
});
