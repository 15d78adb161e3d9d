import { describe, expect, it } from 'vitest';
import { createAppStore, PAGE, type AppStore } from './store.js';
import { fakeApi, type FakeApi } from '../test/fake-api.js';
import type { CaptureInfo } from '../../core/api/types.js';

const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle(n = 8): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

/** Grows the fake capture and sends `grown` as the service does, then lets the store catch up. */
async function grow(api: FakeApi, packets: number): Promise<void> {
  api.grow(packets);
  api.emit('grown', { packets });
  await settle();
}

async function opened(total: number): Promise<{ api: FakeApi; store: AppStore }> {
  const api = fakeApi(total);
  const store = createAppStore(api);
  store.getState().init();
  await store.getState().open('/cases/x.pcap');
  await settle();
  return { api, store };
}

describe('a growing capture (grown events)', () => {
  it('updates the counts, refetches the short last page, keeps the selection and the view', async () => {
    const { api, store } = await opened(150);
    store.getState().ensureRows(0, 50);
    await settle();
    expect(store.getState().pages.get(0)?.length).toBe(150);
    await store.getState().select(4);
    const view = store.getState().view;
    await grow(api, 450);
    let s = store.getState();
    expect([s.displayed, s.total, s.info?.packets]).toEqual([450, 450, 450]);
    expect(s.view).toBe(view); // not a new view: no scroll reset, no lost rows
    expect([s.selectedPos, s.selectedNo]).toEqual([4, 5]);
    expect(s.row(3)?.no).toBe(4); // the old rows stay shown while the page is fetched again
    s.ensureRows(140, 80); // pages 0 (short) and 1 (new)
    await settle();
    s = store.getState();
    expect(s.pages.get(0)?.length).toBe(PAGE);
    expect(s.row(160)?.no).toBe(161);
    expect(s.row(399)?.no).toBe(400);
    // Events for counts already known cost nothing.
    const calls = api.calls.length;
    api.emit('grown', { packets: 450 });
    await settle();
    expect(api.calls.length).toBe(calls);
  });

  it('with a display filter, new matching packets join the view', async () => {
    const { api, store } = await opened(100);
    await store.getState().applyFilter('no<300');
    expect(store.getState().displayed).toBe(100);
    await grow(api, 250);
    expect([store.getState().displayed, store.getState().total]).toEqual([250, 250]);
    await grow(api, 1000);
    expect([store.getState().displayed, store.getState().total]).toEqual([299, 1000]);
    expect(store.getState().appliedFilter).toBe('no<300');
  });

  it('many events while a refresh runs end in one more refresh with the final counts', async () => {
    const { api, store } = await opened(10);
    const before = api.calls.filter((c) => c.method === 'rows').length;
    for (let n = 20; n <= 200; n += 20) {
      api.grow(n);
      api.emit('grown', { packets: n });
    }
    await settle(20);
    expect(store.getState().total).toBe(200);
    expect(api.calls.filter((c) => c.method === 'rows').length - before).toBeLessThanOrEqual(3);
  });

  it('a sorted view takes new packets in, in order, keeping the selected packet', async () => {
    const { api, store } = await opened(50);
    await store.getState().select(9); // packet 10
    await store.getState().sortBy('length');
    await store.getState().sortBy('length'); // descending
    await grow(api, 80);
    const s = store.getState();
    expect(s.sorted?.length).toBe(80);
    expect(s.row(0)?.no).toBe(80);
    expect(s.row(s.selectedPos)?.no).toBe(10);
  });

  it('progressive open: the answer to open arriving after grown never shrinks the counts', async () => {
    const api = fakeApi(100);
    const store = createAppStore(api);
    store.getState().init();
    let first: CaptureInfo | undefined;
    // Like the service: opened (first 16 MB), grown while the rest is indexed, then the answer to open.
    api.handle('open', ({ path }) => {
      first = {
        path,
        name: 'big.pcap',
        size: 1 << 30,
        format: 'pcap',
        gzip: false,
        interfaces: [],
        packets: 100,
        bytes: 1e4,
        warnings: [],
        openId: 7,
        complete: false,
      };
      api.emit('opened', first);
      api.grow(300);
      api.emit('grown', { packets: 300 });
      return first;
    });
    await store.getState().open('/cases/big.pcap');
    await settle();
    expect([store.getState().displayed, store.getState().total]).toEqual([300, 300]);
    expect(store.getState().selectedNo).toBe(1);
    // A filter applied while indexing goes on covers the packets that come later.
    await store.getState().applyFilter('no<5000');
    expect(store.getState().displayed).toBe(300);
    await grow(api, 6000);
    expect([store.getState().displayed, store.getState().total]).toEqual([4999, 6000]);
    // The final update of the same open (indexing done).
    api.emit('opened', { ...first!, packets: 6000, complete: true });
    await settle();
    const s = store.getState();
    expect([s.displayed, s.total, s.info?.complete, s.appliedFilter]).toEqual([4999, 6000, true, 'no<5000']);
    expect(s.selectedNo).toBe(1);
  });
});

describe('live capture', () => {
  it('lists interfaces, starts, grows, polls HTTP requests without repeats, stops and saves', async () => {
    const api = fakeApi(0);
    const store = createAppStore(api);
    store.getState().init();
    await store.getState().loadInterfaces();
    expect(store.getState().interfaces?.map((i) => i.name)).toEqual(['eth0', 'lo']);
    expect(await store.getState().startCapture('lo', ' tcp port 80 ')).toBe(true);
    expect(api.calls.find((c) => c.method === 'startCapture')?.req).toEqual({
      iface: 'lo',
      filter: 'tcp port 80',
    });
    let s = store.getState();
    expect(s.live).toMatchObject({ iface: 'lo', filter: 'tcp port 80' });
    expect(s.info?.path).toMatch(/live-lo\.pcap$/);
    expect(s.displayed).toBe(0);
    await grow(api, 35);
    expect(store.getState().httpRows.map((r) => r.frame)).toEqual([10, 20, 30]);
    expect(store.getState().displayed).toBe(35);
    await grow(api, 52);
    expect(store.getState().httpRows.map((r) => r.frame)).toEqual([10, 20, 30, 40, 50]);
    const afters = api.calls
      .filter((c) => c.method === 'httpRequests')
      .map((c) => (c.req as { after: number }).after);
    expect(afters[0]).toBe(0);
    expect(afters.at(-1)).toBeGreaterThanOrEqual(35);
    await store.getState().stopCapture('/cases/kept.pcap');
    s = store.getState();
    expect(s.live).toBeNull();
    expect(s.liveResult).toMatchObject({ packets: 52, savedAs: '/cases/kept.pcap', iface: 'lo' });
    expect(s.liveError).toBeNull();
    expect(s.info).not.toBeNull(); // the capture stays open after stop
  });

  it('a page (re)loaded during a capture adopts it when Start says one is running, so Stop works', async () => {
    const api = fakeApi(40);
    const store = createAppStore(api);
    store.getState().init();
    await store.getState().open('/tmp/wirelens-live-ab/live-lo.pcap');
    api.handle('startCapture', () => {
      throw new Error('a live capture is already running; stop it first');
    });
    expect(await store.getState().startCapture('eth0')).toBe(false);
    expect(store.getState().live?.iface).toBe('lo');
    expect(store.getState().liveError).toMatch(/already running/);
    await grow(api, 60);
    expect(store.getState().httpRows.map((r) => r.frame)).toEqual([10, 20, 30, 40, 50, 60]);
    await store.getState().stopCapture();
    expect(store.getState().live).toBeNull();
    expect(store.getState().liveResult?.packets).toBe(60);
  });

  it('shows why a capture cannot start, whole; a capture that dies says why; a failed save says so', async () => {
    const api = fakeApi(0);
    const store = createAppStore(api);
    store.getState().init();
    const why =
      'No permission to capture on eth0. Capturing needs the right to open raw sockets. Either run as root, ' +
      'or … `sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/dumpcap`';
    api.handle('startCapture', () => {
      throw new Error(why);
    });
    expect(await store.getState().startCapture('eth0')).toBe(false);
    expect(store.getState().liveError).toBe(why);
    expect(store.getState().live).toBeNull();
    expect(store.getState().liveBusy).toBeNull();
    api.handle('startCapture', undefined);
    // Stopped by the service with an error (e.g. the interface went away).
    const api2 = fakeApi(0);
    const store2 = createAppStore(api2);
    store2.getState().init();
    await store2.getState().startCapture('eth0');
    await grow(api2, 3);
    api2.emit('captureStopped', { packets: 3, error: 'Capture on eth0 failed: interface went down' });
    expect(store2.getState().live).toBeNull();
    expect(store2.getState().liveError).toMatch(/interface went down/);
    // Saving onto an existing file fails: the capture has stopped, and the error says where.
    const api3 = fakeApi(0);
    const store3 = createAppStore(api3);
    store3.getState().init();
    await store3.getState().startCapture('lo');
    api3.handle('stopCapture', () => {
      throw new Error("EEXIST: file already exists, copyfile '/tmp/a' -> '/cases/x.pcap'");
    });
    await store3.getState().stopCapture('/cases/x.pcap');
    expect(store3.getState().live).toBeNull();
    expect(store3.getState().liveError).toMatch(/^Could not save to \/cases\/x\.pcap: EEXIST/);
  });
});
