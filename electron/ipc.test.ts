import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from '../core/api/methods.js';
import { createBridge } from './bridge.js';
import { channelFor, EVENT_CHANNEL, forwardEvents, registerIpc, type IpcEventLike } from './ipc.js';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle(channel: string, fn: Listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
}

/** A valid request per method, and invalid ones that must never reach the service. */
const VALID: { [M in MethodName]: unknown } = {
  open: { path: '/tmp/a.pcap' },
  close: {},
  info: {},
  rows: { start: 0, count: 10 },
  packet: { no: 1 },
  credentials: {},
  hosts: {},
  expert: {},
  tls: {},
  applyFilter: { expr: 'tcp' },
  validateFilter: { expr: 'tcp' },
  completeFilter: { prefix: 'tc' },
  indexOf: { no: 1 },
  cancel: {},
  objects: {},
  objectBytes: { index: 0 },
  analyseObjects: {},
  exportObjects: { dir: '/tmp/out' },
  exportPackets: { path: '/tmp/out.pcapng', which: 'displayed' },
  gifs: {},
  hashFile: { name: 'a', bytes: new Uint8Array([1]) },
  tlsKeyLog: { name: 'keys.log', text: 'CLIENT_RANDOM …' },
  follow: { stream: 0 },
  recent: {},
  samplePath: {},
  interfaces: {},
  startCapture: { iface: 'lo' },
  stopCapture: {},
  httpRequests: { after: 0 },
  conversations: { type: 'tcp' },
  phs: {},
  find: { kind: 'string', query: 'GET', from: 0 },
};
const INVALID_COMMON: unknown[] = [undefined, null, 'x', 42, [], { extra: 1 }];
const INVALID_SPECIFIC: { [M in MethodName]?: unknown[] } = {
  open: [{ path: 5 }, {}, { path: 'x'.repeat(5000) }],
  rows: [
    { start: -1, count: 1 },
    { start: 0, count: 1e9 },
    { start: 0.5, count: 1 },
  ],
  packet: [{ no: 0 }, { no: '1' }],
  applyFilter: [{ expr: 1 }],
  validateFilter: [{}],
  completeFilter: [{ prefix: null }],
  indexOf: [{ no: -3 }],
  objectBytes: [{ index: -1 }],
  exportObjects: [{ dir: 1 }, { dir: '/x', indices: [-1] }, { dir: '/x', indices: 'all' }],
  exportPackets: [
    { path: '/x.pcapng' },
    { path: 1, which: 'all' },
    { path: '/x.pcapng', which: 'selected' },
    { path: '/x.pcapng', which: 'all', format: 'erf' },
    { path: '/x.pcapng', which: 'all', range: 5 },
  ],
  hashFile: [{ name: 'a', bytes: [1, 2] }, { name: 'a' }],
  tlsKeyLog: [{ name: 'k' }, { name: 1, text: '' }, { name: 'k', text: 'x'.repeat((64 << 20) + 1) }],
  follow: [{ stream: 0, proto: 'sctp' }, { stream: -1 }],
  conversations: [{}, { type: 'sctp' }, { type: 1 }, { type: 'tcp', displayed: 1 }],
  phs: [{ displayed: 'yes' }],
  find: [
    { kind: 'regex', query: 'x', from: 0 },
    { kind: 'hex', query: 'x', from: -1 },
    { kind: 'string', query: 'x', from: 0, backwards: 'yes' },
  ],
};

describe('electron IPC', () => {
  it('registers exactly one channel per allow-listed method', () => {
    const ipc = fakeIpcMain();
    const dispose = registerIpc(ipc, { call: async () => null as never }, () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelFor).sort());
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it.each(METHOD_NAMES)('channel %s rejects invalid arguments and untrusted senders', async (m) => {
    const ipc = fakeIpcMain();
    const calls: unknown[] = [];
    registerIpc(
      ipc,
      {
        call: async (method: MethodName, req: unknown) => {
          calls.push([method, req]);
          return 'ok' as never;
        },
      },
      (url) => url === 'file:///app/index.html',
    );
    const h = ipc.handlers.get(channelFor(m))!;
    const trusted = { senderFrame: { url: 'file:///app/index.html' } };
    for (const bad of [...INVALID_COMMON, ...(INVALID_SPECIFIC[m] ?? [])]) {
      if (
        Object.keys(VALID[m] as object).length === 0 &&
        bad !== null &&
        typeof bad === 'object' &&
        !Array.isArray(bad) &&
        Object.keys(bad).length === 0
      )
        continue;
      await expect(Promise.resolve().then(() => h(trusted, bad))).rejects.toThrow();
    }
    await expect(Promise.resolve().then(() => h(trusted, VALID[m], 'second'))).rejects.toThrow(/exactly one/);
    await expect(
      Promise.resolve().then(() => h({ senderFrame: { url: 'https://evil.example/' } }, VALID[m])),
    ).rejects.toThrow(/refused/);
    await expect(Promise.resolve().then(() => h({ senderFrame: null }, VALID[m]))).rejects.toThrow(/refused/);
    expect(calls).toEqual([]);
    await expect(Promise.resolve().then(() => h(trusted, VALID[m]))).resolves.toBe('ok');
    expect(calls).toEqual([[m, VALID[m]]]);
  });

  it('forwards service events on one channel', () => {
    const subs = new Map<string, (p: unknown) => void>();
    const sent: unknown[] = [];
    forwardEvents(
      { on: (e, fn) => (subs.set(e, fn as (p: unknown) => void), () => subs.delete(e)) },
      (ch, msg) => sent.push([ch, msg]),
    );
    subs.get('progress')?.({ phase: 'index', done: 1, total: 2 });
    expect(sent).toEqual([
      [EVENT_CHANNEL, { event: 'progress', payload: { phase: 'index', done: 1, total: 2 } }],
    ]);
  });
});

describe('preload bridge', () => {
  it('invokes only allow-listed channels and filters events by name', async () => {
    const invoked: unknown[] = [];
    const listeners: ((e: unknown, msg: unknown) => void)[] = [];
    const api = createBridge(
      {
        invoke: async (ch, ...args) => (invoked.push([ch, ...args]), 'r'),
        on: (_ch, fn) => listeners.push(fn),
        removeListener: (_ch, fn) => listeners.splice(listeners.indexOf(fn), 1),
      },
      { getPathForFile: (f) => (f.name === 'nopath' ? '' : `/home/u/${f.name}`) },
    );
    expect(Object.isFrozen(api)).toBe(true);
    await expect(api.call('rows', { start: 0, count: 1 })).resolves.toBe('r');
    expect(invoked).toEqual([['wirelens:rows', { start: 0, count: 1 }]]);
    await expect(api.call('evil' as MethodName, {} as never)).rejects.toThrow(/unknown method/);
    expect(invoked.length).toBe(1);
    const got: unknown[] = [];
    const off = api.on('opened', (p) => got.push(p));
    listeners.forEach((l) => l(null, { event: 'progress', payload: 1 }));
    listeners.forEach((l) => l(null, { event: 'opened', payload: 2 }));
    expect(got).toEqual([2]);
    off();
    expect(listeners.length).toBe(0);
    expect(() => api.on('secret' as 'opened', () => undefined)).toThrow();
    await expect(api.dropFile!({ name: 'a.pcap' } as File)).resolves.toBe('/home/u/a.pcap');
    await expect(api.dropFile!({ name: 'nopath' } as File)).rejects.toThrow();
  });
});
