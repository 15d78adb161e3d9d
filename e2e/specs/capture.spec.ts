/**
 * Live capture end to end in the web host: the Capture panel starts dumpcap/tcpdump on `lo` with a BPF filter,
 * the test makes HTTP requests to its own tiny server, and the page must show them as they pass (HTTP requests
 * table, growing packet list following the newest packet, a display filter applied during the capture), then
 * stop and save the file on the host. Needs the right to capture: skipped, with the reason, where it is missing
 * (it runs as root in CI). Screenshots go to test-results/.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { openCapture } from '../../core/capture/index.js';
import { captureProgram } from '../../core/capture/live.js';
import { startHost, type Host } from '../support/host.js';
import { applyFilter, rowNumbers, waitDisplayed } from '../support/page.js';

let host: Host | undefined;
let server: Server | undefined;
let tmp: string | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

/** One GET on its own connection (no keep-alive), as a browser's first visit would. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TCP connection that sends nothing and closes: a handful of packets that are not HTTP. */
function knock(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end());
    s.on('error', reject);
    s.on('close', () => resolve());
  });
}

const packetsInStatus = async (page: Page): Promise<number> => {
  const m = /Packets: (\d+)/.exec(await page.getByTestId('status-count').innerText());
  return m ? Number(m[1]) : 0;
};

test.describe('live capture', () => {
  const prog = captureProgram();
  test.skip(!prog, 'no capture program: neither dumpcap nor tcpdump is installed');

  test('captures HTTP requests on lo live, filters while capturing, stops and saves', async ({
    page,
  }, info) => {
    server = createServer((req, res) => res.end(`you asked for ${req.url}`));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    tmp = mkdtempSync(join(tmpdir(), 'wirelens-e2e-capture-'));
    const saveAs = join(tmp, 'kept.pcap');

    host = await startHost();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(host.url);
    await page.getByTestId('open-capture').click();
    const panel = page.getByTestId('capture-panel');
    await expect(panel).toBeVisible();
    const lo = panel.locator('[data-testid=capture-iface][data-name=lo]');
    await expect(lo).toBeVisible();
    await expect(lo).toContainText('loopback');
    await shot(page, info, 'capture-01-interfaces');

    await lo.locator('input').check();
    await page.getByTestId('capture-filter').fill(`tcp port ${port}`);
    await page.getByTestId('capture-start').click();
    // Either the capture runs, or the page says why it cannot: then skip with that reason.
    const live = page.getByTestId('status-live');
    const error = page.getByTestId('capture-error');
    await expect(live.or(error)).toBeVisible();
    if (await error.isVisible()) {
      const why = await error.innerText();
      await shot(page, info, 'capture-02-not-permitted');
      expect(problems).toEqual([]);
      test.skip(/permission/i.test(why), `capturing is not permitted here: ${why}`);
      throw new Error(`capture failed: ${why}`);
    }
    await expect(live).toHaveText('● Capturing on lo — 0 packets');
    await expect(page.getByTestId('capture-stats')).toContainText(`lo (tcp port ${port})`);
    // Let the capture program settle before traffic (as the CLI's live test does).
    await page.waitForTimeout(500);

    // Non-HTTP traffic first, more than the list shows at once: the list follows the newest packet.
    for (let i = 0; i < 8; i++) await knock(port);
    await expect.poll(() => packetsInStatus(page)).toBeGreaterThanOrEqual(40);
    await expect
      .poll(() =>
        page.getByTestId('packet-list').evaluate((el) => ({
          scrolled: el.scrollTop > 0,
          atBottom: el.scrollTop + el.clientHeight >= el.scrollHeight - 2,
        })),
      )
      .toEqual({ scrolled: true, atBottom: true });
    const newest = await packetsInStatus(page);
    await expect.poll(async () => Math.max(...(await rowNumbers(page)))).toBeGreaterThanOrEqual(newest);
    await expect(page.getByTestId('capture-count')).toHaveText(/^\d+ packets$/);
    await shot(page, info, 'capture-02-following');

    const base = `http://127.0.0.1:${port}`;
    const paths = ['/wirelens/one.html', '/wirelens/img/two.gif?size=2', '/wirelens/three.txt'];
    expect(await get(port, paths[0])).toBe(`you asked for ${paths[0]}`);
    const reqs = page.getByTestId('http-request');
    await expect(reqs).toHaveCount(1);
    await expect(reqs.first()).toContainText(`${base}${paths[0]}`);

    // A display filter applied during the capture keeps applying to packets that arrive later.
    await applyFilter(page, 'http.request');
    await waitDisplayed(page, 1);
    for (const p of paths.slice(1)) expect(await get(port, p)).toBe(`you asked for ${p}`);
    await expect(reqs).toHaveCount(3);
    await waitDisplayed(page, 3);
    const rowsText = await page.getByTestId('packet-row').allInnerTexts();
    expect(rowsText).toHaveLength(3);
    for (const [i, p] of paths.entries()) {
      expect(rowsText[i]).toContain(`GET ${p}`);
      const cells = await reqs.nth(i).locator('td').allInnerTexts();
      expect(cells.slice(1)).toEqual(['127.0.0.1', 'GET', `127.0.0.1:${port}`, `${base}${p}`]);
      // Seconds since the first captured packet (the live file opened empty), not since 1970.
      expect(Number(cells[0])).toBeGreaterThan(0);
      expect(Number(cells[0])).toBeLessThan(120);
    }
    const total = await packetsInStatus(page);
    expect(total).toBeGreaterThan(newest);
    await expect(live).toContainText('Capturing on lo');
    await shot(page, info, 'capture-03-http-filtered');
    await page.getByTestId('theme-toggle').click();
    await shot(page, info, 'capture-03b-dark');
    await page.getByTestId('theme-toggle').click();

    // Stop, saving a copy on the host.
    await page.getByTestId('capture-save-as').fill(saveAs);
    await page.getByTestId('capture-stop').click();
    const saved = page.getByTestId('capture-saved');
    await expect(saved).toContainText(saveAs);
    await expect(live).toHaveCount(0);
    const n = Number(/Saved (\d+) packets/.exec(await saved.innerText())?.[1]);
    expect(n).toBeGreaterThanOrEqual(total);
    expect(existsSync(saveAs)).toBe(true);
    const cap = await openCapture(saveAs);
    try {
      expect(cap.index.count).toBe(n);
    } finally {
      cap.close();
    }
    // The requests stay listed, and the stopped capture stays open with the filter.
    await expect(reqs).toHaveCount(3);
    await waitDisplayed(page, 3);
    await expect(page.locator('.sb-file')).not.toContainText('(24 B)'); // the final size, not the header's
    await shot(page, info, 'capture-04-stopped-saved');
    expect(problems).toEqual([]);
  });

  test('without the right to capture, the panel says why and how to fix it', async ({ page }, info) => {
    // Root can run the host as an ordinary user: dumpcap/tcpdump then refuse to open the interface.
    test.skip(process.getuid?.() !== 0, 'running the host as an unprivileged user needs root');
    const nobody = { uid: 65534, gid: 65534 };
    host = await startHost(undefined, nobody);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(host.url);
    await page.getByTestId('open-capture').click();
    const lo = page.locator('[data-testid=capture-iface][data-name=lo]');
    await lo.locator('input').check();
    await page.getByTestId('capture-filter').fill('tcp port 9');
    await page.getByTestId('capture-start').click();
    const error = page.getByTestId('capture-error');
    await expect(error).toBeVisible();
    const why = await error.innerText();
    // The service's whole explanation, preformatted: what is wrong and both ways to fix it.
    expect(why).toMatch(/^No permission to capture on lo\./);
    expect(why).toContain('setcap cap_net_raw,cap_net_admin=eip');
    expect(why).toContain('usermod -aG wireshark');
    expect(await error.evaluate((el) => el.tagName)).toBe('PRE');
    await expect(page.getByTestId('status-live')).toHaveCount(0);
    await expect(page.getByTestId('capture-start')).toBeEnabled();
    await expect(page.getByTestId('welcome')).toBeVisible(); // nothing opened, nothing crashed
    await shot(page, info, 'capture-05-not-permitted');
    expect(problems).toEqual([]);
  });
});
