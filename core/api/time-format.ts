/**
 * The Time column's display formats (Wireshark's View > Time Display Format, tshark's `-t` codes) and their one
 * formatter, shared by the CLI and the renderer. Pure: no Node built-ins, no DOM, so both sides can import it.
 * Local formats use the time zone of the process that formats (TZ for the CLI, the viewer's zone in the renderer).
 *
 * Times are two integers (epoch seconds, nanoseconds): a float of epoch seconds cannot hold nanoseconds.
 */

/** A point in time: seconds since the epoch and nanoseconds (0–999 999 999). */
export interface Stamp {
  s: number;
  ns: number;
}

/** What a row carries for its Time column (see PacketRow). */
export interface RowTimes {
  /** The packet's arrival time. */
  ts: Stamp;
  /** Decimals the capture's timestamp resolution gives this packet (6 for µs, 9 for ns), as tshark prints them. */
  tsDigits: number;
  /** The first packet's arrival time (the reference of "seconds since the beginning of the capture"). */
  firstTs: Stamp;
  /** The previous captured packet's arrival time (the packet's own for the first). */
  prevTs: Stamp;
  /** The previous displayed packet's arrival time (the packet's own for the first displayed). */
  prevDisplayedTs: Stamp;
}

export type TimeFormat = 'r' | 'a' | 'ad' | 'adoy' | 'd' | 'dd' | 'e' | 'u' | 'ud' | 'udoy';

/** The formats in Wireshark's menu order, with its labels. */
export const TIME_FORMATS: readonly { code: TimeFormat; label: string; short: string }[] = [
  { code: 'ad', label: 'Date and Time of Day (1970-01-01 01:02:03.123456)', short: 'Date and time' },
  {
    code: 'adoy',
    label: 'Year, Day of Year, and Time of Day (1970/001 01:02:03.123456)',
    short: 'Year/day, time',
  },
  { code: 'a', label: 'Time of Day (01:02:03.123456)', short: 'Time of day' },
  { code: 'e', label: 'Seconds Since 1970-01-01', short: 'Epoch seconds' },
  { code: 'r', label: 'Seconds Since Beginning of Capture', short: 'Since start' },
  { code: 'd', label: 'Seconds Since Previous Captured Packet', short: 'Since prev. captured' },
  { code: 'dd', label: 'Seconds Since Previous Displayed Packet', short: 'Since prev. displayed' },
  { code: 'ud', label: 'UTC Date and Time of Day (1970-01-01 01:02:03.123456)', short: 'UTC date and time' },
  {
    code: 'udoy',
    label: 'UTC Year, Day of Year, and Time of Day (1970/001 01:02:03.123456)',
    short: 'UTC year/day, time',
  },
  { code: 'u', label: 'UTC Time of Day (01:02:03.123456)', short: 'UTC time of day' },
];

const CODES = new Set<string>(TIME_FORMATS.map((f) => f.code));

export function isTimeFormat(s: unknown): s is TimeFormat {
  return typeof s === 'string' && CODES.has(s);
}

/** The menu label of a format (for the Time column's tooltip). */
export function timeFormatLabel(f: TimeFormat): string {
  return TIME_FORMATS.find((x) => x.code === f)?.label ?? f;
}

/**
 * Decimals tshark's automatic precision gives a timestamp of pcapng if_tsresol `tsresol` (a decimal exponent, or
 * 0x80 | n for 2^-n): what wiretap maps it to — seconds, 1, 2, 3 decimals, then microseconds, then nanoseconds.
 */
export function digitsForTsresol(tsresol: number): number {
  const decimals = tsresol & 0x80 ? Math.ceil((tsresol & 0x7f) * Math.log10(2)) : tsresol;
  if (decimals <= 3) return Math.max(0, decimals);
  return decimals <= 6 ? 6 : 9;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `ns` (0–999 999 999) to `digits` decimals, truncated as Wireshark does; with the dot, or nothing for 0. */
function fraction(ns: number, digits: number): string {
  if (digits <= 0) return '';
  return '.' + pad(Math.floor(ns / 10 ** (9 - digits)), digits);
}

/**
 * Orders two rows by their Time column as `format` shows it: the delta formats (d, dd) by the delta, every other
 * format by the arrival time (they all grow with it). Exact: whole seconds and nanoseconds are compared apart.
 */
export function compareRowTimes(a: RowTimes, b: RowTimes, format: TimeFormat): number {
  if (format === 'd' || format === 'dd') {
    const ra = format === 'd' ? a.prevTs : a.prevDisplayedTs;
    const rb = format === 'd' ? b.prevTs : b.prevDisplayedTs;
    return a.ts.s - ra.s - (b.ts.s - rb.s) || a.ts.ns - ra.ns - (b.ts.ns - rb.ns);
  }
  return a.ts.s - b.ts.s || a.ts.ns - b.ts.ns;
}

/** a − b as a signed seconds text with `digits` decimals ("-0.000100" when b is later). Exact. */
export function formatDelta(a: Stamp, b: Stamp, digits: number): string {
  let s = a.s - b.s;
  let ns = a.ns - b.ns;
  if (s > 0 && ns < 0) {
    s -= 1;
    ns += 1e9;
  } else if (s < 0 && ns > 0) {
    s += 1;
    ns -= 1e9;
  }
  const neg = s < 0 || ns < 0;
  return `${neg ? '-' : ''}${Math.abs(s)}${fraction(Math.abs(ns), digits)}`;
}

interface Civil {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function civil(seconds: number, utc: boolean): Civil {
  const d = new Date(seconds * 1000);
  return utc
    ? {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
      }
    : {
        year: d.getFullYear(),
        month: d.getMonth() + 1,
        day: d.getDate(),
        hour: d.getHours(),
        minute: d.getMinutes(),
        second: d.getSeconds(),
      };
}

/** Day of the year, 1–366. */
export function dayOfYear(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
}

/** An absolute time as formats a/ad/adoy (local) or u/ud/udoy (UTC) show it. */
export function formatAbsolute(
  t: Stamp,
  digits: number,
  format: 'a' | 'ad' | 'adoy' | 'u' | 'ud' | 'udoy',
): string {
  const c = civil(t.s, format[0] === 'u');
  const tod = `${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}${fraction(t.ns, digits)}`;
  switch (format) {
    case 'a':
    case 'u':
      return tod;
    case 'ad':
    case 'ud':
      return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)} ${tod}`;
    default:
      return `${pad(c.year, 4)}/${pad(dayOfYear(c.year, c.month, c.day), 3)} ${tod}`;
  }
}

/** The Time column's text of a row in `format`, at the row's own precision. */
export function formatRowTime(r: RowTimes, format: TimeFormat): string {
  const digits = r.tsDigits;
  switch (format) {
    case 'r':
      return formatDelta(r.ts, r.firstTs, digits);
    case 'd':
      return formatDelta(r.ts, r.prevTs, digits);
    case 'dd':
      return formatDelta(r.ts, r.prevDisplayedTs, digits);
    case 'e':
      return formatDelta(r.ts, { s: 0, ns: 0 }, digits);
    default:
      return formatAbsolute(r.ts, digits, format);
  }
}
