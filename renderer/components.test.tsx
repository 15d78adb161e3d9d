// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp as mount, stubLayout } from './test/mount.js';

import { fakeApi, type FakeApi } from './test/fake-api.js';
import { sortAnalyses } from './panels/Signatures.js';
import { wordAt } from './panes/FilterBar.js';
import { asText, streamOf } from './panels/Follow.js';
import type { ObjectAnalysis } from '../core/api/types.js';

afterEach(cleanup);

// jsdom has no layout: give scrollers a height so the virtual list renders a window of rows.
stubLayout();

async function opened(api: FakeApi) {
  const store = mount(api);
  await act(async () => {
    await store.getState().open('/cases/web.pcap');
  });
  await waitFor(() => expect(screen.getAllByTestId('packet-row')[0].dataset.no).toBe('1'));
  return store;
}

describe('App', () => {
  it('shows the welcome screen with recent files and the sample', async () => {
    const api = fakeApi(10);
    mount(api);
    expect(screen.getByTestId('welcome')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('/cases/a.pcap')).toBeTruthy());
    fireEvent.click(screen.getByTestId('open-sample'));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'open')).toBe(true));
    expect(api.calls.find((c) => c.method === 'open')?.req).toEqual({ path: '/app/assets/sample.pcapng' });
  });

  it('renders a window of coloured rows, not all of them', async () => {
    const api = fakeApi(1_000_000);
    await opened(api);
    const rows = screen.getAllByTestId('packet-row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0].textContent).toContain('packet 1');
    expect(rows[1].dataset.color).toBe('HTTP');
    expect(screen.getByTestId('packet-list').getAttribute('aria-rowcount')).toBe('1000000');
    expect(screen.getByTestId('status-bar').textContent).toContain('Displayed: 1000000');
  });

  it('keyboard: arrows, End and Home move the selection', async () => {
    const api = fakeApi(300);
    const store = await opened(api);
    const list = screen.getByTestId('packet-list');
    await waitFor(() => expect(store.getState().selectedNo).toBe(1));
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    await waitFor(() => expect(store.getState().selectedNo).toBe(2));
    fireEvent.keyDown(list, { key: 'End' });
    await waitFor(() => expect(store.getState().selectedNo).toBe(300));
    fireEvent.keyDown(list, { key: 'Home' });
    await waitFor(() => expect(store.getState().selectedNo).toBe(1));
  });

  it('packet list columns resize by their header edge (the handle the Statistics tables share)', async () => {
    const api = fakeApi(50);
    const store = await opened(api);
    const list = screen.getByTestId('packet-list');
    const template = () =>
      list.querySelector<HTMLElement>('.pl-header')!.style.gridTemplateColumns.split(' ');
    const edge = screen.getByRole('separator', { name: 'Resize Source column' });
    expect(edge.getAttribute('aria-orientation')).toBe('vertical');
    // Info fills the rest of the row and has no handle.
    expect(screen.getAllByRole('separator')).toHaveLength(6);
    expect(template()[2]).toBe('170px');
    fireEvent.mouseDown(edge, { button: 0, clientX: 400 });
    fireEvent.mouseMove(window, { clientX: 300 });
    fireEvent.mouseUp(window, { clientX: 300 });
    expect(template()[2]).toBe('70px');
    expect(screen.getAllByTestId('packet-row')[0].style.gridTemplateColumns.split(' ')[2]).toBe('70px');
    fireEvent.mouseDown(edge, { button: 0, clientX: 400 });
    fireEvent.mouseMove(window, { clientX: 0 });
    fireEvent.mouseUp(window, { clientX: 0 });
    // The browser's click that ends a drag off the handle lands on the header: it does not sort.
    fireEvent.click(screen.getByRole('columnheader', { name: 'Source' }));
    expect(template()[2]).toBe('30px');
    // Double-click gives the default width back.
    expect(store.getState().sort).toBeNull();
    fireEvent.doubleClick(edge);
    expect(template()[2]).toBe('170px');
    fireEvent.keyDown(edge, { key: 'ArrowRight' });
    expect(template()[2]).toBe('180px');
  });

  it('tree and hex: clicking a byte selects the field, clicking a field highlights its bytes', async () => {
    const api = fakeApi(5);
    await opened(api);
    await waitFor(() => expect(screen.getAllByTestId('tree-item').length).toBeGreaterThan(0));
    const hex = screen.getByTestId('hex-dump');
    fireEvent.mouseDown(hex.querySelector('.hx-hex [data-off="27"]')!);
    await waitFor(() =>
      expect(
        screen.getByTestId('detail-tree').querySelector('[aria-selected=true]')?.getAttribute('data-field'),
      ).toBe('ip.src'),
    );
    const hl = [...hex.querySelectorAll('.hx-hex .hl')].map((e) => Number((e as HTMLElement).dataset.off));
    expect(hl).toEqual([26, 27, 28, 29]);
    fireEvent.mouseDown(screen.getByTestId('detail-tree').querySelector('[data-field="ip.dst"]')!);
    await waitFor(() =>
      expect(
        [...hex.querySelectorAll('.hx-hex .hl')].map((e) => Number((e as HTMLElement).dataset.off)),
      ).toEqual([30, 31, 32, 33]),
    );
    // Keyboard: Left goes to the parent, Left again collapses it.
    const tree = screen.getByTestId('detail-tree');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    await waitFor(() => expect(tree.querySelector('[data-field="ip.dst"]')).toBeNull());
    // The field in the second data source switches the hex tab.
    fireEvent.mouseDown(tree.querySelector('[data-field="http.file_data"]')!);
    await waitFor(() =>
      expect(screen.getByRole('tab', { selected: true }).textContent).toContain('Reassembled TCP'),
    );
  });

  it('context menu: Apply as Filter applies the item filter', async () => {
    const api = fakeApi(5);
    await opened(api);
    await waitFor(() => expect(screen.getAllByTestId('tree-item').length).toBeGreaterThan(0));
    fireEvent.contextMenu(screen.getByTestId('detail-tree').querySelector('[data-field="ip"]')!);
    fireEvent.click(screen.getByText('Apply as Filter'));
    await waitFor(() =>
      expect(
        api.calls.some((c) => c.method === 'applyFilter' && (c.req as { expr: string }).expr === 'ip'),
      ).toBe(true),
    );
  });

  it('filter bar: live colours, error message, Enter applies, Esc clears', async () => {
    const api = fakeApi(100);
    await opened(api);
    const input = screen.getByTestId('filter-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'bogus' } });
    await waitFor(() => expect(input.className).toContain('status-error'));
    expect(screen.getByTestId('filter-status').textContent).toContain('neither a field');
    expect(screen.getByTestId('filter-status').querySelector('u')?.textContent).toBe('bogus');
    fireEvent.change(input, { target: { value: 'no<11' } });
    await waitFor(() => expect(input.className).toContain('status-ok'));
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('status-bar').textContent).toContain('Displayed: 10 '));
    fireEvent.keyDown(input, { key: 'Escape' });
    await waitFor(() => expect(screen.getByTestId('status-bar').textContent).toContain('Displayed: 100 '));
    expect(input.value).toBe('');
  });

  it('filter bar autocompletes field names', async () => {
    const api = fakeApi(10);
    await opened(api);
    const input = screen.getByTestId('filter-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'ip.s', selectionStart: 4 } });
    await waitFor(() => expect(screen.getByRole('listbox').textContent).toContain('ip.src'));
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Tab' });
    await waitFor(() => expect(input.value).toBe('ip.src'));
  });

  it('panels show the engine error when a feature is missing', async () => {
    const api = fakeApi(10);
    await opened(api);
    fireEvent.click(screen.getByTestId('open-objects'));
    await waitFor(() =>
      expect(screen.getByTestId('objects-panel').textContent).toContain('not available yet'),
    );
    fireEvent.click(screen.getByTestId('open-signatures'));
    await waitFor(() =>
      expect(screen.getByTestId('signatures-panel').textContent).toContain('not available yet'),
    );
    fireEvent.click(screen.getByTestId('open-hashing'));
    expect(screen.getByTestId('hashing-panel')).toBeTruthy();
  });

  it('Credentials: control characters of a password shown as escapes, set apart from typed text', async () => {
    const api = fakeApi(10);
    api.handle('credentials', () => [
      { frame: 4, protocol: 'Telnet', username: 'root', password: 'to\\or\r\n', info: 'typed' },
    ]);
    await opened(api);
    fireEvent.click(screen.getByTestId('open-credentials'));
    const row = await screen.findByTestId('credential-row');
    // The password's backslash was typed: plain text. Its CR LF did not print: one escape, styled apart.
    expect(row.querySelector('code')?.textContent).toBe('to\\or\\r\\n');
    const escapes = [...row.querySelectorAll('.esc')].map((e) => e.textContent);
    expect(escapes).toEqual(['\\r\\n']);
  });

  it('Close returns to the welcome screen', async () => {
    const api = fakeApi(10);
    await opened(api);
    fireEvent.click(screen.getByTestId('close-capture'));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'close')).toBe(true));
    act(() => api.emit('closed', null));
    await waitFor(() => expect(screen.getByTestId('welcome')).toBeTruthy());
  });

  it('the status bar Time selector changes the Time column, names it in the header, and is remembered', async () => {
    localStorage.removeItem('wirelens.timeFormat');
    const api = fakeApi(50);
    const store = await opened(api);
    const cells = () => screen.getAllByTestId('time-cell').map((c) => c.textContent);
    const header = () => screen.getByRole('columnheader', { name: 'Time' });
    // Default: seconds since the first packet, at the packet's precision (µs).
    expect(cells().slice(0, 3)).toEqual(['0.000000', '0.001000', '0.002000']);
    expect(header().getAttribute('title')).toContain('Seconds Since Beginning of Capture');
    const select = screen.getByTestId('time-format') as HTMLSelectElement;
    expect(select.value).toBe('r');
    fireEvent.change(select, { target: { value: 'ud' } });
    await waitFor(() => expect(cells()[2]).toBe('2004-12-05 19:16:24.002000'));
    expect(header().getAttribute('title')).toContain('UTC Date and Time of Day');
    expect(localStorage.getItem('wirelens.timeFormat')).toBe('ud');
    expect(store.getState().timeFormat).toBe('ud');
    fireEvent.change(select, { target: { value: 'e' } });
    await waitFor(() => expect(cells()[0]).toBe('1102274184.000000'));
    fireEvent.change(select, { target: { value: 'bogus' } });
    expect(store.getState().timeFormat).toBe('e');
    cleanup();
    // A new window starts with the remembered format.
    await opened(fakeApi(5));
    expect((screen.getByTestId('time-format') as HTMLSelectElement).value).toBe('e');
    localStorage.removeItem('wirelens.timeFormat');
  });

  it('Ctrl+Alt+Shift+digit (what the Electron View › Time Display Format items send) picks a format', async () => {
    localStorage.removeItem('wirelens.timeFormat');
    const store = await opened(fakeApi(5));
    const panes = () => screen.queryAllByTestId('packet-row').length;
    const before = panes();
    fireEvent.keyDown(window, { code: 'Digit8', key: '8', ctrlKey: true, altKey: true, shiftKey: true });
    await waitFor(() => expect(store.getState().timeFormat).toBe('ud'));
    fireEvent.keyDown(window, { code: 'Digit0', key: ')', ctrlKey: true, altKey: true, shiftKey: true });
    await waitFor(() => expect(store.getState().timeFormat).toBe('u'));
    fireEvent.keyDown(window, { code: 'Digit1', key: '1', ctrlKey: true, altKey: true, shiftKey: true });
    await waitFor(() => expect(store.getState().timeFormat).toBe('ad'));
    // The packet list pane (Ctrl+Alt+1 without Shift) stayed.
    expect(panes()).toBe(before);
    localStorage.removeItem('wirelens.timeFormat');
  });

  it('theme toggle switches the document theme', async () => {
    mount(fakeApi(1));
    const before = document.documentElement.dataset.theme;
    fireEvent.click(screen.getByTestId('theme-toggle'));
    await waitFor(() => expect(document.documentElement.dataset.theme).not.toBe(before));
  });
});

describe('helpers', () => {
  it('wordAt finds the field fragment before the caret', () => {
    expect(wordAt('tcp && ip.sr', 12)).toEqual({ start: 7, word: 'ip.sr' });
    expect(wordAt('(http', 5)).toEqual({ start: 1, word: 'http' });
  });
  it('follow helpers: stream index from the tree, printable text', () => {
    const tree = [
      {
        id: 0,
        label: 'TCP',
        field: 'tcp',
        src: 0,
        off: 0,
        len: 20,
        children: [
          { id: 1, label: 'Stream index: 7', field: 'tcp.stream', value: '7', src: 0, off: 0, len: 0 },
        ],
      },
    ];
    expect(streamOf(tree, 'tcp')).toBe(7);
    expect(streamOf(tree, 'udp')).toBeUndefined();
    expect(asText(new Uint8Array([71, 69, 84, 0, 10, 255]))).toBe('GET.\n.');
  });
  it('sortAnalyses puts mismatches first', () => {
    const mk = (index: number, verdict: 'match' | 'mismatch' | 'unknown') =>
      ({ object: { index }, signature: { verdict } }) as unknown as ObjectAnalysis;
    expect(
      sortAnalyses([mk(0, 'match'), mk(1, 'unknown'), mk(2, 'mismatch')]).map((a) => a.object.index),
    ).toEqual([2, 1, 0]);
  });
});
