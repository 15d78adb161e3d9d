import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError, type Command } from '../command.js';
import { LiveCapture, LiveCaptureError, listInterfaces } from '../../capture/live.js';
import { CaptureSession } from '../../session/session.js';
import { first, selectionOf } from '../../stats/fields.js';
import { rowText } from './list.js';
import { displayText } from '../../fields/text.js';
import type { Dissection } from '../../dissect/types.js';

function urlLine(d: Dissection): string | undefined {
  const method = first(d, 'http.request.method');
  const uri = first(d, 'http.request.full_uri');
  if (typeof method !== 'string' || typeof uri !== 'string') return undefined;
  // The course's sniffer prints "Requested URL: …"; method, source and frame follow for the investigator.
  // The URI, method and source are the packet's text: escaped, so no capture can send a terminal escape.
  const [u, m, src] = [uri, method, d.columns.source].map(displayText);
  return `Requested URL: ${u}\t${m}\t${src}\tframe ${d.frame.number}`;
}

export const captureCommand: Command = {
  name: 'capture',
  summary: 'live capture from an interface (dumpcap or tcpdump), printing packets or HTTP request URLs',
  usage:
    'Usage: wirelens capture -i IFACE [-f BPF] [-c COUNT] [-w FILE] [--http-urls]\n' +
    '       wirelens capture --list-interfaces\n' +
    '  -f BPF        capture filter, e.g. "tcp port 80"\n' +
    '  -c COUNT      stop after COUNT packets (else Ctrl+C stops)\n' +
    '  -w FILE       keep the capture in FILE (pcap)\n' +
    '  --http-urls   print each HTTP request URL as it is seen (like the course sniffer)',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, {
      flags: ['--http-urls', '--list-interfaces'],
      options: ['-i', '-f', '-c', '-w'],
    });
    if (flags.has('--list-interfaces')) {
      for (const i of listInterfaces()) io.out(`${i.name}${i.description ? `\t${i.description}` : ''}\n`);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const iface = options.get('-i');
    if (!iface) throw new UsageError('-i IFACE is required (see --list-interfaces)');
    const countText = options.get('-c');
    const count = countText === undefined ? undefined : Number(countText);
    if (count !== undefined && !(Number.isInteger(count) && count > 0))
      throw new UsageError('-c must be a positive number');
    const keep = options.get('-w');
    const tmp = keep ? undefined : mkdtempSync(join(tmpdir(), 'wirelens-live-'));
    const output = keep ?? join(tmp!, 'live.pcap');
    const live = new LiveCapture({ iface, filter: options.get('-f'), count, output });
    const session = new CaptureSession({ hash: false });
    let stopping = false;
    const onSigint = () => {
      stopping = true;
    };
    process.on('SIGINT', onSigint);
    try {
      await live.start();
      await session.open(output);
      const urls = flags.has('--http-urls');
      const selection = urls ? selectionOf(['http.request.method', 'http.request.full_uri']) : 'columns';
      let printed = 0;
      const drain = () => {
        session.capture!.refresh();
        const total = session.total;
        if (total <= printed) return;
        session.scan(printed, total, selection, (_i, d) => {
          if (urls) {
            const line = urlLine(d);
            if (line) io.out(`${line}\n`);
          } else {
            io.out(rowText(session.toRowColumns(d)));
          }
        });
        printed = total;
      };
      while (live.running && !stopping) {
        drain();
        await new Promise((r) => setTimeout(r, 150));
      }
      await live.stop();
      drain();
      io.err(
        `wirelens capture: ${session.total} packet(s) captured on ${iface}${keep ? `, saved to ${keep}` : ''}\n`,
      );
      return 0;
    } catch (e) {
      if (e instanceof LiveCaptureError) {
        io.err(`wirelens capture: ${e.message}\n`);
        return 1;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
      await live.stop().catch(() => undefined);
      session.close();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  },
};
