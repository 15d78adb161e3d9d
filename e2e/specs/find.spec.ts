/**
 * Edit > Find Packet in the web host: Ctrl+F opens the find bar; a string, a hex sequence and a display filter
 * each select the packet tshark names as the first/next match; a bad filter says where and why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHost, type Host } from '../support/host.js';
import { HTTP_GIFS, haveCorpus, SAMPLE } from '../support/corpus.js';

const capture = haveCorpus ? HTTP_GIFS : existsSync(SAMPLE) ? SAMPLE : undefined;
const tshark = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((p) => existsSync(p));

/** Frame numbers tshark selects with `filter` (the oracle for where Find must land). */
function tsharkFrames(file: string, filter: string): number[] {
  const out = execFileSync(tshark!, ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean).map(Number);
}

async function selectedNo(page: Page): Promise<number> {
  const row = page.locator('[data-testid=packet-row][aria-selected=true]');
  await expect(row).toHaveCount(1);
  return Number(await row.getAttribute('data-no'));
}

let host: Host | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('find packet by string, hex and display filter', async ({ page }, info) => {
  test.skip(!capture || !tshark, 'needs a capture and tshark (the oracle for the expected packets)');
  host = await startHost(capture);
  await page.goto(host.url);
  await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('find-input');
  await expect(input).toBeFocused();

  // String (case-sensitive here, so tshark's `frame contains` is the exact oracle; wide form included).
  const gif = tsharkFrames(capture!, 'frame contains "GIF8" || frame contains 47:00:49:00:46:00:38:00');
  expect(gif.length).toBeGreaterThan(1);
  await page.getByTestId('find-kind').selectOption('string');
  await page.getByLabel('Case sensitive').check();
  await input.fill('GIF8');
  const start = await selectedNo(page);
  await input.press('Enter');
  await expect.poll(() => selectedNo(page)).toBe(gif.find((n) => n > start) ?? gif[0]);
  const first = await selectedNo(page);
  await input.press('Enter');
  await expect.poll(() => selectedNo(page)).toBe(gif[gif.indexOf(first) + 1] ?? gif[0]);
  await page.screenshot({ path: info.outputPath('find-string.png') });

  // Hex: the same bytes as a hex sequence, backwards from the current packet.
  const at = await selectedNo(page);
  await page.getByTestId('find-kind').selectOption('hex');
  await input.fill('47 49 46 38');
  await input.press('Shift+Enter');
  const narrow = tsharkFrames(capture!, 'frame contains 47:49:46:38');
  const before = narrow.filter((n) => n < at);
  await expect
    .poll(() => selectedNo(page))
    .toBe(before.length ? before[before.length - 1] : narrow[narrow.length - 1]);

  // Display filter.
  const gets = tsharkFrames(capture!, 'http.request.method == "GET"');
  await page.getByTestId('find-kind').selectOption('filter');
  await input.fill('http.request.method == "GET"');
  const from = await selectedNo(page);
  await input.press('Enter');
  await expect.poll(() => selectedNo(page)).toBe(gets.find((n) => n > from) ?? gets[0]);

  // A bad filter: red, with the message and where.
  await input.fill('htp.request');
  await input.press('Enter');
  await expect(page.getByTestId('find-status')).toContainText(
    '"htp.request" is neither a field nor a protocol name.',
  );
  await expect(input).toHaveClass(/status-error/);
  await page.screenshot({ path: info.outputPath('find-error.png') });
  await input.press('Escape');
  await expect(page.getByTestId('find-bar')).toHaveCount(0);
});
