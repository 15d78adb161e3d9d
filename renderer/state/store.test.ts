import { describe, expect, it } from 'vitest';
import { createAppStore, PAGE } from './store.js';
import { deepestAt, flattenVisible } from './tree.js';
import { fakeApi, makeDetail } from '../test/fake-api.js';
import { computeWindow, MAX_PX, scrollFor } from '../panes/useVirtual.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('app store', () => {
  it('opens a capture, pages rows in and selects the first packet', async () => {
    const api = fakeApi(1000);
    const store = createAppStore(api);
    store.getState().init();
    await store.getState().open('/cases/x.pcap');
    const s = store.getState();
    expect(s.info?.name).toBe('x.pcap');
    expect(s.displayed).toBe(1000);
    s.ensureRows(0, 50);
    s.ensureRows(10, 50); // same page: no second request
    await tick();
    expect(
      api.calls.filter((c) => c.method === 'rows' && (c.req as { count: number }).count === PAGE),
    ).toHaveLength(1);
    expect(store.getState().row(0)?.no).toBe(1);
    await tick();
    expect(store.getState().selectedNo).toBe(1);
    expect(store.getState().detail?.no).toBe(1);
  });

  it('applies a filter, keeps the selected packet when it stays in view, records history', async () => {
    const api = fakeApi(1000);
    const store = createAppStore(api);
    await store.getState().open('/cases/x.pcap');
    await store.getState().select(9);
    expect(store.getState().selectedNo).toBe(10);
    const view0 = store.getState().view;
    await store.getState().applyFilter('no<100');
    let s = store.getState();
    expect(s.displayed).toBe(99);
    expect(s.view).toBeGreaterThan(view0);
    expect(s.selectedPos).toBe(9);
    expect(s.appliedFilter).toBe('no<100');
    expect(s.history[0]).toBe('no<100');
    await store.getState().applyFilter('no<5');
    s = store.getState();
    expect(s.displayed).toBe(4);
    expect(s.selectedNo).toBe(1); // packet 10 left the view: the first one is selected
  });

  it('keeps the applied display filter for the next capture opened, as Wireshark does', async () => {
    const api = fakeApi(1000);
    const store = createAppStore(api);
    await store.getState().open('/cases/x.pcap');
    await store.getState().applyFilter('no<100');
    await store.getState().open('/cases/y.pcap');
    for (let k = 0; k < 5; k++) await tick();
    const s = store.getState();
    expect(s.info?.name).toBe('y.pcap');
    expect(s.appliedFilter).toBe('no<100');
    expect(s.filterText).toBe('no<100');
    expect(s.displayed).toBe(99);
    expect(api.calls.filter((c) => c.method === 'applyFilter')).toHaveLength(2);
    expect(s.selectedNo).toBe(1);
  });

  it('a filter applied while the capture still opens stays in the filter bar, with no error', async () => {
    const api = fakeApi(1000);
    const store = createAppStore(api);
    const opening = store.getState().open('/cases/x.pcap');
    const applying = store.getState().applyFilter('no<100');
    await Promise.all([opening, applying]);
    for (let k = 0; k < 5; k++) await tick();
    const s = store.getState();
    expect([s.filterText, s.appliedFilter, s.filterError, s.displayed]).toEqual([
      'no<100',
      'no<100',
      null,
      99,
    ]);
  });

  it('a rejected filter keeps the view and reports the error', async () => {
    const store = createAppStore(fakeApi(100));
    await store.getState().open('/x.pcap');
    await store.getState().applyFilter('garbage ==');
    const s = store.getState();
    expect(s.displayed).toBe(100);
    expect(s.filterError).toBe('bad filter');
    expect(s.validation?.status).toBe('error');
    store.getState().setFilterText('no<3');
    expect(store.getState().filterError).toBeNull();
  });

  it('validates live, ignoring stale answers', async () => {
    const store = createAppStore(fakeApi(10));
    const a = store.getState().validate('nope');
    const b = store.getState().validate('no<3');
    await Promise.all([a, b]);
    expect(store.getState().validation?.status).toBe('ok');
    await store.getState().validate('');
    expect(store.getState().validation?.status).toBe('empty');
  });

  it('byte → deepest tree item, expanding its parents; item → its data source tab', async () => {
    const store = createAppStore(fakeApi(10));
    await store.getState().open('/x.pcap');
    await tick();
    store.getState().selectByte(0, 28);
    expect(store.getState().selectedNode).toBe(2);
    expect(store.getState().expanded.has('ip')).toBe(true);
    store.getState().selectNode(4);
    expect(store.getState().sourceTab).toBe(1);
    store.getState().toggle(1, false);
    expect(store.getState().expanded.has('ip')).toBe(false);
  });

  it('Expand All / Collapse All and an item’s subtrees, as Wireshark’s tree menu has them', async () => {
    const store = createAppStore(fakeApi(10));
    await store.getState().open('/x.pcap');
    await tick();
    const keys = () => [...store.getState().expanded].sort();
    store.getState().expandTree(null, true);
    const all = keys();
    expect(all.length).toBeGreaterThan(0);
    store.getState().expandTree(null, false);
    expect(keys()).toEqual([]);
    const first = store.getState().detail?.tree.find((n) => n.children?.length);
    expect(first).toBeDefined();
    store.getState().expandTree(first?.id ?? -1, true);
    expect(keys().length).toBeGreaterThan(0);
    expect(keys().every((k) => all.includes(k))).toBe(true);
  });

  it('go to packet, and events from the host', async () => {
    const api = fakeApi(500);
    const store = createAppStore(api);
    store.getState().init();
    await store.getState().open('/x.pcap');
    expect(await store.getState().goTo(321)).toBe(true);
    expect(store.getState().selectedPos).toBe(320);
    expect(await store.getState().goTo(9999)).toBe(false);
    expect(store.getState().error).toMatch(/not in the current view/);
    api.emit('progress', { phase: 'filter', done: 5, total: 10 });
    expect(store.getState().progress?.done).toBe(5);
    api.emit('progress', { phase: 'filter', done: 10, total: 10 });
    expect(store.getState().progress).toBeNull();
    api.emit('closed', null);
    expect(store.getState().info).toBeNull();
    expect(store.getState().displayed).toBe(0);
  });

  it('a dropped file is uploaded then opened', async () => {
    const api = fakeApi(5);
    const store = createAppStore(api);
    await store.getState().openFile(new File([new Uint8Array([1])], 'drop.pcap'));
    expect(api.calls.find((c) => c.method === 'open')?.req).toEqual({ path: '/uploads/drop.pcap' });
    expect(store.getState().info?.name).toBe('drop.pcap');
  });
});

describe('sorting', () => {
  it('sorts the whole view by a column, cycles asc → desc → capture order, keeps the selection', async () => {
    const api = fakeApi(300);
    const store = createAppStore(api);
    await store.getState().open('/x.pcap');
    await store.getState().select(4); // packet 5
    await store.getState().sortBy('length');
    let s = store.getState();
    expect(s.sort).toEqual({ key: 'length', dir: 1 });
    expect(s.row(0)?.no).toBe(1);
    await store.getState().sortBy('length');
    s = store.getState();
    expect(s.row(0)?.no).toBe(300);
    expect(s.row(s.selectedPos)?.no).toBe(5);
    // Protocol: strings, ties broken by packet number (descending here).
    await store.getState().sortBy('protocol');
    expect(store.getState().row(0)?.protocol).toBe('HTTP');
    expect(await store.getState().goTo(7)).toBe(true);
    expect(store.getState().row(store.getState().selectedPos)?.no).toBe(7);
    // A filter keeps the sort.
    await store.getState().applyFilter('no<50');
    expect(store.getState().sorted?.length).toBe(49);
    expect(store.getState().sort?.key).toBe('protocol');
    await store.getState().sortBy('protocol');
    await store.getState().sortBy('protocol');
    expect(store.getState().sort).toBeNull();
    expect(store.getState().row(0)?.no).toBeUndefined(); // back to paged rows (not fetched yet)
  });
});

describe('tree helpers', () => {
  const d = makeDetail(1);
  it('flattens only expanded subtrees', () => {
    expect(flattenVisible(d.tree, new Set()).map((f) => f.node.id)).toEqual([0, 1, 4]);
    expect(flattenVisible(d.tree, new Set(['ip'])).map((f) => f.node.id)).toEqual([0, 1, 2, 3, 4]);
  });
  it('finds the deepest item covering a byte', () => {
    expect(deepestAt(d.tree, 0, 27)?.id).toBe(2);
    expect(deepestAt(d.tree, 0, 15)?.id).toBe(1);
    expect(deepestAt(d.tree, 0, 2)?.id).toBe(0);
    expect(deepestAt(d.tree, 1, 1)?.id).toBe(4);
    expect(deepestAt(d.tree, 0, 999)).toBeUndefined();
  });
});

describe('virtualisation window', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = computeWindow(100_000, 20, 20 * 5000, 400, 8);
    expect(w.first).toBe(5000 - 8);
    expect(w.count).toBeLessThanOrEqual(20 + 16 + 2);
    expect(w.top).toBe((5000 - 8) * 20);
  });
  it('scales beyond the browser height limit and still reaches the last row', () => {
    const rows = 5_000_000;
    const w0 = computeWindow(rows, 20, 0, 400);
    expect(w0.height).toBe(MAX_PX);
    const end = computeWindow(rows, 20, MAX_PX - 400, 400);
    expect(end.first + end.count).toBe(rows);
    const t = scrollFor(rows - 1, rows, 20, 0, 400);
    const at = computeWindow(rows, 20, t, 400);
    expect(at.first).toBeLessThanOrEqual(rows - 1);
    expect(at.first + at.count).toBe(rows);
  });
  it('keeps a visible row where it is', () => {
    expect(scrollFor(10, 1000, 20, 100, 400)).toBe(100);
    expect(scrollFor(2, 1000, 20, 100, 400)).toBe(40);
    expect(scrollFor(40, 1000, 20, 100, 400)).toBe(41 * 20 - 400);
  });
});
