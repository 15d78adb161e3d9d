/**
 * Syslog (UDP 514) as Wireshark 4.0 shows it: Info "AUTH.CRIT: Oct 11 22:14:15 mymachine su: 'su root' failed…",
 * the facility and level read from the <PRI>, and the message's parts as Wireshark finds them — an RFC 5424
 * message's version, timestamp, hostname, app name and process id (the rest as its "message id", as 4.0 has it),
 * or an RFC 3164 message's timestamp, hostname and tag. Logs sent over the network are evidence of what happened
 * on the machines that sent them (failed logins, su, service starts), often the only copy left.
 */
import { absTime, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { formatText } from '../fields/text.js';
import { bitPattern } from '../fields/format.js';
import { BoundsError, asciiText } from '../bytes/byteview.js';

const FACILITIES: [string, string][] = [
  ['KERN', 'kernel messages'],
  ['USER', 'random user-level messages'],
  ['MAIL', 'mail system'],
  ['DAEMON', 'system daemons'],
  ['AUTH', 'security/authorization messages'],
  ['SYSLOG', 'messages generated internally by syslogd'],
  ['LPR', 'line printer subsystem'],
  ['NEWS', 'network news subsystem'],
  ['UUCP', 'UUCP subsystem'],
  ['CRON', 'clock daemon (BSD, Linux)'],
  ['AUTHPRIV', 'security/authorization messages (private)'],
  ['FTP', 'ftp daemon'],
  ['NTP', 'ntp subsystem'],
  ['LOGAUDIT', 'log audit'],
  ['LOGALERT', 'log alert'],
  ['CRON', 'clock daemon (Solaris)'],
  ...Array.from({ length: 8 }, (_, i): [string, string] => [`LOCAL${i}`, 'reserved for local use']),
];

const LEVELS: [string, string][] = [
  ['EMERG', 'system is unusable'],
  ['ALERT', 'action must be taken immediately'],
  ['CRIT', 'critical conditions'],
  ['ERR', 'error conditions'],
  ['WARNING', 'warning conditions'],
  ['NOTICE', 'normal but significant condition'],
  ['INFO', 'informational'],
  ['DEBUG', 'debug-level messages'],
];

const named = (table: [string, string][]) => Object.fromEntries(table.map(([s, l], i) => [i, `${s} - ${l}`]));

const f = {
  facility: uint('syslog.facility', 'Facility', 8, { strings: named(FACILITIES) }),
  level: uint('syslog.level', 'Level', 8, { strings: named(LEVELS) }),
  msg: str('syslog.msg', 'Message'),
  version: str('syslog.version', 'Syslog version'),
  timestamp: absTime('syslog.timestamp', 'Syslog timestamp'),
  timestamp3164: str('syslog.timestamp_rfc3164', 'Syslog timestamp (RFC3164)'),
  hostname: str('syslog.hostname', 'Syslog hostname'),
  appname: str('syslog.appname', 'Syslog app name'),
  procid: str('syslog.procid', 'Syslog process id'),
  msgid: str('syslog.msgid', 'Syslog message id'),
  bom: uint('syslog.msgid.bom', 'Syslog BOM', 24, { base: 'hex' }),
};

const utf8 = new TextDecoder('utf-8');

/** An RFC 3339 timestamp ("2026-12-04T17:54:51.237663+00:00") as seconds and nanoseconds since the epoch. */
function iso8601(text: string): { s: number; ns: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(
    text,
  );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac = '', zone] = m;
  let s = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se) / 1000;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    s -= sign * (+digits.slice(0, 2) * 3600 + +digits.slice(2) * 60);
  }
  return { s, ns: +frac.padEnd(9, '0') };
}

defineProtocol({
  abbrev: 'syslog',
  name: 'Syslog message',
  registerIn: { 'udp.port': 514 },
  dissect(ctx) {
    ctx.columns.protocol = 'Syslog';
    const v = ctx.view;
    const b = v.bytes;
    let off = 0;
    let pri = -1;
    if (b[0] === 0x3c) {
      // <PRI>: at most three digits, then '>' (when there is one).
      off = 1;
      pri = 0;
      while (off < b.length && off <= 3 && b[off] >= 0x30 && b[off] <= 0x39) pri = pri * 10 + b[off++] - 0x30;
      if (v.u8(off) === 0x3e) off++;
    }
    const msgText = formatText(b, off);
    const fac = (pri & 0x3f8) >> 3;
    const lev = pri & 7;
    const head = pri < 0 ? '(unknown)' : `${FACILITIES[fac]?.[0] ?? 'UNKNOWN'}.${LEVELS[lev][0]}`;
    ctx.columns.info = pri < 0 ? msgText : `${head}: ${msgText}`;
    ctx.setLabel(ctx.top, () => `Syslog message: ${head}: ${msgText}`);
    if (pri >= 0) {
      const label = (mask: number, field: typeof f.facility, value: number) => () =>
        `${bitPattern(8, mask, pri & 0xff)} = ${field.name}: ${field.strings?.get(value) ?? 'Unknown'} (${value})`;
      ctx.add(f.facility, 0, off, fac, { label: label(0xf8, f.facility, fac) });
      ctx.add(f.level, 0, off, lev, { label: label(0x07, f.level, lev) });
    }
    const msg = ctx.add(f.msg, off, b.length - off, utf8.decode(b.subarray(off)));
    const msgLen = b.length - off;
    // RFC 5424 starts with its version, "1 "; otherwise it is probably RFC 3164.
    if (msgLen > 2 && b[off] === 0x31 && b[off + 1] === 0x20) rfc5424(ctx, off, msg);
    else if (msgLen > 15) rfc3164(ctx, off, msg);
  },
});

type Parent = { parent: ReturnType<DissectCtx['add']> };

/** A field up to the next space (false when there is none: the message ends there). */
function info(ctx: DissectCtx, at: { off: number }, field: typeof f.msg, o: Parent): boolean {
  const b = ctx.view.bytes;
  const end = b.indexOf(0x20, at.off);
  if (end < 0) return false;
  ctx.add(field, at.off, end - at.off, ctx.view.latin1(at.off, end - at.off), o);
  at.off = end + 1;
  return true;
}

function rfc5424(ctx: DissectCtx, start: number, parent: Parent['parent']): void {
  const v = ctx.view;
  const b = v.bytes;
  const o = { parent };
  const at = { off: start };
  if (!info(ctx, at, f.version, o)) return;
  const end = b.indexOf(0x20, at.off);
  if (end < 0) return;
  // A timestamp that does not parse (the nil "-" included) reads as the epoch, as in Wireshark.
  const t = iso8601(v.latin1(at.off, end - at.off));
  if (end !== at.off)
    ctx.add(f.timestamp, at.off, end - at.off, t ?? { s: 0, ns: 0 }, {
      ...o,
      ...(t ? {} : { label: 'Syslog timestamp: Jan  1, 1970 00:00:00 UTC' }),
    });
  at.off = end + 1;
  if (!info(ctx, at, f.hostname, o) || !info(ctx, at, f.appname, o) || !info(ctx, at, f.procid, o)) return;
  // Wireshark 4.0 takes all the rest (message id, structured data and message) as the "message id".
  if (v.u24be(at.off) === 0xefbbbf) {
    ctx.add(f.bom, at.off, 3, 0xefbbbf, o);
    at.off += 3;
    ctx.add(f.msgid, at.off, b.length - at.off, utf8.decode(b.subarray(at.off)), o);
  } else ctx.add(f.msgid, at.off, b.length - at.off, asciiText(b.subarray(at.off)), o);
}

function rfc3164(ctx: DissectCtx, start: number, parent: Parent['parent']): void {
  const v = ctx.view;
  const b = v.bytes;
  const o = { parent };
  // "Mmm dd hh:mm:ss " (spaces and colons where they belong).
  if (b[start + 3] !== 0x20 || b[start + 6] !== 0x20 || b[start + 9] !== 0x3a || b[start + 12] !== 0x3a)
    return;
  if (b[start + 15] !== 0x20) return;
  ctx.add(f.timestamp3164, start, 15, v.latin1(start, 15), o);
  const at = { off: start + 16 };
  if (!info(ctx, at, f.hostname, o)) return;
  // The tag: letters and digits (up to 32) before the first other character. Wireshark reads on past the end
  // of a message that ends in its tag: a malformed packet — but only where it builds a tree (tshark's list of
  // rows alone does not), so the list pass says nothing.
  for (let i = at.off; i < at.off + 32; i++) {
    if (i >= b.length) {
      if (ctx.listOnly) return;
      const e = new BoundsError(i, 1, b.length);
      e.part = 'Syslog';
      throw e;
    }
    const c = b[i];
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum) {
      ctx.add(f.procid, at.off, i - at.off, v.latin1(at.off, i - at.off), o);
      at.off = i;
      break;
    }
  }
  ctx.add(f.msgid, at.off, b.length - at.off, asciiText(b.subarray(at.off)), o);
}
