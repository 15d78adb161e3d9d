import { Buffer } from 'node:buffer';
import { parseArgs, UsageError, type CliIO, type Command } from '../command.js';
import { CaptureSession } from '../../session/session.js';
import { compileFilter } from '../../dfilter/index.js';
import type { Dissection, ItemSelection } from '../../dissect/types.js';
import type { PacketRow } from '../../api/types.js';
import { checkTarget, exportChosenPackets } from '../../session/packet-export.js';
import { treeText } from '../../session/tree.js';
import { formatRowTime, isTimeFormat, type Stamp, type TimeFormat } from '../../api/time-format.js';

/** Bytes per write: printing a million rows one write each would dominate the run time. */
const OUT_CHUNK = 1 << 20;

/**
 * Buffers output into large writes, encoding each row to UTF-8 as it comes (cheaper than joining a megabyte of
 * rows into one string and encoding that). Each flush hands over a buffer of its own (a write may be queued).
 */
class OutBuffer {
  private buf = Buffer.allocUnsafe(OUT_CHUNK);
  private off = 0;
  constructor(private readonly io: CliIO) {}
  push(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.off + 3 * s.length > this.buf.length) {
      this.flush();
      if (3 * s.length > this.buf.length) {
        this.io.out(s);
        return;
      }
    }
    this.off += this.buf.write(s, this.off);
  }
  flush(): void {
    if (!this.off) return;
    const bytes = this.buf.subarray(0, this.off);
    if (this.io.outBytes) this.io.outBytes(bytes);
    else this.io.out(bytes.toString('utf8'));
    this.buf = Buffer.allocUnsafe(OUT_CHUNK);
    this.off = 0;
  }
}

/**
 * One row as tshark prints it by default (No., Time, Source → Destination, Protocol, Length, Info), the Time
 * column in `-t` format `time` at the packet's own precision (tshark's automatic one).
 */
export function rowText(r: PacketRow, time: TimeFormat = 'r'): string {
  return `${String(r.no).padStart(5)} ${formatRowTime(r, time).padStart(10)} ${r.source.padStart(12)} → ${r.destination.padEnd(12)} ${r.protocol} ${r.length} ${r.info}\n`;
}

/** Tabs and line ends become spaces; most texts have none, and a scan of the text costs less than a replace. */
function tsvClean(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) return s.replace(/[\t\r\n]/g, ' ');
  }
  return s;
}

/** `list -w OUT`: the chosen packets to a new capture file; a one-line summary on stderr. */
async function writePackets(
  file: string,
  out: string,
  io: CliIO,
  format: 'pcapng' | 'pcap',
  choose: { frames: (s: CaptureSession) => Uint32Array | null; selection: string },
): Promise<number> {
  // The source's SHA-256 goes into the new file's provenance comment.
  const session = new CaptureSession({ hash: true });
  try {
    const info = await session.open(file);
    checkTarget(session, out); // before the filter runs over the whole capture
    const r = await exportChosenPackets(
      session,
      { frames: choose.frames(session), selection: choose.selection },
      out,
      { format },
    );
    for (const w of info.warnings) io.err(`wirelens list: warning: ${w}\n`);
    for (const n of r.notes) io.err(`wirelens list: note: ${n}\n`);
    io.err(
      `${r.packets} packet${r.packets === 1 ? '' : 's'} written to ${r.path} (${r.format}, ${r.bytes} bytes), SHA-256 ${r.sha256}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}

export const listCommand: Command = {
  name: 'list',
  summary:
    'one row per packet (like tshark -r), optionally filtered with -Y; -w writes them to a new capture',
  usage:
    'Usage: wirelens list FILE [-Y FILTER] [-t FORMAT] [-V [-P]] [--format text|tsv|json] [--count]\n' +
    '       wirelens list FILE [-Y FILTER] -w OUT [--format-out pcapng|pcap]\n' +
    '  -Y FILTER      display filter (Wireshark syntax)\n' +
    '  -t FORMAT      the text Time column, as tshark -t: r seconds since the first packet (default), a local\n' +
    '                 time of day, ad local date and time (YYYY-MM-DD hh:mm:ss.ffffff), adoy local year/day of\n' +
    '                 year and time (YYYY/DDD hh:mm:ss), d since the previous captured packet, dd since the\n' +
    '                 previous displayed packet, e epoch seconds, u UTC time of day, ud UTC date and time, udoy\n' +
    '                 UTC year/day of year and time. Decimals follow the file (6 for µs, 9 for ns timestamps);\n' +
    '                 local means the TZ environment variable (TZ=UTC for UTC)\n' +
    '  --format       text (default, like tshark), tsv (header: no time source destination protocol length info;\n' +
    '                 time is always seconds since the first packet), json\n' +
    '  -V             packet details: the dissection tree of each packet, as tshark -V prints it (-P: with its\n' +
    '                 summary line first)\n' +
    '  --count        print only the number of matching packets\n' +
    '  -w OUT         write the matching packets to the new capture file OUT instead of listing them (like\n' +
    '                 tshark -w; never overwrites a file); prints "N packets written to OUT" and its SHA-256\n' +
    '                 on stderr. pcapng keeps interfaces, exact timestamps and comments, and records the\n' +
    '                 source file, its SHA-256 and the filter in its section comment\n' +
    '  --format-out   pcapng (default) or pcap (only when all the packets have one link type)',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, {
      flags: ['--count', '-V', '-P'],
      options: ['-Y', '--format', '--display-filter', '-w', '--format-out', '-t'],
    });
    const time = options.get('-t') ?? 'r';
    if (!isTimeFormat(time))
      throw new UsageError(`unknown time format "${time}" (r, a, ad, adoy, d, dd, e, u, ud or udoy)`);
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const format = options.get('--format') ?? 'text';
    if (!['text', 'tsv', 'json'].includes(format)) throw new UsageError(`unknown format "${format}"`);
    if (options.has('-t') && format !== 'text')
      throw new UsageError(`-t sets the text Time column; ${format} rows keep their own time fields`);
    const details = flags.has('-V');
    if (details && (format !== 'text' || flags.has('--count')))
      throw new UsageError('-V prints packet details as text: --format and --count do not apply');
    if (flags.has('-P') && !details)
      throw new UsageError('-P goes with -V (the summary line before the details)');
    const writeTo = options.get('-w');
    const formatOut = options.get('--format-out');
    if (formatOut !== undefined && writeTo === undefined) throw new UsageError('--format-out needs -w OUT');
    if (formatOut !== undefined && formatOut !== 'pcapng' && formatOut !== 'pcap')
      throw new UsageError(`unknown output format "${formatOut}" (pcapng or pcap)`);
    if (writeTo !== undefined) {
      if (writeTo === '' || writeTo === '-')
        throw new UsageError('-w needs a file name (writing to standard output is not supported)');
      if (flags.has('--count') || options.has('--format') || options.has('-t') || details)
        throw new UsageError('-w writes packets, not rows: --count, --format, -t and -V do not apply');
    }
    const expr = options.get('-Y') ?? options.get('--display-filter');
    let match: ((d: Dissection) => boolean) | undefined;
    let selection: ItemSelection = 'columns';
    if (expr !== undefined && expr.trim() !== '') {
      const c = compileFilter(expr);
      if (!c.ok) {
        const [a, b] = c.error.span;
        io.err(
          `wirelens list: invalid filter: ${c.error.message}\n  ${expr}\n  ${' '.repeat(a)}${'^'.repeat(Math.max(1, b - a))}\n`,
        );
        return 2;
      }
      for (const w of c.warnings)
        io.err(`wirelens list: warning: ${w.message} (at ${w.span[0]}–${w.span[1]})\n`);
      match = c.filter.match.bind(c.filter);
      selection = c.filter.needsAll || details ? 'all' : c.filter.fields;
      if (writeTo !== undefined) {
        const filter = c.filter;
        return writePackets(positionals[0], writeTo, io, formatOut === 'pcap' ? 'pcap' : 'pcapng', {
          frames: (s) => s.runFilter(filter),
          selection: `display filter: ${expr}`,
        });
      }
    }
    if (writeTo !== undefined) {
      return writePackets(positionals[0], writeTo, io, formatOut === 'pcap' ? 'pcap' : 'pcapng', {
        frames: () => null,
        selection: 'all packets',
      });
    }
    if (details) selection = 'all';
    const session = new CaptureSession({ hash: false });
    const out = new OutBuffer(io);
    try {
      const info = await session.open(positionals[0]);
      let n = 0;
      // For -t dd: the time of the last packet printed.
      let prevDisplayed: Stamp | undefined;
      if (format === 'tsv' && !flags.has('--count'))
        out.push('no\ttime\tsource\tdestination\tprotocol\tlength\tinfo\n');
      if (format === 'json' && !flags.has('--count')) out.push('[');
      session.scan(0, session.total, selection, (_i, d) => {
        if (match && !match(d)) return;
        n++;
        if (flags.has('--count')) return;
        const r = session.toRowColumns(d);
        r.prevDisplayedTs = prevDisplayed ?? r.ts;
        prevDisplayed = r.ts;
        if (format === 'tsv') {
          out.push(
            `${r.no}\t${r.time.toFixed(9)}\t${tsvClean(r.source)}\t${tsvClean(r.destination)}\t${tsvClean(r.protocol)}\t${r.length}\t${tsvClean(r.info)}\n`,
          );
        } else if (format === 'json') {
          out.push(`${n > 1 ? ',' : ''}\n${JSON.stringify(r)}`);
        } else if (details) {
          // tshark -V: the details of each packet and a blank line; -P puts the summary line first.
          if (flags.has('-P')) out.push(rowText(r, time));
          out.push(treeText(d) + '\n');
        } else {
          out.push(rowText(r, time));
        }
      });
      if (flags.has('--count')) out.push(`${n}\n`);
      else if (format === 'json') out.push('\n]\n');
      out.flush();
      for (const w of info.warnings) io.err(`wirelens list: warning: ${w}\n`);
      return 0;
    } finally {
      out.flush();
      session.close();
    }
  },
};
