/**
 * Statistics panel in the web host, against tshark on the course capture (../shared/corpus/gen/http_gifs.pcap):
 * TCP conversations (numbers per stream from `tshark -T fields`, or the values recorded from tshark 4.0.17 when
 * tshark is missing), sorting, a conversation applied as filter shows exactly its packets, Follow from a row,
 * endpoints, IPv4, and the protocol hierarchy against `tshark -q -z io,phs` (or the corpus oracle phs.txt);
 * a column resized by dragging its header's edge.
 * Screenshots in light and dark theme go to test-results/ (look at them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { startHost, type Host } from '../support/host.js';
import { CORPUS, HTTP_GIFS, haveCorpus, ORACLE } from '../support/corpus.js';
import { rowNumbers, waitDisplayed } from '../support/page.js';

interface Conv {
  stream: number;
  a: string;
  portA: number;
  b: string;
  portB: number;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  start: number;
}

/** Recorded from tshark 4.0.17 (`-T fields -e tcp.stream -e ip.src -e tcp.srcport … -e frame.len`) on http_gifs.pcap. */
const RECORDED: Conv[] = [
  [0, 33360, 34, 2692, 38, 40737, 0.0],
  [1, 33368, 662, 43771, 880, 1306387, 0.309125],
  [2, 33376, 8, 606, 6, 2231, 0.36922],
  [3, 33390, 7, 546, 5, 589, 0.421513],
  [4, 33394, 6, 477, 6, 914, 0.473405],
  [5, 33402, 7, 572, 6, 622, 0.525199],
  [6, 33406, 13, 1011, 10, 5416, 0.576767],
].map(([stream, portA, framesAB, bytesAB, framesBA, bytesBA, start]) => ({
  stream,
  a: '127.0.0.1',
  portA,
  b: '127.0.0.1',
  portB: 80,
  framesAB,
  bytesAB,
  framesBA,
  bytesBA,
  start,
}));

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** TCP conversations as Wireshark counts them: A is the source of a stream's first packet. */
function tcpConversations(file: string): { convs: Conv[]; source: string } {
  if (!hasTshark) return { convs: RECORDED, source: 'recorded tshark 4.0.17 values' };
  const out = tshark([
    '-r',
    file,
    '-Y',
    'tcp',
    '-T',
    'fields',
    '-e',
    'tcp.stream',
    '-e',
    'ip.src',
    '-e',
    'tcp.srcport',
    '-e',
    'ip.dst',
    '-e',
    'tcp.dstport',
    '-e',
    'frame.len',
    '-e',
    'frame.time_relative',
  ]);
  const map = new Map<number, Conv>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const [st, src, sp, dst, dp, len, t] = line.split('\t');
    const stream = Number(st);
    let c = map.get(stream);
    if (!c) {
      c = {
        stream,
        a: src,
        portA: Number(sp),
        b: dst,
        portB: Number(dp),
        framesAB: 0,
        bytesAB: 0,
        framesBA: 0,
        bytesBA: 0,
        start: Number(t),
      };
      map.set(stream, c);
    }
    if (src === c.a && Number(sp) === c.portA) {
      c.framesAB++;
      c.bytesAB += Number(len);
    } else {
      c.framesBA++;
      c.bytesBA += Number(len);
    }
  }
  return { convs: [...map.values()], source: 'tshark -T fields' };
}

interface PhsLine {
  depth: number;
  name: string;
  frames: number;
  bytes: number;
}

function phsLines(file: string, filter = ''): { lines: PhsLine[]; source: string } {
  const oracle = join(ORACLE, 'phs.txt');
  const z = filter ? `io,phs,${filter}` : 'io,phs';
  const text = hasTshark || filter ? tshark(['-q', '-z', z, '-r', file]) : readFileSync(oracle, 'utf8');
  const lines: PhsLine[] = [];
  for (const l of text.split('\n')) {
    const m = /^( *)(\S+)\s+frames:(\d+) bytes:(\d+)$/.exec(l);
    if (m) lines.push({ depth: m[1].length / 2, name: m[2], frames: Number(m[3]), bytes: Number(m[4]) });
  }
  return { lines, source: hasTshark ? 'tshark -z io,phs' : 'oracle phs.txt' };
}

const n = (x: number): string => x.toLocaleString('en-US');

let host: Host | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

/** The cells of a statistics row by column key. */
async function cells(row: Locator): Promise<Record<string, string>> {
  return row
    .locator('[data-col]')
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.col ?? '', e.textContent ?? ''])),
    );
}

async function column(page: Page, col: string): Promise<string[]> {
  return page
    .getByTestId('stats-row')
    .locator(`[data-col="${col}"]`)
    .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

const rowOf = (page: Page, stream: number): Locator =>
  page.getByTestId('stats-row').filter({ has: page.locator(`[data-col="stream"]:text-is("${stream}")`) });

test.describe('statistics panel', () => {
  test.skip(!haveCorpus || !existsSync(HTTP_GIFS), 'needs ../shared/corpus/gen/http_gifs.pcap');

  test('conversations, endpoints and protocol hierarchy agree with tshark; rows apply filters', async ({
    page,
  }, info) => {
    const { convs, source } = tcpConversations(HTTP_GIFS);
    const phs = phsLines(HTTP_GIFS);
    console.log(`expected conversations from ${source}; hierarchy from ${phs.source}`);
    expect(convs.length).toBe(7);

    host = await startHost(HTTP_GIFS);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(host.url);
    await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
    await expect(page.getByTestId('status-count')).toContainText('Packets: 1688');

    // ── Conversations › TCP (the default), sorted by bytes, largest first ──
    await page.getByTestId('open-statistics').click();
    const panel = page.getByTestId('statistics-panel');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId('stats-row')).toHaveCount(7);
    await expect(page.getByTestId('stats-type-tcp')).toHaveAttribute('aria-checked', 'true');
    const byBytes = [...convs].sort((x, y) => y.bytesAB + y.bytesBA - (x.bytesAB + x.bytesBA));
    expect(await column(page, 'stream')).toEqual(byBytes.map((c) => String(c.stream)));
    for (const c of convs) {
      const got = await cells(rowOf(page, c.stream));
      expect(got, `stream ${c.stream}`).toMatchObject({
        a: c.a,
        portA: String(c.portA),
        b: c.b,
        portB: String(c.portB),
        packets: n(c.framesAB + c.framesBA),
        bytes: n(c.bytesAB + c.bytesBA),
        framesAB: n(c.framesAB),
        bytesAB: n(c.bytesAB),
        framesBA: n(c.framesBA),
        bytesBA: n(c.bytesBA),
      });
      expect(Math.abs(Number(got.start) - c.start)).toBeLessThan(1e-6);
    }
    const top = byBytes[0];
    console.log(
      `top TCP conversation: stream ${top.stream} ${top.a}:${top.portA} ↔ ${top.b}:${top.portB}, ` +
        `${top.framesAB + top.framesBA} packets, ${top.bytesAB + top.bytesBA} bytes — agrees with ${source}`,
    );
    await shot(page, info, '01-conversations-tcp');

    // Copy as CSV: the table as shown, exact numbers.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin });
    await page.getByTestId('stats-copy').click();
    await expect(page.getByTestId('stats-copy')).toHaveText('Copied ✓');
    const csv = (await page.evaluate(() => navigator.clipboard.readText())).split('\r\n');
    expect(csv[0]).toMatch(/^Stream,Address A,Port A,Address B,Port B,Packets,Bytes,/);
    expect(csv[1].split(',').slice(0, 11)).toEqual(
      [top.stream, top.a, top.portA, top.b, top.portB, top.framesAB + top.framesBA, top.bytesAB + top.bytesBA]
        .concat([top.framesAB, top.bytesAB, top.framesBA, top.bytesBA])
        .map(String),
    );

    // ── sorting: Rel Start (numbers start descending, a second click ascending), then Address/Port A ──
    const startHeader = panel.locator('[role=columnheader][data-col="start"]');
    await startHeader.click();
    await expect(startHeader).toHaveAttribute('aria-sort', 'descending');
    const byStart = [...convs].sort((x, y) => x.start - y.start).map((c) => String(c.stream));
    expect(await column(page, 'stream')).toEqual([...byStart].reverse());
    await startHeader.click();
    await expect(startHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(await column(page, 'stream')).toEqual(byStart);
    await expect(panel.locator('[role=columnheader][data-col="bytes"]')).toHaveAttribute('aria-sort', 'none');
    const portHeader = panel.locator('[role=columnheader][data-col="portA"]');
    await portHeader.click();
    await portHeader.click();
    await expect(portHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(await column(page, 'portA')).toEqual(
      convs
        .map((c) => c.portA)
        .sort((x, y) => x - y)
        .map(String),
    );
    await shot(page, info, '02-sorted-by-port');

    // ── resizing: drag the Address B column's edge; rows follow, the sort stays, double-click resets ──
    const bHeader = panel.locator('[role=columnheader][data-col="b"]');
    const bCell = page.getByTestId('stats-row').first().locator('[data-col="b"]');
    const bEdge = panel.getByRole('separator', { name: 'Resize Address B column' });
    await expect(bEdge).toHaveAttribute('aria-orientation', 'vertical');
    const width = async (l: Locator): Promise<number> => (await l.boundingBox())!.width;
    const w0 = await width(bHeader);
    expect(await width(bCell)).toBeCloseTo(w0, 0);
    const e0 = (await bEdge.boundingBox())!;
    const [ex, ey] = [e0.x + e0.width / 2, e0.y + e0.height / 2];
    await page.mouse.move(ex, ey);
    // Hovering the header row shows every handle; the one under the pointer is solid.
    await expect(bEdge).not.toHaveCSS('background-color', 'rgba(0, 0, 0, 0)');
    await shot(page, info, '02b-resize-handle-hover');
    await page.mouse.down();
    await page.mouse.move(ex + 80, ey, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => width(bHeader)).toBeCloseTo(w0 + 80, 0);
    expect(await width(bCell)).toBeCloseTo(w0 + 80, 0);
    expect(await bEdge.getAttribute('aria-valuenow')).toBe(String(Math.round(w0 + 80)));
    await expect(portHeader).toHaveAttribute('aria-sort', 'ascending');
    await panel.screenshot({ path: info.outputPath('02c-resized-panel.png') });
    // Held at the minimum width: the drag ends on the (narrowed) header itself, whose click must not sort.
    const e1 = (await bEdge.boundingBox())!;
    const h1 = (await bHeader.boundingBox())!;
    await page.mouse.move(e1.x + e1.width / 2, ey);
    await page.mouse.down();
    await page.mouse.move(h1.x + 10, ey, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => width(bHeader)).toBeCloseTo(30, 0);
    await expect(bHeader).toHaveAttribute('aria-sort', 'none');
    await expect(portHeader).toHaveAttribute('aria-sort', 'ascending');
    await bEdge.dblclick();
    await expect.poll(() => width(bHeader)).toBeCloseTo(w0, 0);
    await expect(portHeader).toHaveAttribute('aria-sort', 'ascending');
    // From the keyboard: → widens by 10 px, Enter resets.
    await bEdge.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => width(bHeader)).toBeCloseTo(w0 + 10, 0);
    await page.keyboard.press('Enter');
    await expect.poll(() => width(bHeader)).toBeCloseTo(w0, 0);
    console.log(`Address B column: ${w0} px, dragged to ${w0 + 80} px, held at 30 px, reset to ${w0} px`);

    // ── Apply as filter (button): tcp.stream eq N shows exactly that conversation's packets ──
    const pick = convs.find((c) => c.stream === 2)!;
    await rowOf(page, pick.stream).click();
    await expect(rowOf(page, pick.stream)).toHaveAttribute('aria-selected', 'true');
    await page.getByTestId('stats-apply').click();
    await expect(page.getByTestId('filter-input')).toHaveValue(`tcp.stream eq ${pick.stream}`);
    await waitDisplayed(page, pick.framesAB + pick.framesBA);
    await expect.poll(async () => (await rowNumbers(page)).length).toBe(pick.framesAB + pick.framesBA);
    await shot(page, info, '03-applied-stream');

    // ── right-click › A ↔ B (addresses and ports), on the biggest conversation ──
    await rowOf(page, top.stream).click({ button: 'right', position: { x: 700, y: 10 } });
    await expect(page.getByTestId('stats-menu')).toBeInViewport({ ratio: 1 });
    await shot(page, info, '03b-row-menu');
    await page.getByTestId('stats-menu').getByText('Apply as Filter: A ↔ B').click();
    const ab = `ip.addr==${top.a} && tcp.port==${top.portA} && ip.addr==${top.b} && tcp.port==${top.portB}`;
    await expect(page.getByTestId('filter-input')).toHaveValue(ab);
    await waitDisplayed(page, top.framesAB + top.framesBA);
    console.log(`filter ${ab}: ${top.framesAB + top.framesBA} packets displayed`);

    // ── double-click applies the row's default filter ──
    const other = convs.find((c) => c.stream === 6)!;
    await rowOf(page, other.stream).dblclick();
    await expect(page.getByTestId('filter-input')).toHaveValue(`tcp.stream eq ${other.stream}`);
    await waitDisplayed(page, other.framesAB + other.framesBA);

    // ── Follow Stream from a row opens Follow on that stream ──
    await rowOf(page, pick.stream).click();
    await page.getByTestId('stats-follow').click();
    await expect(page.getByTestId('follow-panel')).toBeVisible();
    await expect(page.getByTestId('follow-stream')).toHaveValue(String(pick.stream));
    await expect(page.getByTestId('follow-text')).toContainText('GET ');
    await shot(page, info, '04-follow-from-statistics');

    // ── Endpoints › TCP and Conversations › IPv4 ──
    await page.getByTestId('open-statistics').click();
    await page.getByTestId('stats-tab-ep').click();
    await expect(page.getByTestId('ep-table')).toBeVisible();
    const server = await cells(
      page.getByTestId('stats-row').filter({ has: page.locator('[data-col="port"]:text-is("80")') }),
    );
    const total = convs.reduce(
      (s, c) => ({ f: s.f + c.framesAB + c.framesBA, b: s.b + c.bytesAB + c.bytesBA }),
      {
        f: 0,
        b: 0,
      },
    );
    expect(server).toMatchObject({
      address: '127.0.0.1',
      packets: n(total.f),
      bytes: n(total.b),
      framesTx: n(convs.reduce((s, c) => s + c.framesBA, 0)),
      bytesTx: n(convs.reduce((s, c) => s + c.bytesBA, 0)),
      framesRx: n(convs.reduce((s, c) => s + c.framesAB, 0)),
      bytesRx: n(convs.reduce((s, c) => s + c.bytesAB, 0)),
    });
    await expect(page.getByTestId('stats-row')).toHaveCount(8);
    await shot(page, info, '05-endpoints-tcp');
    await page.getByTestId('stats-tab-conv').click();
    await page.getByTestId('stats-type-ip').click();
    await expect(page.getByTestId('stats-row')).toHaveCount(1);
    expect(await cells(page.getByTestId('stats-row').first())).toMatchObject({
      a: '127.0.0.1',
      b: '127.0.0.1',
      packets: n(1688),
      bytes: n(phs.lines[0].bytes),
    });
    await expect(panel.locator('[role=columnheader][data-col="portA"]')).toHaveCount(0);

    // ── Protocol Hierarchy against tshark -z io,phs ──
    await page.getByTestId('stats-tab-phs').click();
    await expect(page.getByTestId('phs-row')).toHaveCount(phs.lines.length);
    const rows = page.getByTestId('phs-row');
    const all = phs.lines[0];
    for (let i = 0; i < phs.lines.length; i++) {
      const want = phs.lines[i];
      const row = rows.nth(i);
      await expect(row).toHaveAttribute('data-name', want.name);
      await expect(row).toHaveAttribute('aria-level', String(want.depth + 1));
      const got = await cells(row);
      expect(got, want.name).toMatchObject({
        frames: n(want.frames),
        bytes: n(want.bytes),
        pctFrames: `${((100 * want.frames) / all.frames).toFixed(2)}%`,
        pctBytes: `${((100 * want.bytes) / all.bytes).toFixed(2)}%`,
      });
    }
    console.log(`protocol hierarchy: ${phs.lines.length}/${phs.lines.length} rows agree with ${phs.source}`);
    await shot(page, info, '06-phs-light');

    // Collapse http, then apply it as filter: its frame count from tshark.
    const http = page.locator('[data-testid=phs-row][data-name="http"]');
    await http.locator('.twisty').click();
    await expect(page.getByTestId('phs-row')).toHaveCount(4);
    await http.click();
    await page.getByTestId('stats-apply').click();
    await expect(page.getByTestId('filter-input')).toHaveValue('http');
    await waitDisplayed(page, phs.lines.find((l) => l.name === 'http')!.frames);

    // "Limit to display filter": the hierarchy of the 26 HTTP packets, as tshark -z io,phs,http counts it.
    if (hasTshark) {
      const limited = phsLines(HTTP_GIFS, 'http').lines;
      await page.getByTestId('phs-expand').click();
      await page.getByTestId('stats-limit').check();
      await expect(page.getByTestId('stats-filter')).toHaveText('Display filter: http');
      await expect(rows.first().locator('[data-col="frames"]')).toHaveText(n(limited[0].frames));
      await expect(rows).toHaveCount(limited.length);
      for (let i = 0; i < limited.length; i++) {
        await expect(rows.nth(i)).toHaveAttribute('data-name', limited[i].name);
        const got = await cells(rows.nth(i));
        expect(got, limited[i].name).toMatchObject({
          frames: n(limited[i].frames),
          bytes: n(limited[i].bytes),
          pctFrames: `${((100 * limited[i].frames) / limited[0].frames).toFixed(2)}%`,
        });
      }
      console.log(
        `limited to "http": ${limited.length}/${limited.length} hierarchy rows agree with tshark -z io,phs,http`,
      );
      await shot(page, info, '06b-phs-limited-to-http');
      await page.getByTestId('stats-limit').uncheck();
      await expect(rows.first().locator('[data-col="frames"]')).toHaveText(n(all.frames));
    }

    // ── dark theme ──
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByTestId('phs-expand').click();
    await shot(page, info, '07-phs-dark');
    await page.getByTestId('stats-tab-conv').click();
    await page.getByTestId('stats-type-tcp').click();
    await expect(page.getByTestId('stats-row')).toHaveCount(7);
    await rowOf(page, top.stream).click();
    await shot(page, info, '08-conversations-dark');
    expect(problems).toEqual([]);
  });

  test('a mixed IPv4/IPv6 capture: every table agrees with tshark -z conv (pairs and packet counts)', async ({
    page,
  }, info) => {
    const file = join(CORPUS, 'captures', 'wireshark', 'communityid.pcap.gz');
    test.skip(!existsSync(file) || !hasTshark, 'needs tshark and captures/wireshark/communityid.pcap.gz');
    host = await startHost(file);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(host.url);
    await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
    await page.getByTestId('open-statistics').click();
    for (const type of ['eth', 'ip', 'ipv6', 'tcp', 'udp'] as const) {
      // tshark 4.0: "A <-> B  frames bytes unit  frames bytes unit  frames bytes unit  start  duration".
      const want = tshark(['-q', '-z', `conv,${type}`, '-r', file])
        .split('\n')
        .filter((l) => l.includes('<->'))
        .map((l) => {
          const t = l.trim().split(/\s+/);
          return { pair: [t[0], t[2]].sort().join(' '), frames: Number(t[9]) };
        })
        .sort((x, y) => x.pair.localeCompare(y.pair));
      await page.getByTestId(`stats-type-${type}`).click();
      await expect(page.getByTestId('stats-count')).toHaveText(
        `${want.length} conversation${want.length === 1 ? '' : 's'}`,
      );
      const rows = await page.getByTestId('stats-row').evaluateAll((els) =>
        els.map((e) => {
          const c = (k: string) => e.querySelector(`[data-col="${k}"]`)?.textContent ?? '';
          const end = (a: string, p: string) => (p ? `${a}:${p}` : a);
          return { a: end(c('a'), c('portA')), b: end(c('b'), c('portB')), frames: c('packets') };
        }),
      );
      const got = rows
        .map((r) => ({ pair: [r.a, r.b].sort().join(' '), frames: Number(r.frames.replace(/,/g, '')) }))
        .sort((x, y) => x.pair.localeCompare(y.pair));
      expect(got, `${type} conversations`).toEqual(want);
      console.log(
        `communityid ${type}: ${got.length}/${want.length} conversations agree with tshark -z conv,${type}`,
      );
      if (type === 'ipv6' || type === 'tcp') await shot(page, info, `10-communityid-${type}`);
    }
    await page.getByTestId('stats-tab-ep').click();
    await page.getByTestId('stats-type-ipv6').click();
    await expect(page.getByTestId('ep-table')).toBeVisible();
    await shot(page, info, '11-communityid-ipv6-endpoints');
    await page.getByTestId('stats-tab-phs').click();
    await expect(page.getByTestId('phs-row').first()).toBeVisible();
    await page.getByTestId('theme-toggle').click();
    await shot(page, info, '12-communityid-phs-dark');
    // A small window: the panel scrolls instead of cutting its table off.
    await page.setViewportSize({ width: 1000, height: 560 });
    await page.getByTestId('stats-tab-conv').click();
    await expect(page.getByTestId('stats-row').first()).toBeVisible();
    await shot(page, info, '13-small-window-dark');
  });
  test('resolved addresses agree with tshark -N d -z hosts; a row filters on its address and goes to its packet', async ({
    page,
  }, info) => {
    // DNS answers over IPv4 and IPv6, one quoted by an ICMPv6 error.
    const file = join(CORPUS, 'captures', 'wireshark', 'communityid.pcap.gz');
    test.skip(!existsSync(file) || !hasTshark, 'needs tshark and captures/wireshark/communityid.pcap.gz');
    const want = spawnSync('tshark', ['-N', 'd', '-r', file, '-q', '-z', 'hosts'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
    host = await startHost(file);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(host.url);
    await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
    await page.getByTestId('open-statistics').click();
    await page.getByTestId('stats-tab-hosts').click();
    await expect(page.getByTestId('hosts-count')).toHaveText(`${want.length} addresses named by the capture`);
    const rows = page.getByTestId('stats-row');
    const got = (
      await rows.evaluateAll((els) =>
        els.map((e) => {
          const c = (k: string) => e.querySelector(`[data-col="${k}"]`)?.textContent ?? '';
          return `${c('address')}\t${c('name')}`;
        }),
      )
    ).sort();
    expect(got).toEqual(want);
    console.log(
      `communityid: ${got.length}/${want.length} resolved addresses agree with tshark -N d -q -z hosts`,
    );
    await shot(page, info, '14-resolved-addresses');
    // A name a packet gave: Go to Packet selects it; double-click filters on the address.
    const named = rows.filter({ hasText: 'packet ' }).first();
    const address = (await named.locator('[data-col="address"]').textContent()) ?? '';
    const frame = Number(
      ((await named.locator('[data-col="frame"]').textContent()) ?? '').replace('packet ', ''),
    );
    await named.click();
    await page.getByTestId('hosts-goto').click();
    await expect(page.locator(`[data-testid=packet-row][data-no="${frame}"]`)).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await named.dblclick();
    const count = Number(
      spawnSync('tshark', ['-n', '-r', file, '-Y', `ip.addr==${address}`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => l.trim()).length,
    );
    await waitDisplayed(page, count);
  });
  test('TLS handshakes: SNI and JA3 as tshark has them, the certificate; a row filters on its session', async ({
    page,
  }, info) => {
    const file = join(CORPUS, 'captures', 'wireshark', 'tls12-chacha20poly1305.pcap');
    test.skip(
      !existsSync(file) || !hasTshark,
      'needs tshark and captures/wireshark/tls12-chacha20poly1305.pcap',
    );
    // Each ClientHello's packet, server name and JA3, as tshark's fields give them.
    const want = tshark([
      '-r',
      file,
      '-Y',
      'tls.handshake.type == 1',
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'tls.handshake.extensions_server_name',
      '-e',
      'tls.handshake.ja3',
    ])
      .split('\n')
      .filter(Boolean);
    host = await startHost(file);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(host.url);
    await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
    await page.getByTestId('open-statistics').click();
    await page.getByTestId('stats-tab-tls').click();
    await expect(page.getByTestId('tls-count')).toHaveText(`${want.length} TLS handshakes`);
    const rows = page.getByTestId('stats-row');
    const got = await rows.evaluateAll((els) =>
      els.map((e) => {
        const c = (k: string) => e.querySelector(`[data-col="${k}"]`)?.textContent ?? '';
        return `${c('frame')}\t${c('sni')}\t${c('ja3')}`;
      }),
    );
    expect(got).toEqual(want);
    await expect(rows.first().locator('[data-col="subject"]')).toHaveText('id-at-commonName=localhost');
    console.log(
      `tls12-chacha20poly1305: ${got.length}/${want.length} TLS handshakes agree with tshark's fields`,
    );
    await shot(page, info, '16-tls-handshakes');
    await rows.nth(1).click();
    await page.getByTestId('tls-apply').click();
    const n = tshark(['-r', file, '-Y', 'tcp.stream == 1'])
      .split('\n')
      .filter((l) => l.trim()).length;
    await waitDisplayed(page, n);
  });
  test('expert information agrees with tshark -z expert; a row goes to its packet and filters on its message', async ({
    page,
  }, info) => {
    test.skip(!haveCorpus || !hasTshark, 'needs tshark and the corpus');
    const want = tshark(['-q', '-z', 'expert', '-r', HTTP_GIFS])
      .split('\n')
      .filter((l) => /^ +\d+ {2}/.test(l))
      .map((l) => {
        const m = /^ +(\d+) +(\S+) +(\S+) {2}(.*)$/.exec(l);
        return m ? `${m[1]}|${m[3]}|${m[4]}` : l;
      })
      .sort();
    host = await startHost(HTTP_GIFS);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(host.url);
    await expect(page.getByTestId('packet-row').first()).toHaveAttribute('data-no', '1');
    await page.getByTestId('open-statistics').click();
    await page.getByTestId('stats-tab-expert').click();
    await expect(page.getByTestId('expert-table')).toBeVisible();
    const rows = page.getByTestId('stats-row');
    await expect(rows).toHaveCount(want.length);
    const got = (
      await rows.evaluateAll((els) =>
        els.map((e) => {
          const c = (k: string) => e.querySelector(`[data-col="${k}"]`)?.textContent ?? '';
          return `${c('count')}|${c('protocol')}|${c('summary')}`;
        }),
      )
    ).sort();
    expect(got).toEqual(want);
    console.log(`http_gifs: ${got.length}/${want.length} expert rows agree with tshark -q -z expert`);
    await shot(page, info, '15-expert-information');
    // The warning: double-click selects its packet.
    const warn = rows.filter({ hasText: 'completely full' });
    const first = Number(await warn.locator('[data-col="first"]').textContent());
    await warn.dblclick();
    await expect(page.locator(`[data-testid=packet-row][data-no="${first}"]`)).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // A note: Apply as Filter shows exactly the packets tshark finds for the message.
    const note = rows.filter({ hasText: 'initiates the connection closing' });
    await note.click();
    await page.getByTestId('expert-apply').click();
    const n = tshark([
      '-r',
      HTTP_GIFS,
      '-Y',
      '_ws.expert.message == "This frame initiates the connection closing"',
    ])
      .split('\n')
      .filter((l) => l.trim()).length;
    await waitDisplayed(page, n);
  });
});
