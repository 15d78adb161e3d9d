/**
 * The one typed message map (Zui's idea): every service method with its request and response types, and a
 * run-time argument check used by the Electron main process and the web host before anything reaches the
 * session. Adding a method means adding it here; both transports and the renderer client follow.
 */
import type {
  CaptureInfo,
  Completion,
  Credential,
  ExportResult,
  FileHashResult,
  FilterOutcome,
  FollowProto,
  FollowResult,
  GifFinding,
  HttpObject,
  ObjectAnalysis,
  PacketDetail,
  Progress,
  RowsResult,
  Validation,
  LiveInterfaceInfo,
  HttpRequestRow,
  ConvType,
  ConversationStats,
  PhsNode,
  ResolvedHost,
  ExpertEntry,
  TlsHandshake,
  FindRequest,
  FindResult,
  ObjectProtocol,
  PacketExportResult,
} from './types.js';

export interface ApiMethods {
  open: { req: { path: string }; res: CaptureInfo };
  close: { req: Record<string, never>; res: null };
  info: { req: Record<string, never>; res: CaptureInfo | null };
  rows: { req: { start: number; count: number }; res: RowsResult };
  packet: { req: { no: number }; res: PacketDetail };
  applyFilter: { req: { expr: string }; res: FilterOutcome };
  validateFilter: { req: { expr: string }; res: Validation };
  completeFilter: { req: { prefix: string }; res: Completion[] };
  /** Position of packet `no` in the current view, or -1. */
  indexOf: { req: { no: number }; res: number };
  cancel: { req: Record<string, never>; res: null };
  /** File > Export Objects: the HTTP object list (default), the e-mails (`protocol: 'imf'`) or TFTP files. */
  objects: { req: { protocol?: ObjectProtocol }; res: HttpObject[] };
  objectBytes: { req: { index: number; protocol?: ObjectProtocol }; res: Uint8Array };
  analyseObjects: { req: Record<string, never>; res: ObjectAnalysis[] };
  /** Exports objects of one list (by index, or all; HTTP ones by content type too) with report.json/csv. */
  exportObjects: {
    req: { dir: string; indices?: number[]; type?: string; protocol?: ObjectProtocol };
    res: ExportResult;
  };
  /**
   * File > Export Specified Packets (`tshark -r IN -Y FILTER -w OUT`): the displayed packets (the applied display
   * filter's view) or all of them — only those of a packet range like "1-10,15,20-" when given — written to a new
   * capture file `path` on the host (pcapng by default), never overwriting a file nor the capture itself.
   */
  exportPackets: {
    req: { path: string; which: 'displayed' | 'all'; format?: 'pcapng' | 'pcap'; range?: string };
    res: PacketExportResult;
  };
  gifs: { req: Record<string, never>; res: { header: string; findings: GifFinding[]; lines: string[] } };
  hashFile: { req: { name: string; bytes: Uint8Array }; res: FileHashResult };
  /**
   * Edit › Preferences › TLS › key log: the text of a TLS key log (NSS format, as SSLKEYLOGFILE writes) to
   * decrypt with, besides the capture's own secrets; the open capture is dissected again with it (an empty
   * text forgets it). `name` is what the status bar shows.
   */
  tlsKeyLog: { req: { name: string; text: string }; res: CaptureInfo | null };
  follow: { req: { stream: number; proto?: FollowProto }; res: FollowResult };
  recent: { req: Record<string, never>; res: string[] };
  samplePath: { req: Record<string, never>; res: string };
  /** Capture interfaces (live capture). */
  interfaces: { req: Record<string, never>; res: LiveInterfaceInfo[] };
  /** Starts a live capture on `iface` (optional BPF filter); the capture opens and grows ("grown" events). */
  startCapture: { req: { iface: string; filter?: string }; res: CaptureInfo };
  /** Stops the live capture; with `saveAs`, copies it there (never overwriting). */
  stopCapture: { req: { saveAs?: string }; res: { packets: number; path: string; savedAs?: string } };
  /** HTTP requests seen in frames after `after` (the live "HTTP requests" view). */
  httpRequests: { req: { after: number }; res: HttpRequestRow[] };
  /**
   * Statistics > Conversations and Endpoints for one table type; `displayed`: only the packets of the applied
   * display filter (Wireshark's "Limit to display filter").
   */
  conversations: { req: { type: ConvType; displayed?: boolean }; res: ConversationStats };
  /** Statistics > Protocol Hierarchy: the root node (unnamed) and its tree; `displayed` as for conversations. */
  phs: { req: { displayed?: boolean }; res: PhsNode };
  /** Tools > Credentials: usernames and passwords sent in the clear (FTP, HTTP Basic, SMTP AUTH). */
  credentials: { req: Record<string, never>; res: Credential[] };
  /**
   * Statistics > Resolved Addresses: the names the capture gives addresses (DNS, mDNS, LLMNR A/AAAA records and
   * pcapng name records), IPv4 first.
   */
  hosts: { req: Record<string, never>; res: ResolvedHost[] };
  /** Analyze › Expert Information: the capture's expert items and packet comments, counted (errors first). */
  expert: { req: Record<string, never>; res: ExpertEntry[] };
  /** Statistics › TLS Handshakes: each handshake's ends, SNI, JA3/JA3S, version, suite and certificate. */
  tls: { req: Record<string, never>; res: TlsHandshake[] };
  /** Edit > Find Packet: the next/previous displayed packet matching a filter, string or hex bytes. */
  find: { req: FindRequest; res: FindResult };
}

export type MethodName = keyof ApiMethods;
export type Req<M extends MethodName> = ApiMethods[M]['req'];
export type Res<M extends MethodName> = ApiMethods[M]['res'];

export interface ApiEvents {
  progress: Progress;
  opened: CaptureInfo;
  closed: null;
  /** A live capture has more packets. */
  grown: { packets: number };
  /** A live capture stopped (by the user, by its count, or with an error message). */
  captureStopped: { packets: number; error?: string };
}
export type EventName = keyof ApiEvents;

/** Every event, for transports that forward them (worker, web host, Electron). */
export const EVENT_NAMES: readonly EventName[] = ['progress', 'opened', 'closed', 'grown', 'captureStopped'];

/** The client-side interface the renderer uses (Electron bridge or WebSocket). */
export interface WirelensApi {
  call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>>;
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void;
  /** Uploads a dropped file (web host) or resolves its path (Electron); returns a path the host can open. */
  dropFile?(file: File): Promise<string>;
}

// ── run-time argument validation ─────────────────────────────────────────────────────────────────────────
type Check = (v: unknown) => boolean;
const isStr =
  (max = 1 << 20): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;
const isInt =
  (min = 0, max = 2 ** 32): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const isBool: Check = (v) => typeof v === 'boolean';
const isBytes: Check = (v) => v instanceof Uint8Array;
const isIntList: Check = (v) => Array.isArray(v) && v.length <= 1e7 && v.every((x) => isInt()(x));
const isOneOf =
  (...vals: string[]): Check =>
  (v) =>
    typeof v === 'string' && vals.includes(v);

const SCHEMA: { [M in MethodName]: Record<string, Check> } = {
  open: { path: isStr(4096) },
  close: {},
  info: {},
  rows: { start: isInt(), count: isInt(0, 100_000) },
  packet: { no: isInt(1) },
  applyFilter: { expr: isStr() },
  validateFilter: { expr: isStr() },
  completeFilter: { prefix: isStr(1024) },
  indexOf: { no: isInt(1) },
  cancel: {},
  objects: { protocol: optional(isOneOf('http', 'imf', 'tftp', 'ftp-data', 'smb')) },
  objectBytes: { index: isInt(), protocol: optional(isOneOf('http', 'imf', 'tftp', 'ftp-data', 'smb')) },
  analyseObjects: {},
  exportObjects: {
    dir: isStr(4096),
    indices: optional(isIntList),
    type: optional(isStr(64)),
    protocol: optional(isOneOf('http', 'imf', 'tftp', 'ftp-data', 'smb')),
  },
  exportPackets: {
    path: isStr(4096),
    which: isOneOf('displayed', 'all'),
    format: optional(isOneOf('pcapng', 'pcap')),
    range: optional(isStr(4096)),
  },
  gifs: {},
  hashFile: { name: isStr(4096), bytes: isBytes },
  tlsKeyLog: { name: isStr(4096), text: isStr(64 << 20) },
  follow: { stream: isInt(), proto: optional(isOneOf('tcp', 'udp', 'http', 'tls')) },
  recent: {},
  samplePath: {},
  interfaces: {},
  startCapture: { iface: isStr(256), filter: optional(isStr(4096)) },
  stopCapture: { saveAs: optional(isStr(4096)) },
  httpRequests: { after: isInt() },
  conversations: { type: isOneOf('eth', 'ip', 'ipv6', 'tcp', 'udp'), displayed: optional(isBool) },
  phs: { displayed: optional(isBool) },
  credentials: {},
  hosts: {},
  expert: {},
  tls: {},
  find: {
    kind: isOneOf('filter', 'string', 'hex'),
    query: isStr(),
    from: isInt(),
    backwards: optional(isBool),
    caseSensitive: optional(isBool),
  },
};

export const METHOD_NAMES = Object.keys(SCHEMA) as MethodName[];

/** Returns an error message when `method`/`req` is not a valid call, else undefined. */
export function checkCall(method: unknown, req: unknown): string | undefined {
  if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMA, method)) {
    return `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`;
  }
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    return `${method}: arguments must be an object`;
  const schema = SCHEMA[method as MethodName];
  for (const key of Object.keys(req)) {
    if (!(key in schema)) return `${method}: unexpected argument ${JSON.stringify(key).slice(0, 80)}`;
  }
  for (const [key, check] of Object.entries(schema)) {
    if (!check((req as Record<string, unknown>)[key])) return `${method}: invalid argument ${key}`;
  }
  return undefined;
}
