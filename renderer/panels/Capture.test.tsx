// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp as mount, stubLayout } from '../test/mount.js';

import { fakeApi, type FakeApi } from '../test/fake-api.js';
import { fmtElapsed, isLoopback } from './Capture.js';

afterEach(cleanup);

stubLayout();

async function grow(api: FakeApi, packets: number): Promise<void> {
  await act(async () => {
    api.grow(packets);
    api.emit('grown', { packets });
    for (let i = 0; i < 8; i++) await new Promise((r) => setTimeout(r, 0));
  });
}

describe('Capture panel', () => {
  it('lists interfaces, captures live with a filter, shows HTTP requests and the count, stops and saves', async () => {
    const api = fakeApi(0);
    mount(api);
    fireEvent.click(screen.getByTestId('open-capture'));
    const panel = await screen.findByTestId('capture-panel');
    await waitFor(() => expect(screen.getAllByTestId('capture-iface')).toHaveLength(2));
    const lo = screen.getAllByTestId('capture-iface')[1];
    expect(lo.textContent).toContain('Loopback');
    expect(lo.textContent).toContain('loopback');
    expect(screen.getAllByTestId('capture-iface')[0].textContent).not.toContain('loopback');
    // The first non-loopback interface is preselected.
    expect((screen.getAllByRole('radio')[0] as HTMLInputElement).checked).toBe(true);
    fireEvent.click(lo.querySelector('input')!);
    fireEvent.change(screen.getByTestId('capture-filter'), { target: { value: 'tcp port 8080' } });
    expect((screen.getByTestId('capture-stop') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('capture-start'));
    await waitFor(() =>
      expect(screen.getByTestId('status-live').textContent).toBe('● Capturing on lo — 0 packets'),
    );
    expect(api.calls.find((c) => c.method === 'startCapture')?.req).toEqual({
      iface: 'lo',
      filter: 'tcp port 8080',
    });
    expect((screen.getByTestId('capture-start') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('capture-filter') as HTMLInputElement).disabled).toBe(true);
    expect(panel.textContent).toContain('No HTTP requests seen yet');

    await grow(api, 25);
    await waitFor(() => expect(screen.getAllByTestId('http-request')).toHaveLength(2));
    expect(screen.getByTestId('status-live').textContent).toBe('● Capturing on lo — 25 packets');
    expect(screen.getByTestId('capture-count').textContent).toBe('25 packets');
    const first = screen.getAllByTestId('http-request')[0];
    expect(Array.from(first.querySelectorAll('td')).map((td) => td.textContent)).toEqual([
      '0.010',
      '10.0.0.1',
      'GET',
      'example.test',
      'http://example.test/p10',
    ]);
    // The packet list grew too.
    await waitFor(() => expect(screen.getByTestId('packet-list').getAttribute('aria-rowcount')).toBe('25'));
    await grow(api, 31);
    await waitFor(() => expect(screen.getAllByTestId('http-request')).toHaveLength(3));

    // Clicking a request selects its packet.
    fireEvent.click(screen.getAllByTestId('http-request')[2]);
    await waitFor(() =>
      expect(
        document.querySelector('[data-testid=packet-row][aria-selected=true]')?.getAttribute('data-no'),
      ).toBe('30'),
    );

    fireEvent.change(screen.getByTestId('capture-save-as'), { target: { value: '/cases/kept.pcap' } });
    fireEvent.click(screen.getByTestId('capture-stop'));
    await waitFor(() =>
      expect(screen.getByTestId('capture-saved').textContent).toContain('/cases/kept.pcap'),
    );
    expect(screen.getByTestId('capture-saved').textContent).toContain('Saved 31 packets');
    expect(screen.queryByTestId('status-live')).toBeNull();
    expect(api.calls.find((c) => c.method === 'stopCapture')?.req).toEqual({ saveAs: '/cases/kept.pcap' });
    expect((screen.getByTestId('capture-start') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows why capturing is not permitted, whole and preformatted, and nothing breaks', async () => {
    const api = fakeApi(0);
    const why =
      'No permission to capture on eth0. Capturing needs the right to open raw sockets. Either run as root, or let ' +
      'dumpcap capture for you: `sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/dumpcap` and ' +
      '`sudo usermod -aG wireshark $USER` (Debian: `sudo dpkg-reconfigure wireshark-common`, answer yes), then ' +
      'log out and in again.';
    api.handle('startCapture', () => {
      throw new Error(why);
    });
    mount(api);
    fireEvent.click(screen.getByTestId('open-capture'));
    await waitFor(() => expect(screen.getAllByTestId('capture-iface')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('capture-start'));
    const err = await screen.findByTestId('capture-error');
    expect(err.tagName).toBe('PRE');
    expect(err.textContent).toBe(why);
    expect(screen.queryByTestId('status-live')).toBeNull();
    expect((screen.getByTestId('capture-start') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('welcome')).toBeTruthy();
  });

  it('Ctrl+E (Capture > Start…) opens the panel', async () => {
    mount(fakeApi(0));
    expect(screen.queryByTestId('capture-panel')).toBeNull();
    fireEvent.keyDown(window, { key: 'e', ctrlKey: true });
    expect(await screen.findByTestId('capture-panel')).toBeTruthy();
  });

  it('says so when no interface can be listed', async () => {
    const api = fakeApi(0);
    api.handle('interfaces', () => {
      throw new Error('dumpcap -D failed');
    });
    mount(api);
    fireEvent.click(screen.getByTestId('open-capture'));
    await waitFor(() =>
      expect(screen.getByTestId('capture-panel').textContent).toContain('dumpcap -D failed'),
    );
    expect((screen.getByTestId('capture-start') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('capture helpers', () => {
  it('formats elapsed time and recognises loopback interfaces', () => {
    expect(fmtElapsed(0)).toBe('0:00');
    expect(fmtElapsed(75.9)).toBe('1:15');
    expect(fmtElapsed(3725)).toBe('1:02:05');
    expect(isLoopback({ name: 'lo' })).toBe(true);
    expect(isLoopback({ name: '\\Device\\NPF_Loopback', description: 'Adapter for loopback traffic' })).toBe(
      true,
    );
    expect(isLoopback({ name: 'eth0' })).toBe(false);
    expect(isLoopback({ name: 'local0' })).toBe(false);
  });
});
