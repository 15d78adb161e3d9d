/**
 * The service contract shared by the CLI, the Electron IPC bridge, the web host and the renderer.
 * Types only (plus the method table in ./methods.ts and the pure Time column formatter in ./time-format.ts): the
 * renderer imports nothing else from core.
 * Every value here is structured-clone and JSON friendly except Uint8Array (the web host encodes it).
 */

import type { RowTimes } from './time-format.js';

export interface Diagnostic {
  message: string;
  /** [start, end) character offsets into the filter text. */
  span: [number, number];
}

export interface InterfaceInfo {
  id: number;
  linkType: number;
  linkTypeName: string;
  name?: string;
  description?: string;
  snaplen?: number;
}

/** What Follow Stream follows: TCP or UDP payload, HTTP messages, or TLS's decrypted application data. */
export type FollowProto = 'tcp' | 'udp' | 'http' | 'tls';

export interface CaptureInfo {
  path: string;
  name: string;
  /** File size in bytes (the compressed size for .gz). */
  size: number;
  format: 'pcap' | 'pcap-nsec' | 'pcapng';
  gzip: boolean;
  interfaces: InterfaceInfo[];
  packets: number;
  /** Sum of captured lengths. */
  bytes: number;
  /** Epoch seconds (with fraction) of the first and last packet, when any. */
  firstTime?: number;
  lastTime?: number;
  duration?: number;
  /** SHA-256 of the capture file as stored on disk (chain of custody); absent until computed. */
  sha256?: string;
  /** Problems met while reading, e.g. a truncated last record (with its byte offset). */
  warnings: string[];
  /** Changes with every open: later updates of the same open (hash, indexing done) carry the same id. */
  openId?: number;
  /** False while the rest of a large file is still being indexed in the background. */
  complete?: boolean;
  /**
   * The TLS key log the user gave to decrypt with, when one is: its name (the file's path on the CLI), how many
   * secrets it holds and its SHA-256 (the report records what decrypted the evidence).
   */
  tlsKeyLog?: { name: string; secrets: number; sha256: string };
  /** TLS secrets the capture itself carries (pcapng Decryption Secrets Blocks), used to decrypt, when any. */
  tlsSecretsInCapture?: number;
}

export interface Progress {
  phase: 'index' | 'analyse' | 'filter' | 'export' | 'hash';
  done: number;
  total: number;
}

/**
 * One row of the packet list. Its Time column comes from the RowTimes fields (exact epoch seconds + nanoseconds,
 * and the times the delta formats need): formatRowTime (./time-format.ts) turns them into any display format.
 */
export interface PacketRow extends RowTimes {
  no: number;
  /** Seconds since the first packet (a float: for sorting and quick use; the Time column uses the RowTimes). */
  time: number;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  /** Name of the Wireshark colouring rule that applies (e.g. "HTTP", "TCP", "Bad TCP"), if any. */
  color?: string;
}

export interface RowsResult {
  /** Rows [start, start+count) of the current view (fewer at the end). */
  rows: PacketRow[];
  /** Packets in the current view (after the filter) and in the capture. */
  displayed: number;
  total: number;
}

export type ExpertLevel = 'comment' | 'chat' | 'note' | 'warn' | 'error';

export interface TreeNode {
  /** Unique within one PacketDetail (pre-order position). */
  id: number;
  /** The tree text; for generated items without Wireshark's [brackets], which the UI adds. */
  label: string;
  /** Field abbreviation (`tcp.srcport`), for "Apply as Filter" and "Copy field name". */
  field: string;
  /** A filter expression selecting this value (`tcp.srcport == 80`), when the field is filterable. */
  filter?: string;
  /** The value as text (for "Copy value"). */
  value?: string;
  /** Data source index and byte range (for hex highlighting). */
  src: number;
  off: number;
  len: number;
  generated?: boolean;
  expert?: { level: ExpertLevel; message: string };
  children?: TreeNode[];
}

export interface ByteSource {
  name: string;
  bytes: Uint8Array;
}

export interface PacketDetail {
  no: number;
  tree: TreeNode[];
  sources: ByteSource[];
}

export type FilterOutcome =
  | { ok: true; expr: string; displayed: number; total: number; warnings: Diagnostic[]; ms: number }
  | { ok: false; expr: string; error: Diagnostic };

export interface Validation {
  status: 'empty' | 'ok' | 'warn' | 'error';
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface Completion {
  abbrev: string;
  name: string;
  kind: string;
}

/** A credential sent in the clear (Tools › Credentials): where, by which protocol, and what. */
/** Analyze › Expert Information: one kind of expert item and how often (and where) the capture has it. */
export interface ExpertEntry {
  severity: 'comment' | 'chat' | 'note' | 'warn' | 'error';
  /** Wireshark's expert group: 'sequence', 'malformed', 'protocol', 'checksum', … */
  group: string;
  /** The protocol's short name, as in the Protocol column: TCP, HTTP, IPv4, … */
  protocol: string;
  summary: string;
  count: number;
  /** The packets it is in, ascending (the first 10 000). */
  frames: number[];
}

/**
 * One TLS handshake (Statistics › TLS Handshakes): who opened it to whom, what the client asked for and offered
 * (server name, protocols, its JA3 fingerprint), what the server chose (version, cipher suite, JA3S) and the
 * certificate it sent. Fields the capture does not show (a lost hello, an encrypted TLS 1.3 certificate) are
 * empty.
 */
export interface TlsHandshake {
  /** The packet of the ClientHello (or of the first handshake message seen). */
  frame: number;
  /** The display filter for the session's packets ("tcp.stream == 3", "udp.stream == 1"). */
  filter: string;
  client: string;
  server: string;
  sni: string;
  /** The protocols the client offered (ALPN), comma-separated. */
  alpn: string;
  ja3: string;
  ja3Full: string;
  /** The version the server chose ("TLS 1.3"). */
  version: string;
  cipherSuite: string;
  ja3s: string;
  /** The server certificate's subject and issuer ("id-at-commonName=…,…"), and its validity. */
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

/** An address the capture itself names: an A or AAAA record's owner (Statistics › Resolved Addresses). */
export interface ResolvedHost {
  address: string;
  name: string;
  /**
   * The packet whose record gave the name (the last one, when several named the address); absent when the
   * name came from the capture file's own Name Resolution Block (what the capturing host's resolver knew).
   */
  frame?: number;
}

export interface Credential {
  frame: number;
  /**
   * "FTP", "POP3", "IMAP", "HTTP basic auth", "HTTP proxy basic auth", "HTTP form", "HTTP query", "HTTP JSON",
   * "SMTP", "NTLMSSP", "Telnet", "Kerberos", "LDAP", "SNMP" (a community: the password), "SNMPv3".
   */
  protocol: string;
  username: string;
  password: string;
  /** The packet with the username, when it came in another one (FTP USER, SMTP AUTH LOGIN). */
  usernameFrame?: number;
  info: string;
  /**
   * No password travels, but something a password list can be tried against does, in hashcat's form (the mode
   * in `info`): an NTLMv2 response (5600, user::domain:challenge:proof:blob), a Kerberos AS-REP or service ticket
   * encrypted with RC4 (18200, 13100) or an AES pre-authentication timestamp (19800, 19900).
   */
  hash?: string;
  /** The server refused the login (a Telnet login answered "Login incorrect"): a wrong guess, not the password. */
  rejected?: boolean;
}

/**
 * Which File > Export Objects list: HTTP bodies, e-mails sent over SMTP (IMF, as `tshark --export-objects imf`),
 * files TFTP transferred (`tshark --export-objects tftp`), files FTP data connections moved (`ftp-data`), or
 * files SMB2 read or wrote (`smb`).
 */
export type ObjectProtocol = 'http' | 'imf' | 'tftp' | 'ftp-data' | 'smb';

/** One exportable object: an HTTP body, or an e-mail (then `from`, `to` and `subject` are set; host and URI empty). */
export interface HttpObject {
  /** Position in the object list (0-based). */
  index: number;
  /** Frame where the response completed. */
  frame: number;
  /** Frame of the matching request, when seen. */
  requestFrame?: number;
  host: string;
  contentType: string;
  size: number;
  /** File name as tshark's --export-objects would write it. */
  filename: string;
  uri: string;
  source: string;
  destination: string;
  /** E-mails: the message's From, To and Subject headers. */
  from?: string;
  to?: string;
  subject?: string;
}

export interface Hashes {
  md5: string;
  sha1: string;
  sha256: string;
}

export type HashVerdict = 'known-bad' | 'known-good' | 'unknown';

export interface TextEncodingInfo {
  encoding:
    | 'utf-8-bom'
    | 'utf-16le-bom'
    | 'utf-16be-bom'
    | 'utf-32le-bom'
    | 'utf-32be-bom'
    | 'utf-16le'
    | 'utf-16be'
    | 'utf-8'
    | 'ascii'
    | 'windows-1252'
    | 'binary';
  /** Hashes of the decoded text as UTF-8 without BOM, when the data is text. */
  textHashes?: Hashes;
}

export interface SignatureInfo {
  /** Detected type from magic bytes, e.g. { ext: 'png', mime: 'image/png' }; absent when unknown. */
  detected?: { ext: string; mime: string; description?: string };
  extension: string;
  contentType?: string;
  /** 'match' | 'mismatch' | 'unknown'. */
  verdict: 'match' | 'mismatch' | 'unknown';
  reason?: string;
}

export interface ObjectAnalysis {
  /** The list the object is in: an HTTP body, or a file TFTP, FTP or SMB moved. */
  protocol: 'http' | 'tftp' | 'ftp-data' | 'smb';
  object: HttpObject;
  hashes: Hashes;
  signature: SignatureInfo;
  encoding: TextEncodingInfo;
  hashSet: HashVerdict;
}

export interface ExportResult {
  dir: string;
  written: { index: number; filename: string; path: string; size: number; sha256: string }[];
  failed: { index: number; filename: string; reason: string }[];
  /** The report files written beside the objects (report.json, report.csv; report(1).json, … when taken). */
  reports?: string[];
}

/** File > Export Specified Packets: the new capture file written. */
export interface PacketExportResult {
  /** Absolute path of the new file (on the host). */
  path: string;
  format: 'pcapng' | 'pcap';
  packets: number;
  /** Size of the file. */
  bytes: number;
  /** SHA-256 of the file, computed while writing it. */
  sha256: string;
  /** What the source had that the new file does not carry (pcap: packet comments, decryption secrets). */
  notes: string[];
}

export interface GifFinding {
  frame: number;
  source: string;
  destination: string;
  uri: string;
  line: string;
}

export interface FollowSegment {
  /** 0 = client → server (first sender), 1 = server → client. */
  dir: 0 | 1;
  frame: number;
  bytes: Uint8Array;
}

export interface FollowResult {
  stream: number;
  proto: FollowProto;
  client: string;
  server: string;
  segments: FollowSegment[];
}

export interface FileHashResult {
  name: string;
  size: number;
  hashes: Hashes;
  encoding: TextEncodingInfo;
  signature: SignatureInfo;
  hashSet: HashVerdict;
}

export interface LiveInterfaceInfo {
  name: string;
  description?: string;
}

/** One HTTP request, as the live "HTTP requests" view (and the course's sniffer) shows it. */
export interface HttpRequestRow {
  frame: number;
  /** Seconds since the first packet. */
  time: number;
  method: string;
  host: string;
  uri: string;
  url: string;
  source: string;
}

// ── statistics ──────────────────────────────────────────────────────────────────────────────────────────

export type ConvType = 'eth' | 'ip' | 'ipv6' | 'tcp' | 'udp';

export interface Conversation {
  type: ConvType;
  a: string;
  b: string;
  /** Ports for tcp/udp. */
  portA?: number;
  portB?: number;
  /** Stream index for tcp/udp when the dissector assigns one. */
  stream?: number;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  /** Seconds since the first packet of the capture, and duration. */
  start: number;
  duration: number;
}

export interface Endpoint {
  type: ConvType;
  address: string;
  port?: number;
  framesTx: number;
  bytesTx: number;
  framesRx: number;
  bytesRx: number;
}

/** One node of the protocol hierarchy (frames and bytes of frames whose protocol path passes through it). */
export interface PhsNode {
  name: string;
  frames: number;
  bytes: number;
  children: PhsNode[];
}

export interface ConversationStats {
  type: ConvType;
  conversations: Conversation[];
  endpoints: Endpoint[];
  /** How many conversations and endpoints every type has (counted in the same pass; Wireshark's "IPv4 · 12"). */
  counts?: Partial<Record<ConvType, { conversations: number; endpoints: number }>>;
}

// ── find packet (Edit > Find Packet) ───────────────────────────────────────────────────────────────────

/** What Find Packet searches for: a display filter, a string in the packet bytes, or a hex byte sequence. */
export type FindKind = 'filter' | 'string' | 'hex';

export interface FindRequest {
  kind: FindKind;
  query: string;
  /** The selected packet number; the search starts after it (before it, backwards). 0: from the start/end. */
  from: number;
  backwards?: boolean;
  /** String searches only (default false, like Wireshark). */
  caseSensitive?: boolean;
}

export type FindResult =
  | {
      ok: true;
      /** Matching packet number, or null when no displayed packet matches. */ no: number | null;
      wrapped: boolean;
    }
  | { ok: false; error: Diagnostic };
