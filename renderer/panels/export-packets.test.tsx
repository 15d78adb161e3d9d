// @vitest-environment jsdom
/** The Export Specified Packets dialog over the fake API: what it asks the engine for, and what it shows. */
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, stubLayout } from '../test/mount.js';
import { fakeApi } from '../test/fake-api.js';

afterEach(cleanup);
stubLayout();

async function openedWithFilter() {
  const api = fakeApi(300);
  const store = mountApp(api);
  await act(async () => {
    await store.getState().open('/cases/web.pcap');
  });
  await act(async () => {
    await store.getState().applyFilter('no<11');
  });
  await waitFor(() => expect(store.getState().displayed).toBe(10));
  return { api, store };
}

describe('Export Specified Packets dialog', () => {
  it('exports the displayed packets by default and shows path, count and SHA-256', async () => {
    const { api } = await openedWithFilter();
    api.handle('exportPackets', ({ path, format }) => ({
      path,
      format: format ?? 'pcapng',
      packets: 10,
      bytes: 1234,
      sha256: 'ab'.repeat(32),
      notes: format === 'pcap' ? ['the comments of 2 packets are not in it (pcap cannot hold them)'] : [],
    }));
    fireEvent.click(screen.getByTestId('open-export-packets'));
    const dialog = screen.getByTestId('export-packets-dialog');
    expect(dialog.textContent).toContain('Displayed (10)');
    expect(dialog.textContent).toContain('All captured (300)');
    expect(dialog.textContent).toContain('no<11');
    fireEvent.change(screen.getByTestId('export-path'), { target: { value: '/cases/out.pcapng' } });
    fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'pcap' } });
    expect((screen.getByTestId('export-path') as HTMLInputElement).value).toBe('/cases/out.pcap');
    fireEvent.click(screen.getByTestId('export-packets-go'));
    await waitFor(() => expect(screen.getByTestId('export-packets-result')).toBeTruthy());
    expect(api.calls.filter((c) => c.method === 'exportPackets').map((c) => c.req)).toEqual([
      { path: '/cases/out.pcap', which: 'displayed', format: 'pcap' },
    ]);
    const result = screen.getByTestId('export-packets-result').textContent ?? '';
    expect(result).toContain('Wrote 10 packets to /cases/out.pcap');
    expect(result).toContain('ab'.repeat(32));
    expect(screen.getByTestId('export-packets-note').textContent).toBe(
      'Not carried over: the comments of 2 packets are not in it (pcap cannot hold them)',
    );
  });

  it('sends All and a range when chosen, shows the engine refusing, and closes on Escape', async () => {
    const { api } = await openedWithFilter();
    api.handle('exportPackets', ({ path }) => {
      throw new Error(`${path} already exists: Wirelens never overwrites a file; choose a new name`);
    });
    fireEvent.click(screen.getByTestId('open-export-packets'));
    fireEvent.click(screen.getByTestId('export-which-all'));
    fireEvent.change(screen.getByTestId('export-range'), { target: { value: ' 1-5,9 ' } });
    fireEvent.change(screen.getByTestId('export-path'), { target: { value: '/cases/web.pcap' } });
    fireEvent.keyDown(screen.getByTestId('export-path'), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('export-packets-error')).toBeTruthy());
    expect(screen.getByTestId('export-packets-error').textContent).toContain('never overwrites');
    expect(api.calls.filter((c) => c.method === 'exportPackets').map((c) => c.req)).toEqual([
      { path: '/cases/web.pcap', which: 'all', format: 'pcapng', range: '1-5,9' },
    ]);
    // An empty path is caught before asking the engine.
    fireEvent.change(screen.getByTestId('export-path'), { target: { value: ' ' } });
    fireEvent.click(screen.getByTestId('export-packets-go'));
    await waitFor(() =>
      expect(screen.getByTestId('export-packets-error').textContent).toMatch(/Enter the path/),
    );
    fireEvent.keyDown(screen.getByTestId('export-packets-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('export-packets-dialog')).toBeNull();
  });
});
