/**
 * Progressive open in the web host: the service answers `open` after the first 16 MB of a big capture and
 * indexes the rest in the background (`grown` events, then a final `opened`). The page must end with every
 * packet, however those messages interleave with the answer to `open`, and a filter must cover all of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHost, type Host } from '../support/host.js';
import { applyFilter, waitDisplayed } from '../support/page.js';

let host: Host | undefined;
let tmp: string | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** A classic pcap of `n` identical 60-byte Ethernet/IPv4/UDP frames, one per millisecond. */
function bigPcap(path: string, n: number): number {
  const frame = Buffer.alloc(60);
  frame.writeUInt16BE(0x0800, 12); // IPv4
  frame.writeUInt8(0x45, 14);
  frame.writeUInt16BE(46, 16); // total length
  frame.writeUInt8(64, 22); // TTL
  frame.writeUInt8(17, 23); // UDP
  Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]).copy(frame, 26);
  frame.writeUInt16BE(40000, 34);
  frame.writeUInt16BE(9999, 36);
  frame.writeUInt16BE(26, 38);
  const rec = 16 + frame.length;
  const buf = Buffer.alloc(24 + n * rec);
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20); // Ethernet
  for (let i = 0; i < n; i++) {
    const at = 24 + i * rec;
    buf.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), at);
    buf.writeUInt32LE((i % 1000) * 1000, at + 4);
    buf.writeUInt32LE(frame.length, at + 8);
    buf.writeUInt32LE(frame.length, at + 12);
    frame.copy(buf, at + 16);
  }
  writeFileSync(path, buf);
  return buf.length;
}

test('a capture over 16 MB opened from the page ends with every packet, and a filter covers them all', async ({
  page,
}) => {
  tmp = mkdtempSync(join(tmpdir(), 'wirelens-e2e-big-'));
  const file = join(tmp, 'big.pcap');
  const n = 500_000;
  const size = bigPcap(file, n);
  expect(size).toBeGreaterThan(32 << 20); // the service answers after 16 MB: at least one `grown` step
  host = await startHost();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(host.url);
  await page.getByTestId('toolbar-open').setInputFiles(file);
  await expect(page.getByTestId('status-count')).toHaveText(`Packets: ${n} · Displayed: ${n} (100.0%)`);
  await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
  // Still all of them a moment later: a late answer to `open` must not shrink the counts.
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('status-count')).toHaveText(`Packets: ${n} · Displayed: ${n} (100.0%)`);
  await applyFilter(page, 'frame.number > 400000');
  await waitDisplayed(page, 100_000);
  await page.getByTestId('packet-list').press('End');
  await expect(page.locator('[data-testid=packet-row][aria-selected=true]')).toHaveAttribute(
    'data-no',
    String(n),
  );
  expect(problems).toEqual([]);
});
