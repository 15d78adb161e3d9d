// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp as mount, stubLayout } from '../test/mount.js';
import type { AppStore } from '../state/store.js';
import { fakeApi, type FakeApi } from '../test/fake-api.js';
import { fakeConversations, fakePhs } from '../test/fake-stats.js';
import type { Conversation } from '../../core/api/types.js';
import {
  addrWidth,
  columnsFor,
  CONV_COLUMNS,
  conversationFilter,
  DEFAULT_SORT,
  endpointFilter,
  EP_COLUMNS,
  nextSort,
  phsCsv,
  phsParents,
  phsRows,
  phsTotals,
  sortRows,
  tableCsv,
  withWidth,
} from './stats-model.js';

afterEach(cleanup);

// jsdom has no layout: give scrollers a height so the virtual tables render a window of rows.
stubLayout();

const tcp = fakeConversations('tcp').conversations;

describe('conversation and endpoint filters (Wireshark spelling)', () => {
  it('tcp/udp: the stream by default, addresses and ports on request, IPv6 addresses as ipv6.addr', () => {
    const c = tcp[0];
    expect(conversationFilter(c)).toBe('tcp.stream eq 0');
    expect(conversationFilter(c, 'ab')).toBe(
      'ip.addr==10.0.0.1 && tcp.port==33360 && ip.addr==10.0.0.2 && tcp.port==80',
    );
    expect(conversationFilter(c, 'a-to-b')).toBe(
      'ip.src==10.0.0.1 && tcp.srcport==33360 && ip.dst==10.0.0.2 && tcp.dstport==80',
    );
    expect(conversationFilter(c, 'b-to-a')).toBe(
      'ip.src==10.0.0.2 && tcp.srcport==80 && ip.dst==10.0.0.1 && tcp.dstport==33360',
    );
    expect(conversationFilter(c, 'a-any')).toBe('ip.addr==10.0.0.1 && tcp.port==33360');
    expect(conversationFilter(c, 'b-any')).toBe('ip.addr==10.0.0.2 && tcp.port==80');
    const [u6, u4] = fakeConversations('udp').conversations;
    expect(conversationFilter(u6)).toBe('udp.stream eq 0');
    expect(conversationFilter(u6, 'ab')).toBe(
      'ipv6.addr==2001:db8::10 && udp.port==40002 && ipv6.addr==2001:db8::1 && udp.port==53',
    );
    expect(conversationFilter(u6, 'a-to-b')).toBe(
      'ipv6.src==2001:db8::10 && udp.srcport==40002 && ipv6.dst==2001:db8::1 && udp.dstport==53',
    );
    expect(conversationFilter(u4, 'ab')).toBe(
      'ip.addr==192.168.1.10 && udp.port==40000 && ip.addr==192.168.1.1 && udp.port==53',
    );
    // Without a stream index the default is A ↔ B.
    const { stream: _s, ...noStream } = c;
    expect(conversationFilter(noStream as Conversation)).toBe(conversationFilter(c, 'ab'));
    expect(conversationFilter(noStream as Conversation, 'stream')).toBeUndefined();
  });

  it('eth, ip and ipv6 conversations; endpoints', () => {
    const [ip] = fakeConversations('ip').conversations;
    expect(conversationFilter(ip)).toBe('ip.addr==10.0.0.1 && ip.addr==10.0.0.2');
    expect(conversationFilter(ip, 'stream')).toBeUndefined();
    expect(conversationFilter(ip, 'a-to-b')).toBe('ip.src==10.0.0.1 && ip.dst==10.0.0.2');
    const [v6] = fakeConversations('ipv6').conversations;
    expect(conversationFilter(v6)).toBe('ipv6.addr==fe80::1 && ipv6.addr==fe80::2');
    const [eth] = fakeConversations('eth').conversations;
    expect(conversationFilter(eth)).toBe('eth.addr==00:1a:2b:00:00:01 && eth.addr==ff:ff:ff:ff:ff:ff');
    expect(conversationFilter(eth, 'b-to-a')).toBe(
      'eth.src==ff:ff:ff:ff:ff:ff && eth.dst==00:1a:2b:00:00:01',
    );
    expect(endpointFilter(fakeConversations('ip').endpoints[0])).toBe('ip.addr==10.0.0.1');
    expect(endpointFilter(fakeConversations('tcp').endpoints[1])).toBe('ip.addr==10.0.0.2 && tcp.port==80');
    expect(endpointFilter(fakeConversations('udp').endpoints[0])).toBe(
      'ipv6.addr==2001:db8::1 && udp.port==53',
    );
    expect(endpointFilter(fakeConversations('eth').endpoints[0])).toBe('eth.addr==00:1a:2b:00:00:01');
  });
});

describe('sorting', () => {
  const cols = columnsFor(CONV_COLUMNS, 'tcp');
  it('defaults to bytes descending; headers toggle; numbers start descending, text ascending', () => {
    expect(sortRows(tcp, cols, DEFAULT_SORT).map((c) => c.stream)).toEqual([1, 0, 2]);
    const packets = cols.find((c) => c.key === 'packets')!;
    const s1 = nextSort(DEFAULT_SORT, packets);
    expect(s1).toEqual({ key: 'packets', dir: -1 });
    expect(nextSort(s1, packets)).toEqual({ key: 'packets', dir: 1 });
    expect(sortRows(tcp, cols, { key: 'packets', dir: 1 }).map((c) => c.stream)).toEqual([2, 0, 1]);
    const addrA = cols.find((c) => c.key === 'a')!;
    expect(nextSort(DEFAULT_SORT, addrA)).toEqual({ key: 'a', dir: 1 });
  });
  it('addresses sort numerically (10.0.0.9 before 10.0.0.10) and ties keep their order', () => {
    const byB = sortRows(tcp, cols, { key: 'b', dir: 1 }).map((c) => c.b);
    expect(byB).toEqual(['10.0.0.2', '10.0.0.2', '10.0.0.9']);
    expect(sortRows(tcp, cols, { key: 'a', dir: 1 }).map((c) => c.stream)).toEqual([0, 1, 2]);
    expect(sortRows(tcp, cols, { key: 'a', dir: -1 }).map((c) => c.stream)).toEqual([2, 0, 1]);
  });
  it('ports columns only for tcp/udp; address columns sized to their content', () => {
    expect(columnsFor(CONV_COLUMNS, 'ip').map((c) => c.key)).not.toContain('portA');
    expect(columnsFor(CONV_COLUMNS, 'udp').map((c) => c.key)).toContain('stream');
    expect(columnsFor(EP_COLUMNS, 'eth').map((c) => c.key)).toEqual([
      'address',
      'packets',
      'bytes',
      'framesTx',
      'bytesTx',
      'framesRx',
      'bytesRx',
    ]);
    expect(addrWidth(['10.0.0.1'], 'Address A')).toBe(90);
    expect(addrWidth(['2001:470:e5bf:dead:4957:2174:e82c:4887'], 'Address A')).toBeGreaterThan(280);
  });
});

describe('dragged column widths', () => {
  it('kept per table and column; undefined drops one so the column has its default again', () => {
    let w = withWidth({}, 'conv:tcp', 'bytes', 160);
    w = withWidth(w, 'conv:tcp', 'a', 200);
    w = withWidth(w, 'ep:tcp', 'bytes', 50);
    expect(w).toEqual({ 'conv:tcp': { bytes: 160, a: 200 }, 'ep:tcp': { bytes: 50 } });
    expect(withWidth(w, 'conv:tcp', 'bytes', undefined)).toEqual({
      'conv:tcp': { a: 200 },
      'ep:tcp': { bytes: 50 },
    });
    expect(withWidth(w, 'conv:udp', 'bytes', undefined)).toEqual({ ...w, 'conv:udp': {} });
  });
});

describe('copy as CSV', () => {
  it('conversations in the order shown, numbers without separators; hierarchy indented', () => {
    const cols = columnsFor(CONV_COLUMNS, 'tcp');
    const csv = tableCsv(cols, sortRows(tcp, cols, DEFAULT_SORT)).split('\r\n');
    expect(csv[0]).toBe(
      'Stream,Address A,Port A,Address B,Port B,Packets,Bytes,Packets A → B,Bytes A → B,Packets B → A,Bytes B → A,Rel Start,Duration',
    );
    expect(csv[1]).toBe('1,10.0.0.1,33368,10.0.0.9,80,19,90900,10,900,9,90000,0.100000,0.5000');
    expect(csv).toHaveLength(5); // header, 3 rows, '' after the last CRLF
    const ipv6 = tableCsv(columnsFor(EP_COLUMNS, 'udp'), fakeConversations('udp').endpoints);
    expect(ipv6.split('\r\n')[1]).toBe('2001:db8::1,53,2,216,1,120,1,96');
    expect(phsCsv(phsRows(fakePhs())).split('\r\n').slice(0, 3)).toEqual([
      'Protocol,Percent Packets,Packets,Percent Bytes,Bytes,End Packets,End Bytes',
      'eth,100.00,200,100.00,40000,0,0',
      '  ip,75.00,150,75.00,30000,0,0',
    ]);
  });
});

describe('protocol hierarchy rows', () => {
  it('percentages of all frames and bytes, end counts, indentation', () => {
    const root = fakePhs();
    expect(phsTotals(root)).toEqual({ frames: 200, bytes: 40000 });
    const rows = phsRows(root);
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.name}`)).toEqual([
      'eth',
      '  ip',
      '    tcp',
      '      http',
      '    udp',
      '      dns',
      '  arp',
    ]);
    const tcpRow = rows.find((r) => r.name === 'tcp')!;
    expect(tcpRow.pctFrames).toBe(50);
    expect(tcpRow.pctBytes).toBe(62.5);
    expect(tcpRow.endFrames).toBe(80);
    expect(tcpRow.endBytes).toBe(15000);
    expect(rows.find((r) => r.name === 'http')!.pctBytes).toBe(25);
    expect(rows[0].pctFrames).toBe(100);
  });
  it('collapsed nodes hide their children', () => {
    const root = fakePhs();
    expect(phsRows(root, new Set(['eth/ip'])).map((r) => r.name)).toEqual(['eth', 'ip', 'arp']);
    expect(phsParents(root)).toEqual(['eth', 'eth/ip', 'eth/ip/tcp', 'eth/ip/udp']);
    expect(phsRows(root, new Set(phsParents(root))).map((r) => r.name)).toEqual(['eth']);
  });
});

async function openStats(api: FakeApi): Promise<AppStore> {
  const store = mount(api);
  await act(async () => {
    await store.getState().open('/cases/web.pcap');
  });
  fireEvent.click(screen.getByTestId('open-statistics'));
  await waitFor(() => expect(screen.getAllByTestId('stats-row').length).toBe(3));
  return store;
}

const filtersApplied = (api: FakeApi): string[] =>
  api.calls.filter((c) => c.method === 'applyFilter').map((c) => (c.req as { expr: string }).expr);

const cells = (row: HTMLElement): Record<string, string> =>
  Object.fromEntries(
    [...row.querySelectorAll<HTMLElement>('[data-col]')].map((s) => [s.dataset.col, s.textContent ?? '']),
  );

const header = (panel: HTMLElement, col: string): HTMLElement =>
  panel.querySelector<HTMLElement>(`[role=columnheader][data-col="${col}"]`)!;

describe('Statistics panel', () => {
  it("shows each type's count on its button, conversations or endpoints as the tab", async () => {
    const api = fakeApi(50);
    await openStats(api);
    const count = (t: string) => screen.queryByTestId(`stats-count-${t}`)?.textContent;
    // The counts come with the table, a render after its rows.
    await waitFor(() => expect(count('tcp')).toBe(' · 3'));
    expect(count('udp')).toBe(' · 2');
    fireEvent.click(screen.getByTestId('stats-tab-ep'));
    await waitFor(() => expect(count('tcp')).toBe(` · ${fakeConversations('tcp').endpoints.length}`));
  });

  it('shows TCP conversations sorted by bytes, sorts on header clicks, applies a row as filter', async () => {
    const api = fakeApi(50);
    const store = await openStats(api);
    const panel = screen.getByTestId('statistics-panel');
    expect(api.calls.find((c) => c.method === 'conversations')?.req).toEqual({ type: 'tcp' });
    let rows = screen.getAllByTestId('stats-row');
    expect(cells(rows[0])).toMatchObject({
      stream: '1',
      a: '10.0.0.1',
      portA: '33368',
      b: '10.0.0.9',
      portB: '80',
      packets: '19',
      bytes: '90,900',
      framesAB: '10',
      bytesAB: '900',
      framesBA: '9',
      bytesBA: '90,000',
      start: '0.100000',
      duration: '0.5000',
    });
    const bytesHeader = header(panel, 'bytes');
    expect(bytesHeader.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(bytesHeader);
    expect(bytesHeader.getAttribute('aria-sort')).toBe('ascending');
    rows = screen.getAllByTestId('stats-row');
    expect(rows.map((r) => cells(r).stream)).toEqual(['2', '0', '1']);
    fireEvent.click(header(panel, 'a'));
    expect(screen.getAllByTestId('stats-row').map((r) => cells(r).a)).toEqual([
      '10.0.0.1',
      '10.0.0.1',
      '10.0.0.10',
    ]);

    // Select stream 0 and apply: the filter bar gets Wireshark's conversation filter.
    expect((screen.getByTestId('stats-apply') as HTMLButtonElement).disabled).toBe(true);
    const row0 = screen.getAllByTestId('stats-row').find((r) => cells(r).stream === '0')!;
    fireEvent.mouseDown(row0);
    fireEvent.click(screen.getByTestId('stats-apply'));
    await waitFor(() => expect(filtersApplied(api)).toContain('tcp.stream eq 0'));
    expect((screen.getByTestId('filter-input') as HTMLInputElement).value).toBe('tcp.stream eq 0');

    // Right-click: the address/port variant.
    fireEvent.contextMenu(row0);
    fireEvent.click(within(screen.getByTestId('stats-menu')).getByText('Apply as Filter: A ↔ B'));
    await waitFor(() =>
      expect(filtersApplied(api)).toContain(
        'ip.addr==10.0.0.1 && tcp.port==33360 && ip.addr==10.0.0.2 && tcp.port==80',
      ),
    );
    // Double-click applies the default filter of that row.
    const row2 = screen.getAllByTestId('stats-row').find((r) => cells(r).stream === '2')!;
    fireEvent.doubleClick(row2);
    await waitFor(() => expect(filtersApplied(api)).toContain('tcp.stream eq 2'));

    // Keyboard: arrows move the selection, Enter applies the selected row.
    const table = screen.getByTestId('conv-table');
    fireEvent.keyDown(table, { key: 'Home' });
    expect(screen.getAllByTestId('stats-row')[0].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(table, { key: 'ArrowDown' });
    const second = screen.getAllByTestId('stats-row')[1];
    expect(second.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(table, { key: 'Enter' });
    await waitFor(() => expect(filtersApplied(api)).toContain(`tcp.stream eq ${cells(second).stream}`));

    // Follow opens the Follow panel on the stream.
    fireEvent.mouseDown(row2);
    fireEvent.click(screen.getByTestId('stats-follow'));
    await waitFor(() => expect(screen.getByTestId('follow-panel')).toBeTruthy());
    expect(store.getState().followTarget).toEqual({ proto: 'tcp', stream: 2 });
    expect((screen.getByTestId('follow-stream') as HTMLInputElement).value).toBe('2');
  });

  it('columns resize by dragging the header edge (min width, double-click and Enter reset, arrow keys); kept per table', async () => {
    const api = fakeApi(50);
    await openStats(api);
    const panel = screen.getByTestId('statistics-panel');
    const template = () =>
      screen
        .getByTestId('statistics-panel')
        .querySelector<HTMLElement>('.st-header')!
        .style.gridTemplateColumns.split(' ');
    const rowTemplate = () => screen.getAllByTestId('stats-row')[0].style.gridTemplateColumns.split(' ');
    const sep = (title: string) => within(panel).getByRole('separator', { name: `Resize ${title} column` });
    const keys = [...panel.querySelectorAll<HTMLElement>('[role=columnheader]')].map((h) => h.dataset.col);
    const at = keys.indexOf('bytes');
    const bytes = sep('Bytes');
    expect(bytes.getAttribute('aria-orientation')).toBe('vertical');
    expect(bytes.tabIndex).toBe(0);
    expect(bytes.getAttribute('aria-valuenow')).toBe('100');
    expect(template()[at]).toBe('100px');
    // The header keeps its own name (the handle does not add to it).
    expect(within(panel).getByRole('columnheader', { name: 'Bytes' })).toBe(header(panel, 'bytes'));
    expect(within(panel).getAllByRole('separator')).toHaveLength(keys.length);

    // Drag the edge 60 px right: header and rows get the new width; sorting is untouched.
    fireEvent.mouseDown(bytes, { button: 0, clientX: 500 });
    fireEvent.mouseMove(window, { clientX: 530 });
    fireEvent.mouseMove(window, { clientX: 560 });
    fireEvent.mouseUp(window, { clientX: 560 });
    fireEvent.click(bytes);
    expect(template()[at]).toBe('160px');
    expect(rowTemplate()[at]).toBe('160px');
    expect(bytes.getAttribute('aria-valuenow')).toBe('160');
    expect(header(panel, 'bytes').getAttribute('aria-sort')).toBe('descending');

    // Dragged far left: held at the minimum width. The click that ends the drag on the header does not sort.
    fireEvent.mouseDown(bytes, { button: 0, clientX: 500 });
    fireEvent.mouseMove(window, { clientX: 100 });
    fireEvent.mouseUp(window, { clientX: 100 });
    fireEvent.click(header(panel, 'bytes'));
    expect(template()[at]).toBe('30px');
    expect(header(panel, 'bytes').getAttribute('aria-sort')).toBe('descending');
    // A click on the header afterwards sorts as before.
    await new Promise((r) => setTimeout(r, 0));
    fireEvent.click(header(panel, 'bytes'));
    expect(header(panel, 'bytes').getAttribute('aria-sort')).toBe('ascending');

    // Double-click the edge: the default width again.
    fireEvent.doubleClick(bytes);
    expect(template()[at]).toBe('100px');
    expect(header(panel, 'bytes').getAttribute('aria-sort')).toBe('ascending');

    // Keyboard: ←/→ by 10 px (Shift 50), Enter resets — and does not reach the grid, where it would apply the
    // selected row as filter.
    fireEvent.mouseDown(screen.getAllByTestId('stats-row')[0]);
    fireEvent.keyDown(bytes, { key: 'ArrowRight' });
    fireEvent.keyDown(bytes, { key: 'ArrowRight', shiftKey: true });
    expect(template()[at]).toBe('160px');
    fireEvent.keyDown(bytes, { key: 'ArrowLeft' });
    expect(template()[at]).toBe('150px');
    fireEvent.keyDown(bytes, { key: 'Enter' });
    expect(template()[at]).toBe('100px');
    await new Promise((r) => setTimeout(r, 50));
    expect(filtersApplied(api)).toEqual([]);

    // Widths are kept per table while the panel is open: TCP conversations keep theirs across a visit to UDP
    // and to the TCP endpoints, which have their own.
    const addrAt = keys.indexOf('a');
    const addrDefault = template()[addrAt];
    fireEvent.keyDown(sep('Address A'), { key: 'ArrowRight', shiftKey: true });
    const addrWide = `${parseInt(addrDefault) + 50}px`;
    expect(template()[addrAt]).toBe(addrWide);
    fireEvent.click(screen.getByTestId('stats-type-udp'));
    await waitFor(() => expect(screen.getByTestId('statistics-panel').textContent).toContain('2001:db8::1'));
    expect(template()[addrAt]).toBe(
      `${addrWidth(
        fakeConversations('udp').conversations.map((c) => c.a),
        'Address A',
      )}px`,
    );
    fireEvent.click(screen.getByTestId('stats-tab-ep'));
    await waitFor(() => expect(screen.getByTestId('ep-table')).toBeTruthy());
    fireEvent.click(screen.getByTestId('stats-type-tcp'));
    await waitFor(() =>
      expect(screen.getAllByTestId('stats-row').length).toBe(fakeConversations('tcp').endpoints.length),
    );
    fireEvent.keyDown(sep('Packets'), { key: 'ArrowLeft' });
    const epPackets = [...panel.querySelectorAll<HTMLElement>('[role=columnheader]')].findIndex(
      (h) => h.dataset.col === 'packets',
    );
    expect(template()[epPackets]).toBe('68px');
    fireEvent.click(screen.getByTestId('stats-tab-conv'));
    await waitFor(() => expect(screen.getByTestId('conv-table')).toBeTruthy());
    expect(template()[addrAt]).toBe(addrWide);
    expect(template()[keys.indexOf('packets')]).toBe('78px');
    fireEvent.click(screen.getByTestId('stats-tab-ep'));
    await waitFor(() => expect(screen.getByTestId('ep-table')).toBeTruthy());
    expect(template()[epPackets]).toBe('68px');

    // Closed and opened again: the default widths.
    fireEvent.click(screen.getByTestId('open-statistics'));
    expect(screen.queryByTestId('statistics-panel')).toBeNull();
    fireEvent.click(screen.getByTestId('open-statistics'));
    await waitFor(() => expect(screen.getByTestId('conv-table')).toBeTruthy());
    expect(template()[addrAt]).toBe(addrDefault);
  });

  it('type selector, endpoints tab, and no port columns for IPv4', async () => {
    const api = fakeApi(50);
    await openStats(api);
    fireEvent.click(screen.getByTestId('stats-type-ip'));
    await waitFor(() => expect(screen.getAllByTestId('stats-row').length).toBe(1));
    const panel = screen.getByTestId('statistics-panel');
    expect(within(panel).queryByRole('columnheader', { name: 'Port A' })).toBeNull();
    expect(cells(screen.getAllByTestId('stats-row')[0])).toMatchObject({ a: '10.0.0.1', bytes: '6,700' });
    fireEvent.click(screen.getByTestId('stats-tab-ep'));
    await waitFor(() => expect(screen.getByTestId('ep-table')).toBeTruthy());
    const eps = screen.getAllByTestId('stats-row');
    expect(eps.map((r) => cells(r).address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(cells(eps[1])).toMatchObject({
      packets: '13',
      framesTx: '6',
      bytesTx: '6,000',
      framesRx: '7',
      bytesRx: '700',
    });
    fireEvent.doubleClick(eps[1]);
    await waitFor(() => expect(filtersApplied(api)).toContain('ip.addr==10.0.0.2'));
    fireEvent.click(screen.getByTestId('stats-type-udp'));
    await waitFor(() => expect(screen.getByTestId('statistics-panel').textContent).toContain('2001:db8::1'));
    fireEvent.mouseDown(screen.getAllByTestId('stats-row')[0]);
    fireEvent.click(screen.getByTestId('stats-prepare'));
    expect((screen.getByTestId('filter-input') as HTMLInputElement).value).toBe(
      'ipv6.addr==2001:db8::1 && udp.port==53',
    );
  });

  it('"Limit to display filter" asks for the displayed packets only, and again when the filter changes', async () => {
    const api = fakeApi(50);
    const store = await openStats(api);
    const statCalls = () => api.calls.filter((c) => c.method === 'conversations' || c.method === 'phs');
    fireEvent.click(screen.getByTestId('stats-limit'));
    // No filter applied: nothing to limit to, nothing counted again.
    expect(screen.queryByTestId('stats-filter')).toBeNull();
    await act(async () => {
      await store.getState().applyFilter('no<11');
    });
    await waitFor(() => expect(screen.getByTestId('stats-filter').textContent).toBe('Display filter: no<11'));
    await waitFor(() => expect(statCalls().at(-1)?.req).toEqual({ type: 'tcp', displayed: true }));
    fireEvent.click(screen.getByTestId('stats-tab-phs'));
    await waitFor(() => expect(statCalls().at(-1)).toEqual({ method: 'phs', req: { displayed: true } }));
    await waitFor(() => expect(screen.getAllByTestId('phs-row').length).toBe(7));
    fireEvent.click(screen.getByTestId('stats-limit'));
    await waitFor(() => expect(statCalls().at(-1)).toEqual({ method: 'phs', req: {} }));
    expect(screen.queryByTestId('stats-filter')).toBeNull();
  });

  it('protocol hierarchy: percentages, collapse and expand, apply a protocol as filter', async () => {
    const api = fakeApi(50);
    await openStats(api);
    fireEvent.click(screen.getByTestId('stats-tab-phs'));
    await waitFor(() => expect(screen.getAllByTestId('phs-row').length).toBe(7));
    const row = (name: string) => screen.getAllByTestId('phs-row').find((r) => r.dataset.name === name)!;
    expect(cells(row('tcp'))).toMatchObject({
      name: '▾tcp', // the twisty, then the name
      pctFrames: '50.00%',
      frames: '100',
      pctBytes: '62.50%',
      bytes: '25,000',
      endFrames: '80',
      endBytes: '15,000',
    });
    expect(row('http').getAttribute('aria-level')).toBe('4');
    fireEvent.click(row('ip').querySelector('.twisty')!);
    expect(screen.getAllByTestId('phs-row').map((r) => r.dataset.name)).toEqual(['eth', 'ip', 'arp']);
    fireEvent.click(screen.getByTestId('phs-expand'));
    expect(screen.getAllByTestId('phs-row').length).toBe(7);
    fireEvent.click(screen.getByTestId('phs-collapse'));
    expect(screen.getAllByTestId('phs-row').length).toBe(1);
    fireEvent.click(screen.getByTestId('phs-expand'));
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (t: string) => ((copied = t), Promise.resolve()) },
    });
    fireEvent.click(screen.getByTestId('stats-copy'));
    await waitFor(() => expect(screen.getByTestId('stats-copy').textContent).toBe('Copied ✓'));
    expect(copied.split('\r\n')[3]).toBe('    tcp,50.00,100,62.50,25000,80,15000');
    fireEvent.mouseDown(row('dns'));
    fireEvent.click(screen.getByTestId('stats-apply'));
    await waitFor(() => expect(filtersApplied(api)).toContain('dns'));
  });

  it('resolved addresses: the names the capture gives, sorted by address, filter on one, go to its packet', async () => {
    const api = fakeApi(50);
    api.handle('hosts', () => [
      { address: '192.168.1.10', name: 'fileserver.corp' },
      { address: '93.184.216.34', name: 'www.example.com', frame: 12 },
      { address: '10.0.0.9', name: 'cdn.example.net', frame: 30 },
      { address: '2001:db8::1', name: 'six.example', frame: 40 },
    ]);
    const store = await openStats(api);
    fireEvent.click(screen.getByTestId('stats-tab-hosts'));
    await waitFor(() => expect(screen.getByTestId('hosts-count').textContent).toContain('4 addresses'));
    // No "Limit to display filter" here: a name learned stays learned.
    expect(screen.queryByTestId('stats-limit')).toBeNull();
    const rows = () => screen.getAllByTestId('stats-row').map((r) => cells(r));
    // By the packet that named them: the file's own name records first.
    expect(rows().map((r) => [r.address, r.name, r.frame])).toEqual([
      ['192.168.1.10', 'fileserver.corp', 'capture file (name records)'],
      ['93.184.216.34', 'www.example.com', 'packet 12'],
      ['10.0.0.9', 'cdn.example.net', 'packet 30'],
      ['2001:db8::1', 'six.example', 'packet 40'],
    ]);
    const panel = screen.getByTestId('statistics-panel');
    fireEvent.click(header(panel, 'address'));
    expect(rows().map((r) => r.address)).toEqual([
      '10.0.0.9',
      '93.184.216.34',
      '192.168.1.10',
      '2001:db8::1',
    ]);
    const row = (a: string) => screen.getAllByTestId('stats-row').find((r) => r.dataset.key === a)!;
    fireEvent.doubleClick(row('2001:db8::1'));
    await waitFor(() => expect(filtersApplied(api)).toContain('ipv6.addr==2001:db8::1'));
    fireEvent.mouseDown(row('192.168.1.10'));
    expect(screen.getByTestId('hosts-goto').hasAttribute('disabled')).toBe(true);
    fireEvent.mouseDown(row('93.184.216.34'));
    fireEvent.click(screen.getByTestId('hosts-goto'));
    await waitFor(() => expect(store.getState().selectedNo).toBe(12));
    fireEvent.click(screen.getByTestId('hosts-apply'));
    await waitFor(() => expect(filtersApplied(api)).toContain('ip.addr==93.184.216.34'));
  });

  it('expert information: errors first, coloured by severity; filter on a message, go to its first packet', async () => {
    const api = fakeApi(50);
    api.handle('expert', () => [
      {
        severity: 'warn',
        group: 'sequence',
        protocol: 'TCP',
        summary: 'Previous segment not captured',
        count: 2,
        frames: [7, 9],
      },
      {
        severity: 'note',
        group: 'sequence',
        protocol: 'TCP',
        summary: 'This frame initiates the connection closing',
        count: 1,
        frames: [20],
      },
      {
        severity: 'chat',
        group: 'sequence',
        protocol: 'HTTP',
        summary: 'GET / HTTP/1.1\\r\\n',
        count: 3,
        frames: [4, 10, 30],
      },
      {
        severity: 'comment',
        group: 'comment',
        protocol: 'Frame',
        summary: 'seized "here"',
        count: 1,
        frames: [2],
      },
    ]);
    const store = await openStats(api);
    fireEvent.click(screen.getByTestId('stats-tab-expert'));
    await waitFor(() =>
      expect(screen.getByTestId('expert-count').textContent).toBe(
        '2 warnings · 1 note · 3 chats · 1 comment',
      ),
    );
    expect(screen.queryByTestId('stats-limit')).toBeNull();
    const rows = screen.getAllByTestId('stats-row');
    expect(rows.map((r) => [cells(r).severity, cells(r).protocol, cells(r).count, cells(r).first])).toEqual([
      ['Warning', 'TCP', '2', '7'],
      ['Note', 'TCP', '1', '20'],
      ['Chat', 'HTTP', '3', '4'],
      ['Comment', 'Frame', '1', '2'],
    ]);
    expect(rows[0].className).toContain('sev-warn');
    fireEvent.doubleClick(rows[2]);
    await waitFor(() => expect(store.getState().selectedNo).toBe(4));
    fireEvent.mouseDown(rows[2]);
    fireEvent.click(screen.getByTestId('expert-apply'));
    // The message as a filter string: its backslashes escaped.
    await waitFor(() =>
      expect(filtersApplied(api)).toContain('_ws.expert.message == "GET / HTTP/1.1\\\\r\\\\n"'),
    );
    fireEvent.mouseDown(rows[3]);
    fireEvent.click(screen.getByTestId('expert-apply'));
    await waitFor(() => expect(filtersApplied(api)).toContain('frame.comment == "seized \\"here\\""'));
  });

  it('TLS handshakes: one row each with SNI, JA3 and certificate; sorted by packet, filter on a session', async () => {
    const api = fakeApi(50);
    const row = (frame: number, client: string, server: string, sni: string, subject: string) => ({
      frame,
      filter: `tcp.stream == ${frame}`,
      client,
      server,
      sni,
      alpn: 'h2,http/1.1',
      ja3: `ja3-${frame}`,
      ja3Full: '771,4865,0-23,29,0',
      version: 'TLS 1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      ja3s: `ja3s-${frame}`,
      subject,
      issuer: 'id-at-commonName=Test CA',
      notBefore: '2026-01-01 00:00:00 (UTC)',
      notAfter: '2027-01-01 00:00:00 (UTC)',
    });
    api.handle('tls', () => [
      row(14, '10.0.0.9:51000', '93.184.216.34:443', 'www.example.com', 'id-at-commonName=www.example.com'),
      row(3, '[2001:db8::5]:40000', '[2001:db8::1]:443', 'six.example', ''),
    ]);
    const store = await openStats(api);
    fireEvent.click(screen.getByTestId('stats-tab-tls'));
    await waitFor(() => expect(screen.getByTestId('tls-count').textContent).toBe('2 TLS handshakes'));
    expect(screen.queryByTestId('stats-limit')).toBeNull();
    const rows = () => screen.getAllByTestId('stats-row');
    expect(rows().map((r) => [cells(r).frame, cells(r).sni, cells(r).ja3, cells(r).subject])).toEqual([
      ['3', 'six.example', 'ja3-3', ''],
      ['14', 'www.example.com', 'ja3-14', 'id-at-commonName=www.example.com'],
    ]);
    fireEvent.doubleClick(rows()[1]);
    await waitFor(() => expect(store.getState().selectedNo).toBe(14));
    fireEvent.mouseDown(rows()[0]);
    fireEvent.click(screen.getByTestId('tls-apply'));
    await waitFor(() => expect(filtersApplied(api)).toContain('tcp.stream == 3'));
  });

  it('counts again when the capture grows or another one opens; shows engine errors', async () => {
    const api = fakeApi(50);
    const store = await openStats(api);
    const count = () => api.calls.filter((c) => c.method === 'conversations').length;
    const before = count();
    // A live capture grows packet by packet: counted again once or twice (at most once a second, the last
    // count for the final size), never once per packet.
    for (let p = 51; p <= 60; p++)
      act(() => store.setState({ info: { ...store.getState().info!, packets: p } }));
    await waitFor(() => expect(count()).toBeGreaterThan(before), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 2200));
    const grown = count() - before;
    expect(grown).toBeGreaterThanOrEqual(1);
    expect(grown).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1200));
    expect(count() - before).toBe(grown);
    // The old table stays while counting again.
    expect(screen.getAllByTestId('stats-row').length).toBe(3);
    await act(async () => {
      await store.getState().open('/cases/other.pcap');
    });
    await waitFor(() => expect(count()).toBe(before + grown + 1));

    const broken = fakeApi(5);
    cleanup();
    const s2 = mount({
      ...broken,
      call: (async (method: string, req: unknown) => {
        if (method === 'phs') throw new Error('phs is not available yet');
        return broken.call(method as 'info', req as Record<string, never>);
      }) as FakeApi['call'],
    });
    await act(async () => {
      await s2.getState().open('/cases/x.pcap');
    });
    fireEvent.click(screen.getByTestId('open-statistics'));
    fireEvent.click(screen.getByTestId('stats-tab-phs'));
    await waitFor(() =>
      expect(screen.getByTestId('statistics-panel').textContent).toContain('phs is not available yet'),
    );
  });

  it('renders a window of rows for a table of 100 000 conversations', async () => {
    const api = fakeApi(50);
    const many: Conversation[] = [];
    for (let i = 0; i < 100_000; i++)
      many.push({
        ...tcp[0],
        portA: 1024 + (i % 60000),
        a: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        stream: i,
        bytesAB: i,
      });
    const big = {
      ...api,
      call: (async (method: string, req: unknown) =>
        method === 'conversations'
          ? { type: 'tcp', conversations: many, endpoints: [] }
          : api.call(method as 'info', req as Record<string, never>)) as FakeApi['call'],
    };
    const store = mount(big);
    await act(async () => {
      await store.getState().open('/cases/big.pcap');
    });
    fireEvent.click(screen.getByTestId('open-statistics'));
    await waitFor(() => expect(screen.getAllByTestId('stats-row').length).toBeGreaterThan(10));
    expect(screen.getAllByTestId('stats-row').length).toBeLessThan(60);
    expect(screen.getByTestId('conv-table').getAttribute('aria-rowcount')).toBe('100000');
    expect(screen.getByTestId('stats-count').textContent).toBe('100,000 conversations');
    expect(cells(screen.getAllByTestId('stats-row')[0]).stream).toBe('99999');
  });
});
