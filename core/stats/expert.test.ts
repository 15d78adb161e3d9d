/**
 * Expert information on a capture made here: the course's HTTP downloads (TCP's SYN, FIN and window notes,
 * HTTP's requests and responses) with packet comments, one of them over Wireshark's 239-character limit. The
 * text tshark -q -z expert prints, when tshark is at hand; the packets of each entry in --json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcapng } from '../capture/writer.js';
import { main } from '../cli/main.js';
import { CaptureSession } from '../session/session.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { framesMatching, hasTshark } from '../testing/vs-tshark.js';
import type { ExpertEntry } from '../api/types.js';
import { expertInfo, expertText } from './expert.js';

const LONG = `seized from host 7: ${'x'.repeat(300)}`;

function capture(): string {
  const packets = httpGifScenario().map((p, i) => ({
    ...p,
    ...(i === 0 ? { comments: ['first packet of the case'] } : {}),
    ...(i === 5 ? { comments: [LONG, 'second comment'] } : {}),
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-expert-')), 'expert.pcapng');
  writeFileSync(file, writePcapng(packets, { interfaces: [{ linkType: 1 }] }));
  return file;
}

describe('expert information (Analyze › Expert Information, wirelens expert)', () => {
  it('counts the expert items by severity, group, protocol and summary, packet comments among them', async () => {
    const file = capture();
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const entries = expertInfo(s).list();
    // Each entry's packets are what filtering on its message finds (the filter reads the whole tree: TCP's FIN
    // note sits among header items a selective dissection skips).
    for (const e of entries.filter((x) => x.severity !== 'comment')) {
      const quoted = e.summary.replace(/[\\"]/g, (c) => `\\${c}`);
      expect(framesMatching(s, `_ws.expert.message == "${quoted}"`).map(Number), e.summary).toEqual(e.frames);
    }
    const withExpert = framesMatching(s, '_ws.expert');
    expect(withExpert.length).toBeGreaterThan(0);
    s.close();
    const text = expertText(entries);
    // Severities in tshark's order, each entry in the order first seen.
    const severities = entries.map((e) => e.severity);
    expect([...new Set(severities)]).toEqual(['note', 'chat', 'comment']);
    const syn = entries.find((e) => e.summary.startsWith('Connection establish request (SYN)'));
    expect(syn).toMatchObject({ severity: 'chat', group: 'sequence', protocol: 'TCP', frames: [3] });
    const get = entries.filter((e) => e.protocol === 'HTTP' && e.summary.startsWith('GET '));
    expect(get.length).toBeGreaterThan(0);
    expect(get[0].summary).toMatch(/^GET \S+ HTTP\/1\.1\\r\\n$/);
    const comments = entries.filter((e) => e.severity === 'comment');
    expect(comments.map((c) => [c.protocol, c.summary, c.frames])).toEqual([
      ['Frame', 'first packet of the case', [1]],
      ['Frame', LONG.slice(0, 239), [6]],
      ['Frame', 'second comment', [6]],
    ]);
    expect(text).toContain(
      '\nComments (3)\n=============\n   Frequency      Group           Protocol  Summary\n',
    );

    let out = '';
    const io = { out: (x: string) => void (out += x), err: (x: string) => void (out += x) };
    expect(await main(['expert', file, '--json'], io)).toBe(0);
    expect((JSON.parse(out) as ExpertEntry[]).map((e) => e.count)).toEqual(entries.map((e) => e.count));
    if (hasTshark) {
      const r = spawnSync('tshark', ['-n', '-r', file, '-q', '-z', 'expert'], { encoding: 'utf8' });
      expect(text).toBe(r.stdout);
      const frames = spawnSync(
        'tshark',
        ['-n', '-r', file, '-Y', '_ws.expert', '-T', 'fields', '-e', 'frame.number'],
        {
          encoding: 'utf8',
        },
      )
        .stdout.trim()
        .split('\n');
      expect(withExpert).toEqual(frames);
    }
  });
});
