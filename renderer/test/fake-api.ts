/** An in-memory WirelensApi for renderer unit tests: N synthetic packets, a tiny filter ("no<K"), a tree. */
import type { ApiEvents, EventName, MethodName, Req, Res, WirelensApi } from '../../core/api/methods.js';
import type { CaptureInfo, HttpRequestRow, PacketDetail, PacketRow } from '../../core/api/types.js';

import { fakeConversationCounts, fakeConversations, fakePhs } from './fake-stats.js';

export interface FakeApi extends WirelensApi {
  calls: { method: MethodName; req: unknown }[];
  emit<E extends EventName>(e: E, p: ApiEvents[E]): void;
  /** The capture grows to `packets` (an applied "no<K" filter extends to the new ones); no event is sent. */
  grow(packets: number): void;
  /** Replaces (or removes, with undefined) a method's handler, e.g. to make startCapture fail. */
  handle<M extends MethodName>(method: M, fn: ((req: Req<M>) => Res<M>) | undefined): void;
}

/** Fake HTTP requests: every 10th packet is a GET. */
export function fakeHttp(no: number): HttpRequestRow {
  return {
    frame: no,
    time: no / 1000,
    method: 'GET',
    host: 'example.test',
    uri: `/p${no}`,
    url: `http://example.test/p${no}`,
    source: '10.0.0.1',
  };
}

/** Frame 1 arrives at 2004-12-05 19:16:24 UTC; each next one a millisecond later. */
const T0 = 1_102_274_184;

export function makeRow(no: number): PacketRow {
  const at = (n: number) => ({ s: T0, ns: (n - 1) * 1_000_000 });
  return {
    no,
    time: no / 1000,
    ts: at(no),
    tsDigits: 6,
    firstTs: at(1),
    prevTs: at(Math.max(1, no - 1)),
    prevDisplayedTs: at(Math.max(1, no - 1)),
    source: '10.0.0.1',
    destination: '10.0.0.2',
    protocol: no % 2 ? 'TCP' : 'HTTP',
    length: 60 + no,
    info: `packet ${no}`,
    color: no % 2 ? 'TCP' : 'HTTP',
  };
}

export function makeDetail(no: number): PacketDetail {
  const bytes = new Uint8Array(54).map((_, i) => i);
  return {
    no,
    sources: [
      { name: `Frame (${bytes.length} bytes)`, bytes },
      { name: 'Reassembled TCP', bytes: new Uint8Array([1, 2, 3]) },
    ],
    tree: [
      { id: 0, label: `Frame ${no}`, field: 'frame', src: 0, off: 0, len: 54 },
      {
        id: 1,
        label: 'Internet Protocol Version 4',
        field: 'ip',
        filter: 'ip',
        src: 0,
        off: 14,
        len: 20,
        children: [
          {
            id: 2,
            label: 'Source Address: 10.0.0.1',
            field: 'ip.src',
            filter: 'ip.src == 10.0.0.1',
            value: '10.0.0.1',
            src: 0,
            off: 26,
            len: 4,
          },
          {
            id: 3,
            label: 'Destination Address: 10.0.0.2',
            field: 'ip.dst',
            filter: 'ip.dst == 10.0.0.2',
            value: '10.0.0.2',
            src: 0,
            off: 30,
            len: 4,
          },
        ],
      },
      { id: 4, label: 'Reassembled body', field: 'http.file_data', src: 1, off: 0, len: 3 },
    ],
  };
}

export function fakeApi(total = 1000): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let view: number[] | null = null;
  let filterMax = 0;
  const fire = <E extends EventName>(e: E, p: ApiEvents[E]) => {
    for (const fn of listeners.get(e) ?? []) fn(p);
  };
  let opened: CaptureInfo | null = null;
  const calls: { method: MethodName; req: unknown }[] = [];
  const info = (path: string): CaptureInfo => ({
    path,
    name: path.split('/').pop() ?? path,
    size: 1234,
    format: 'pcap',
    gzip: false,
    interfaces: [],
    packets: total,
    bytes: total * 100,
    warnings: [],
  });
  const handlers: { [M in MethodName]?: (req: Req<M>) => Res<M> } = {
    open: ({ path }) => (opened = info(path)),
    info: () => opened,
    recent: () => ['/cases/a.pcap'],
    samplePath: () => '/app/assets/sample.pcapng',
    rows: ({ start, count }) => {
      const n = view ? view.length : total;
      const rows: PacketRow[] = [];
      for (let i = start; i < Math.min(n, start + count); i++) rows.push(makeRow(view ? view[i] : i + 1));
      return { rows, displayed: n, total };
    },
    packet: ({ no }) => makeDetail(no),
    indexOf: ({ no }) => (view ? view.indexOf(no) : no >= 1 && no <= total ? no - 1 : -1),
    validateFilter: ({ expr }) =>
      /^no<\d+$/.test(expr)
        ? { status: 'ok', errors: [], warnings: [] }
        : {
            status: 'error',
            errors: [
              { message: `"${expr}" is neither a field nor a protocol name.`, span: [0, expr.length] },
            ],
            warnings: [],
          },
    applyFilter: ({ expr }) => {
      if (expr === '') {
        view = null;
        return { ok: true, expr, displayed: total, total, warnings: [], ms: 1 };
      }
      const m = /^no<(\d+)$/.exec(expr);
      if (!m) return { ok: false, expr, error: { message: 'bad filter', span: [0, expr.length] } };
      view = [];
      filterMax = Number(m[1]);
      for (let i = 1; i < Math.min(total + 1, filterMax); i++) view.push(i);
      return { ok: true, expr, displayed: view.length, total, warnings: [], ms: 2 };
    },
    completeFilter: ({ prefix }) =>
      ['ip.src', 'ip.dst', 'ip.addr']
        .filter((f) => f.startsWith(prefix))
        .map((abbrev) => ({ abbrev, name: abbrev, kind: 'ipv4' })),
    cancel: () => null,
    conversations: ({ type }) => ({ ...fakeConversations(type), counts: fakeConversationCounts() }),
    phs: () => fakePhs(),
    close: () => ((opened = null), null),
    interfaces: () => [{ name: 'eth0' }, { name: 'lo', description: 'Loopback' }],
    startCapture: ({ iface }) => {
      total = 0;
      view = null;
      opened = { ...info(`/tmp/wirelens-live-x/live-${iface}.pcap`), openId: 1000 };
      fire('opened', opened); // like the service: the live file opens as the current capture
      return opened;
    },
    stopCapture: ({ saveAs }) => {
      fire('captureStopped', { packets: total });
      return { packets: total, path: opened?.path ?? '', ...(saveAs ? { savedAs: saveAs } : {}) };
    },
    httpRequests: ({ after }) => {
      const rows: HttpRequestRow[] = [];
      for (let no = after + 1; no <= total; no++) if (no % 10 === 0) rows.push(fakeHttp(no));
      return rows;
    },
  };
  return {
    calls,
    async call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>> {
      calls.push({ method, req });
      const h = handlers[method] as ((r: Req<M>) => Res<M>) | undefined;
      if (!h) throw new Error(`${method} is not available yet`);
      await Promise.resolve();
      return h(req);
    },
    on<E extends EventName>(e: E, fn: (p: ApiEvents[E]) => void) {
      let s = listeners.get(e);
      if (!s) listeners.set(e, (s = new Set()));
      s.add(fn as (p: unknown) => void);
      return () => s.delete(fn as (p: unknown) => void);
    },
    emit: fire,
    grow(packets) {
      const before = total;
      total = packets;
      if (view) for (let i = before + 1; i <= total && i < filterMax; i++) view.push(i);
    },
    handle(method, fn) {
      (handlers as Record<string, unknown>)[method] = fn;
    },
    async dropFile(file: File) {
      return `/uploads/${file.name}`;
    },
  };
}
