// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, stubLayout } from '../test/mount.js';
import type { Req, Res } from '../../core/api/methods.js';
import { fakeApi } from '../test/fake-api.js';

afterEach(cleanup);
stubLayout();

/** The fake api answers `find` like the service: the next packet after `from` whose number is a multiple of 7. */
function api() {
  const a = fakeApi(50);
  const base = a.call.bind(a);
  const finds: Req<'find'>[] = [];
  a.call = (async (method: string, req: never) => {
    if (method !== 'find') return base(method as 'info', req);
    const r = req as Req<'find'>;
    finds.push(r);
    if (r.kind === 'filter' && r.query === 'htp')
      return {
        ok: false,
        error: { message: '"htp" is neither a field nor a protocol name.', span: [0, 3] },
      } satisfies Res<'find'>;
    for (let k = 1; k <= 50; k++) {
      const no = ((r.from + (r.backwards ? -k : k) - 1 + 50) % 50) + 1;
      if (no % 7 === 0) return { ok: true, no, wrapped: r.backwards ? no > r.from : no < r.from };
    }
    return { ok: true, no: null, wrapped: true };
  }) as typeof a.call;
  return { a, finds };
}

describe('Find bar', () => {
  it('opens with Ctrl+F, finds after the selected packet, selects it, wraps, and shows filter errors', async () => {
    const { a, finds } = api();
    const store = mountApp(a);
    await act(async () => {
      await store.getState().open('/cases/web.pcap');
    });
    expect(screen.queryByTestId('find-bar')).toBeNull();
    fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    const input = await screen.findByTestId('find-input');
    fireEvent.change(input, { target: { value: 'GIF89a' } });
    const before = store.getState().selectedNo ?? 0;
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(store.getState().selectedNo).toBe(7));
    await waitFor(() => expect(screen.getByTestId('find-status').textContent).toBe('Packet 7'));
    expect(finds[0]).toEqual({ kind: 'string', query: 'GIF89a', from: before });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('find-status').textContent).toBe('Packet 14'));
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(store.getState().selectedNo).toBe(7));
    await waitFor(() => expect(screen.getByTestId('find-status').textContent).toBe('Packet 7'));
    expect(finds[2]).toMatchObject({ from: 14, backwards: true });
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(store.getState().selectedNo).toBe(49));
    await waitFor(() =>
      expect(screen.getByTestId('find-status').textContent).toMatch(/^Packet 49 .*wrapped past the first/),
    );

    fireEvent.change(screen.getByTestId('find-kind'), { target: { value: 'filter' } });
    fireEvent.change(input, { target: { value: 'htp' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByTestId('find-status').textContent).toBe(
        '"htp" is neither a field nor a protocol name.',
      ),
    );
    expect(input.className).toMatch(/status-error/);
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('find-bar')).toBeNull();
  });
});

describe('View > panes', () => {
  it('hides and shows the list, details and bytes panes (buttons and Ctrl+Alt+1/2/3), never all three', async () => {
    globalThis.localStorage?.clear();
    const store = mountApp(fakeApi(20));
    await act(async () => {
      await store.getState().open('/cases/web.pcap');
    });
    await waitFor(() => expect(screen.getByTestId('detail-tree')).toBeTruthy());
    fireEvent.click(screen.getByTestId('pane-details'));
    expect(screen.queryByTestId('detail-tree')).toBeNull();
    expect(screen.getByTestId('pane-details').getAttribute('aria-pressed')).toBe('false');
    fireEvent.keyDown(window, { key: '3', ctrlKey: true, altKey: true });
    expect(screen.queryByTestId('hex-dump')).toBeNull();
    // The list is the last pane shown: it stays.
    fireEvent.keyDown(window, { key: '1', ctrlKey: true, altKey: true });
    expect(screen.getByTestId('packet-list')).toBeTruthy();
    fireEvent.click(screen.getByTestId('pane-details'));
    fireEvent.click(screen.getByTestId('pane-bytes'));
    expect(screen.getByTestId('detail-tree')).toBeTruthy();
    expect(screen.getByTestId('hex-dump')).toBeTruthy();
  });
});
