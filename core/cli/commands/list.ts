import { parseArgs, UsageError, type CliIO, type Command } from '../command.js';
import { CaptureSession } from '../../session/session.js';
import { compileFilter, type CompiledFilter } from '../../dfilter/index.js';
import { listSharded } from './list-shard.js';
import { fastLaneOn, laneThreads, listFast } from './list-fast.js';
import { laneFilterable } from '../../fastlane/filter.js';
import { shardThreads } from '../shards.js';
import { shardableFilter } from '../../session/shard.js';
import type { Dissection, ItemSelection } from '../../dissect/types.js';
import { checkTarget, exportChosenPackets } from '../../session/packet-export.js';
import { treeText } from '../../session/tree.js';
import { isTimeFormat, type Stamp } from '../../api/time-format.js';
import { OutBuffer, rowText, TSV_HEADER, tsvRow } from './list-rows.js';
import { fieldsHeader, fieldsLine, fieldsOutput, type FieldsOutput } from './fields-out.js';
import { getHeapStatistics } from 'node:v8';

/**
 * What the engine's first pass may keep per frame, generously (~800 bytes on the benchmark's traffic): a lane
 * pass leaving more frames than half the heap limit allows to the engine runs again with a larger heap.
 */
const ENGINE_BYTES_PER_FRAME = 4096;

export { rowText } from './list-rows.js';

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

/**
 * What a -T fields pass dissects: the -e fields besides what the filter needs; everything when a protocol is
 * among them (its summary line is only made in the whole tree).
 */
function fieldsSelection(o: FieldsOutput, selection: ItemSelection): ItemSelection {
  if (selection === 'all' || o.fields.some((f) => f.kind === 'protocol')) return 'all';
  return new Set([...(selection === 'columns' ? [] : selection), ...o.fields.map((f) => f.id)]);
}

export const listCommand: Command = {
  name: 'list',
  summary:
    'one row per packet (like tshark -r), optionally filtered with -Y; -w writes them to a new capture',
  usage:
    'Usage: wirelens list FILE [-Y FILTER] [-t FORMAT] [-V [-P]] [--format text|tsv|json] [--count]\n' +
    '       wirelens list FILE [-Y FILTER] -T fields -e FIELD [-e FIELD …] [-E OPTION=VALUE …]\n' +
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
    '  -T fields      the values of the -e fields, one line per packet, as tshark -T fields prints them (all\n' +
    '                 occurrences, comma-joined; hex fields in hex, times in UTC); -E header=y|n, separator=/t|/s|C,\n' +
    '                 occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n, bom=y|n as tshark takes them\n' +
    '  -w OUT         write the matching packets to the new capture file OUT instead of listing them (like\n' +
    '                 tshark -w; never overwrites a file); prints "N packets written to OUT" and its SHA-256\n' +
    '                 on stderr. pcapng keeps interfaces, exact timestamps and comments, and records the\n' +
    '                 source file, its SHA-256 and the filter in its section comment\n' +
    '  --format-out   pcapng (default) or pcap (only when all the packets have one link type)',
  async run(args, io) {
    const { flags, options, lists, positionals } = parseArgs(args, {
      flags: ['--count', '-V', '-P'],
      options: ['-Y', '--format', '--display-filter', '-w', '--format-out', '-t', '-T'],
      repeated: ['-e', '-E'],
    });
    const outputType = options.get('-T') ?? 'text';
    if (outputType !== 'text' && outputType !== 'fields')
      throw new UsageError(`-T ${outputType}: fields or text (for JSON rows use --format json)`);
    let fieldsOut: FieldsOutput | undefined;
    if (outputType === 'fields') {
      if (options.has('--format') || flags.has('-V') || flags.has('--count') || options.has('-w'))
        throw new UsageError('-T fields prints the -e fields: --format, -V, --count and -w do not apply');
      fieldsOut = fieldsOutput(lists.get('-e') ?? [], lists.get('-E') ?? []);
    } else if (lists.has('-e') || lists.has('-E')) throw new UsageError('-e and -E go with -T fields');
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
    let filter: CompiledFilter | undefined;
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
      filter = c.filter;
      match = c.filter.match.bind(c.filter);
      selection = c.filter.needsAll || details ? 'all' : c.filter.fields;
      if (writeTo !== undefined) {
        const filter = c.filter;
        io.biggerHeap?.();
        return writePackets(positionals[0], writeTo, io, formatOut === 'pcap' ? 'pcap' : 'pcapng', {
          frames: (s) => s.runFilter(filter),
          selection: `display filter: ${expr}`,
        });
      }
    }
    if (writeTo !== undefined) {
      io.biggerHeap?.();
      return writePackets(positionals[0], writeTo, io, formatOut === 'pcap' ? 'pcap' : 'pcapng', {
        frames: () => null,
        selection: 'all packets',
      });
    }
    if (details) selection = 'all';
    if (fieldsOut) selection = fieldsSelection(fieldsOut, selection);
    if (flags.has('--count') && !match) {
      // Without a filter every frame counts: the index has them all, nothing needs dissecting.
      const session = new CaptureSession({ hash: false, summary: false });
      try {
        const info = await session.open(positionals[0]);
        io.out(`${session.total}\n`);
        for (const w of info.warnings) io.err(`wirelens list: warning: ${w}\n`);
        return 0;
      } finally {
        session.close();
      }
    }
    const out = new OutBuffer(io);
    const count = flags.has('--count');
    // Rows (or a count) of every frame or of a filter the lane can evaluate: the fast lane (list-fast.ts), on one
    // thread unless WIRELENS_THREADS says more (on two cores, two threads gained nothing measurable: each reads
    // and hashes every frame). A -t dd column counts from the previous frame printed: the engine's pass.
    const lane =
      (filter ? laneFilterable(filter) && time !== 'dd' : !count) &&
      !details &&
      !fieldsOut &&
      format !== 'json' &&
      fastLaneOn();
    const threads = lane
      ? laneThreads()
      : !details &&
          !fieldsOut &&
          format !== 'json' &&
          time !== 'dd' &&
          (!filter || shardableFilter(filter.fields))
        ? shardThreads(positionals[0])
        : 1;
    if (lane && threads === 1) {
      if (format === 'tsv' && !count) out.push(TSV_HEADER);
      const r = await listFast(
        positionals[0],
        {
          format: format === 'tsv' ? 'tsv' : 'text',
          time,
          filter,
          // The engine's share (pairs the lane gave up on) may want more memory than this process may take.
          beforeEngine: (n) => {
            if (n * ENGINE_BYTES_PER_FRAME > getHeapStatistics().heap_size_limit / 2) io.biggerHeap?.();
          },
          rowWorker: io.rowWorker,
        },
        count ? undefined : out,
      );
      if (count) out.push(`${r.lane + r.engine}\n`);
      out.flush();
      if (process.env.WIRELENS_FASTLANE === 'stats')
        io.err(`wirelens list: ${r.lane} rows from the fast lane, ${r.engine} from the engine\n`);
      for (const w of r.warnings) io.err(`wirelens list: warning: ${w}\n`);
      return 0;
    }
    // The engine on every frame (or the threads' lanes, each with its own engine).
    io.biggerHeap?.();
    if (threads > 1) {
      if (format === 'tsv' && !flags.has('--count')) out.push(TSV_HEADER);
      const r = await listSharded(
        {
          file: positionals[0],
          format: format === 'tsv' ? 'tsv' : 'text',
          time,
          filter: filter ? expr : undefined,
          count: flags.has('--count'),
          lane,
        },
        threads,
        out,
      );
      if (flags.has('--count')) out.push(`${r.count}\n`);
      out.flush();
      for (const w of r.warnings) io.err(`wirelens list: warning: ${w}\n`);
      return 0;
    }
    // One pass, each frame dissected once, nothing filtered afterwards: no frame summary.
    const session = new CaptureSession({ hash: false, summary: false });
    try {
      const info = await session.open(positionals[0]);
      let n = 0;
      // For -t dd: the time of the last packet printed.
      let prevDisplayed: Stamp | undefined;
      if (format === 'tsv' && !flags.has('--count')) out.push(TSV_HEADER);
      if (format === 'json' && !flags.has('--count')) out.push('[');
      if (fieldsOut?.header) out.push(fieldsHeader(fieldsOut));
      else if (fieldsOut?.bom) out.push('\ufeff');
      // -V -Y: the Frame layer's "delta from the previous displayed frame" counts from the last frame printed.
      const state = session.captureState;
      if (details && match) state.displayedBefore = null;
      session.scan(0, session.total, selection, (_i, d) => {
        if (match && !match(d)) return;
        n++;
        if (details && match) state.displayedBefore = { s: d.frame.tsSec, ns: d.frame.tsNsec };
        if (flags.has('--count')) return;
        if (fieldsOut) {
          out.push(fieldsLine(d, fieldsOut));
          return;
        }
        const r = session.toRowColumns(d);
        r.prevDisplayedTs = prevDisplayed ?? r.ts;
        prevDisplayed = r.ts;
        if (format === 'tsv') {
          out.push(tsvRow(r));
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
