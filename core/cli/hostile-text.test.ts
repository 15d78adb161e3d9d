/**
 * Text a capture carries (request lines, header values, names) never reaches the investigator's terminal as
 * control characters: `wirelens list` escapes them as tshark does (format_text), in the rows, the tsv and the
 * details, so a hostile capture cannot recolour, retitle or clear the terminal it is listed in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/index.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { main } from './main.js';
import { CaptureSession } from '../session/session.js';
import { toTree } from '../session/tree.js';
import type { TreeNode } from '../api/types.js';

async function run(args: string[]) {
  let out = '';
  const code = await main(args, { out: (t) => void (out += t), err: () => undefined });
  return { code, out };
}

function hostileCapture(): string {
  const enc = new TextEncoder();
  const c = new TcpConversation(CLIENT, WEB, 51000, 80, { s: 1_700_000_000, ns: 0 });
  c.handshake();
  c.send(
    true,
    enc.encode(
      'GET /a\x1b[31mred\x07x HTTP/1.1\r\nHost: h\x1b[2Jx\r\nUser-Agent: ua\x1b]0;pwned\x07\r\nX-C1: \xc2\x9b2J\r\n\r\n',
    ),
  );
  c.close();
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-hostile-')), 'hostile.pcap');
  writeFileSync(file, writePcap(c.packets, { linkType: 1 }));
  return file;
}

/** Control characters but tab and newline (C0, DEL and C1). */
const hasControl = (t: string) =>
  [...t].some((ch) => {
    const c = ch.charCodeAt(0);
    return (c < 0x20 && c !== 9 && c !== 10) || (c >= 0x7f && c <= 0x9f);
  });

describe('text from the capture in the terminal', () => {
  const file = hostileCapture();

  it('escapes control characters in rows, tsv and details', async () => {
    for (const args of [[], ['--format', 'tsv'], ['-V'], ['-V', '-Y', 'http']]) {
      const { code, out } = await run(['list', file, ...args]);
      expect(code).toBe(0);
      expect(hasControl(out), args.join(' ')).toBe(false);
    }
    const { out } = await run(['list', file, '-V', '-Y', 'http']);
    expect(out).toContain('GET /a\\033[31mred\\ax HTTP/1.1');
    expect(out).toContain('User-Agent: ua\\033]0;pwned\\a\\r\\n');
  });

  it("escapes them in the app's tree: labels, values and expert messages", async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const texts: string[] = [];
    const walk = (nodes: readonly TreeNode[]): void => {
      for (const n of nodes) {
        texts.push(n.label, n.value ?? '', n.expert?.message ?? '');
        walk(n.children ?? []);
      }
    };
    for (let i = 1; i <= s.total; i++) walk(toTree(s.dissect(i)));
    const rows = s.rows(0, s.total).rows;
    s.close();
    expect(texts.some((t) => t.includes('\\033[31m'))).toBe(true);
    expect(texts.filter(hasControl)).toEqual([]);
    expect(rows.map((r) => r.info).filter(hasControl)).toEqual([]);
  });

  it.skipIf(!hasTshark)('shows them as tshark does', async () => {
    const tshark = (...a: string[]) =>
      spawnSync('tshark', ['-n', '-r', file, ...a], { encoding: 'utf8' }).stdout;
    expect((await run(['list', file])).out).toBe(tshark());
    const http = (t: string) => t.slice(t.indexOf('Hypertext Transfer Protocol'));
    expect(http((await run(['list', file, '-V', '-Y', 'http'])).out)).toBe(http(tshark('-V', '-Y', 'http')));
  });
});
