/**
 * Renderer performance with a synthetic 1,000,000-packet view: the page gets a fake `window.wirelens` bridge
 * (the same seam Electron's preload fills), so only the UI is measured. Figures are printed, not asserted
 * (goals: select → tree+hex < 50 ms, scrolling at 60 fps). Also: a slow filter shows progress and Cancel.
 */
import { expect, test } from '@playwright/test';
import { startHost, type Host } from '../support/host.js';

let host: Host | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

function installFakeBridge(total: number): void {
  type Fn = (p: unknown) => void;
  const listeners: Record<string, Set<Fn>> = {};
  const emit = (e: string, p: unknown) => listeners[e]?.forEach((f) => f(p));
  const calls: string[] = [];
  let cancelled = false;
  // Frame 1 at 2004-12-05 19:16:24 UTC, each next one a millisecond later (the row's exact times: PacketRow).
  const at = (n: number) => ({
    s: 1_102_274_184 + Math.floor((n - 1) / 1000),
    ns: ((n - 1) % 1000) * 1_000_000,
  });
  const row = (no: number) => ({
    no,
    time: no / 1000,
    ts: at(no),
    tsDigits: 6,
    firstTs: at(1),
    prevTs: at(Math.max(1, no - 1)),
    prevDisplayedTs: at(Math.max(1, no - 1)),
    source: `10.0.${(no >> 8) & 255}.${no & 255}`,
    destination: '192.168.1.1',
    protocol: no % 3 ? 'TCP' : 'HTTP',
    length: 60 + (no % 1400),
    info: `${40000 + (no % 20000)} → 80 [ACK] Seq=${no} Ack=1 Win=512 Len=0`,
    color: no % 3 ? 'TCP' : 'HTTP',
  });
  const info = {
    path: '/synthetic/million.pcap',
    name: 'million.pcap',
    size: total * 100,
    format: 'pcap',
    gzip: false,
    interfaces: [],
    packets: total,
    bytes: total * 100,
    warnings: [],
  };
  const detail = (no: number) => {
    const bytes = new Uint8Array(1514).map((_, i) => (i * 7 + no) & 255);
    const kids = Array.from({ length: 30 }, (_, i) => ({
      id: i + 2,
      label: `Field ${i}: ${i * no}`,
      field: `tcp.f${i}`,
      src: 0,
      off: 34 + i,
      len: 1,
    }));
    return {
      no,
      sources: [{ name: 'Frame', bytes }],
      tree: [
        { id: 0, label: `Frame ${no}: 1514 bytes`, field: 'frame', src: 0, off: 0, len: 1514 },
        {
          id: 1,
          label: 'Transmission Control Protocol',
          field: 'tcp',
          src: 0,
          off: 34,
          len: 1480,
          children: kids,
        },
      ],
    };
  };
  const handlers: Record<string, (req: Record<string, number | string>) => unknown> = {
    info: () => info,
    open: () => info,
    recent: () => [],
    samplePath: () => '',
    rows: ({ start, count }) => {
      const rows = [];
      for (let i = Number(start); i < Math.min(total, Number(start) + Number(count)); i++)
        rows.push(row(i + 1));
      return { rows, displayed: total, total };
    },
    packet: ({ no }) => detail(Number(no)),
    indexOf: ({ no }) => Number(no) - 1,
    validateFilter: () => ({ status: 'ok', errors: [], warnings: [] }),
    completeFilter: () => [],
    cancel: () => {
      cancelled = true;
      return null;
    },
    applyFilter: async ({ expr }) => {
      cancelled = false;
      for (let done = 0; done <= 20; done++) {
        if (cancelled) return { ok: false, expr, error: { message: 'cancelled', span: [0, 0] } };
        emit('progress', { phase: 'filter', done: done * 50_000, total });
        await new Promise((r) => setTimeout(r, 150));
      }
      return { ok: true, expr, displayed: total, total, warnings: [], ms: 3000 };
    },
  };
  (window as unknown as { wirelens: unknown; __calls: string[] }).__calls = calls;
  (window as unknown as { wirelens: unknown }).wirelens = {
    async call(method: string, req: Record<string, number | string>) {
      calls.push(method);
      const h = handlers[method];
      if (!h) throw new Error(`${method} is not available yet`);
      return h(req);
    },
    on(e: string, fn: Fn) {
      (listeners[e] ??= new Set()).add(fn);
      return () => listeners[e].delete(fn);
    },
  };
}

test('1M-row list: select latency and scrolling frame time; filter progress with cancel', async ({
  page,
}, info) => {
  host = await startHost();
  await page.addInitScript(installFakeBridge, 1_000_000);
  await page.goto(host.url);
  await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
  await expect(page.getByTestId('status-count')).toContainText('Displayed: 1000000');

  const list = page.getByTestId('packet-list');
  await list.focus();
  const sel: number[] = [];
  for (let i = 0; i < 10; i++) {
    await list.press('ArrowDown');
    await expect(page.locator('[data-testid=packet-row][aria-selected=true]')).toHaveAttribute(
      'data-no',
      String(i + 2),
    );
    await page.waitForTimeout(60);
    sel.push(Number(/([\d.]+) ms/.exec(await page.getByTestId('select-ms').innerText())?.[1]));
  }
  sel.sort((a, b) => a - b);
  console.log(
    `select → tree+hex rendered (1M rows, 1514-byte packet, 32 tree items): median ${sel[5].toFixed(1)} ms, max ${sel[9].toFixed(1)} ms (goal < 50 ms)`,
  );

  const frames = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=packet-list]') as HTMLElement;
    const deltas: number[] = [];
    let last = performance.now();
    const end = last + 3000;
    await new Promise<void>((done) => {
      const step = (t: number) => {
        deltas.push(t - last);
        last = t;
        el.scrollTop += 997; // ~50 rows per frame, through the whole range
        if (t < end) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    return { deltas: deltas.slice(1), scrollTop: el.scrollTop };
  });
  const d = [...frames.deltas].sort((a, b) => a - b);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const p95 = d[Math.floor(d.length * 0.95)];
  console.log(
    `scrolling 1M rows: ${d.length} frames, mean ${mean.toFixed(1)} ms (${(1000 / mean).toFixed(0)} fps), p95 ${p95.toFixed(1)} ms, max ${d[d.length - 1].toFixed(1)} ms (goal 60 fps, headless Chromium without GPU)`,
  );
  await page.waitForTimeout(300);
  await expect(page.getByTestId('packet-row').first()).not.toHaveText('…');
  await page.screenshot({ path: info.outputPath('17-scrolled-1M.png') });

  // End jumps to the last packet of the million.
  await list.press('End');
  await expect(page.locator('[data-testid=packet-row][aria-selected=true]')).toHaveAttribute(
    'data-no',
    '1000000',
  );
  await page.screenshot({ path: info.outputPath('18-end-of-1M.png') });

  // A slow filter shows progress; Cancel stops it.
  await page.getByTestId('filter-input').fill('tcp');
  await page.getByTestId('filter-input').press('Enter');
  await expect(page.getByTestId('status-progress')).toBeVisible();
  await page.screenshot({ path: info.outputPath('19-progress.png') });
  await page.getByTestId('status-progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('status-progress')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as unknown as { __calls: string[] }).__calls.includes('cancel')),
  ).toBe(true);
});
