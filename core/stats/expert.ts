/**
 * Analyze › Expert Information: every expert item of the capture's packets (malformed data, TCP retransmissions
 * and resets, HTTP requests and responses, checksum errors, …) counted by severity, group, protocol and summary,
 * as `tshark -q -z expert` prints them: errors first, then warnings, notes, chats and comments, each entry in the
 * order it first appeared, with the packets it appeared in.
 */
import type { ExpertEntry } from '../api/types.js';
import type { Dissection, ExpertSeverity, Item } from '../dissect/types.js';
import type { CaptureSession } from '../session/session.js';

const SEVERITIES: readonly ExpertSeverity[] = ['error', 'warn', 'note', 'chat', 'comment'];
/** tshark's section titles. */
const SECTION: Record<ExpertSeverity, string> = {
  error: 'Errors',
  warn: 'Warns',
  note: 'Notes',
  chat: 'Chats',
  comment: 'Comments',
};

/** Protocols whose short name (the expert table's Protocol) is not their filter name in capitals. */
const SHORT_NAMES: Record<string, string> = {
  // Packet comments are expert items of the Frame.
  pkt_comment: 'Frame',
  ip: 'IPv4',
  ipv6: 'IPv6',
  icmpv6: 'ICMPv6',
  wlan: 'IEEE 802.11',
};

function shortName(abbrev: string): string {
  return SHORT_NAMES[abbrev] ?? abbrev.toUpperCase();
}

const MAX_SUMMARY = 239;
/** The layers of a datagram an ICMP error quotes, which sit in the ICMP layer's tree. */
const QUOTED = new Set(['ip', 'ipv6', 'udp', 'tcp', 'icmp', 'icmpv6']);

/** The packets an entry lists at most (the count goes on). */
const MAX_FRAMES = 10_000;

export class ExpertTally {
  private readonly entries = new Map<string, ExpertEntry>();

  add(d: Dissection): void {
    const no = d.frame.number;
    // The datagram an ICMP error quotes is not tapped (Wireshark's in_error_pkt): its headers, nested in the
    // ICMP layer, and the layers after them.
    let quoted = false;
    const walk = (item: Item, layer: string) => {
      if (item.parent && QUOTED.has(item.field.abbrev)) {
        quoted = true;
        return;
      }
      if (item.expert) this.count(item.expert.severity, item.expert.group, layer, item.expert.message, no);
      for (const child of item.children ?? []) walk(child, layer);
    };
    // A top-level protocol item opens a layer, whose items are its; what lies between layers ("Malformed
    // Packet", reassembly's lines) belongs to the layer before it.
    let layer = '';
    for (const it of d.tree) {
      if (quoted) break;
      if (it.field.kind === 'protocol' && !it.field.abbrev.startsWith('_ws.')) layer = it.field.abbrev;
      walk(it, layer);
    }
  }

  private count(
    severity: ExpertSeverity,
    group: string,
    layer: string,
    summary: string,
    frame: number,
  ): void {
    const protocol = shortName(layer);
    // Wireshark's expert text is a label (ITEM_LABEL_LENGTH): 239 characters at most.
    summary = summary.slice(0, MAX_SUMMARY);
    const key = `${severity}\u0000${group}\u0000${protocol}\u0000${summary}`;
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { severity, group, protocol, summary, count: 1, frames: [frame] });
      return;
    }
    e.count++;
    if (e.frames.length < MAX_FRAMES && e.frames[e.frames.length - 1] !== frame) e.frames.push(frame);
  }

  /** Every entry, errors first, each severity's in the order first seen. */
  list(): ExpertEntry[] {
    const all = [...this.entries.values()];
    return SEVERITIES.flatMap((s) => all.filter((e) => e.severity === s));
  }
}

export function expertInfo(session: CaptureSession, signal?: AbortSignal): ExpertTally {
  const t = new ExpertTally();
  session.scan(0, session.total, 'all', (_i, d) => t.add(d), signal);
  return t;
}

const groupName = (g: string) => `${g[0].toUpperCase()}${g.slice(1)}`;

/** `tshark -q -z expert` text: a section per severity present, "Frequency Group Protocol Summary" rows. */
export function expertText(entries: readonly ExpertEntry[]): string {
  let out = '';
  for (const s of SEVERITIES) {
    const rows = entries.filter((e) => e.severity === s);
    if (!rows.length) continue;
    const total = rows.reduce((n, e) => n + e.count, 0);
    out += `\n${SECTION[s]} (${total})\n=============\n`;
    out += `${'Frequency'.padStart(12)}  ${'Group'.padStart(9)}  ${'Protocol'.padStart(17)}  Summary\n`;
    for (const e of rows)
      out += `${String(e.count).padStart(12)}  ${groupName(e.group).padStart(9)}  ${e.protocol.padStart(17)}  ${e.summary}\n`;
  }
  return out;
}
