// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../core/api/wire.js';
import { createWsClient, HOST_ERROR_EVENT } from './ws-client.js';

/** A fake WebSocket that answers calls with a handler, and can push events. */
function fakeSocketClass(handler: (msg: { id: number; method: string; req: unknown }) => unknown) {
  const sockets: FakeSocket[] = [];
  class FakeSocket {
    onopen: (() => void) | null = null;
    onmessage: ((ev: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    sent: string[] = [];
    constructor(public url: string) {
      sockets.push(this);
      setTimeout(() => this.onopen?.(), 0);
    }
    send(text: string) {
      this.sent.push(text);
      const msg = decodeWire(text) as { id: number; method: string; req: unknown };
      setTimeout(() => {
        try {
          this.onmessage?.({ data: encodeWire({ id: msg.id, ok: true, res: handler(msg) }) });
        } catch (e) {
          this.onmessage?.({ data: encodeWire({ id: msg.id, ok: false, error: (e as Error).message }) });
        }
      }, 0);
    }
    push(event: string, payload: unknown) {
      this.onmessage?.({ data: encodeWire({ event, payload }) });
    }
    close() {
      this.onclose?.();
    }
  }
  return { FakeSocket, sockets };
}

const loc = { protocol: 'http:', host: '127.0.0.1:4000', search: '?token=abc123' };

describe('WebSocket client', () => {
  it('connects with the page token, round-trips calls with bytes, and delivers events', async () => {
    const { FakeSocket, sockets } = fakeSocketClass((m) =>
      m.method === 'objectBytes' ? new Uint8Array([9, 8, 7]) : m.method === 'rows' ? { echo: m.req } : null,
    );
    const api = createWsClient({ location: loc, WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    expect(sockets[0].url).toBe('ws://127.0.0.1:4000/ws?token=abc123');
    expect(await api.call('rows', { start: 1, count: 2 })).toEqual({ echo: { start: 1, count: 2 } });
    const b = await api.call('objectBytes', { index: 0 });
    expect(b).toBeInstanceOf(Uint8Array);
    expect(Array.from(b)).toEqual([9, 8, 7]);
    const got: unknown[] = [];
    const off = api.on('progress', (p) => got.push(p));
    sockets[0].push('progress', { phase: 'index', done: 1, total: 2 });
    off();
    sockets[0].push('progress', { phase: 'index', done: 2, total: 2 });
    expect(got).toEqual([{ phase: 'index', done: 1, total: 2 }]);
  });

  it('rejects failed calls with the host message; host errors become a window event', async () => {
    const { FakeSocket, sockets } = fakeSocketClass(() => {
      throw new Error('rows: invalid argument start');
    });
    const api = createWsClient({ location: loc, WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    await expect(api.call('rows', { start: 0, count: 1 })).rejects.toThrow('rows: invalid argument start');
    const errors: unknown[] = [];
    window.addEventListener(HOST_ERROR_EVENT, (e) => errors.push((e as CustomEvent).detail));
    sockets[0].push('error', 'cannot open /x.pcap');
    expect(errors).toEqual(['cannot open /x.pcap']);
  });

  it('uploads dropped files with the token and returns the host path', async () => {
    const { FakeSocket } = fakeSocketClass(() => null);
    const requests: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return new Response(JSON.stringify({ path: '/tmp/wirelens-upload-x/1/my cap.pcap', size: 3 }));
    }) as unknown as typeof fetch;
    const api = createWsClient({
      location: loc,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      fetchImpl,
    });
    const path = await api.dropFile!(new File([new Uint8Array([1, 2, 3])], 'my cap.pcap'));
    expect(path).toBe('/tmp/wirelens-upload-x/1/my cap.pcap');
    expect(requests[0].url).toBe('/upload?name=my%20cap.pcap&token=abc123');
    expect(requests[0].init.method).toBe('POST');
  });
});
