import { parseArgs, UsageError, type Command } from '../command.js';
import { CaptureSession } from '../../session/session.js';

function iso(t: number | undefined): string {
  if (t === undefined) return 'n/a';
  const s = Math.floor(t);
  const ns = Math.round((t - s) * 1e9);
  return `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(ns).padStart(9, '0').slice(0, 6)}Z`;
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'capture summary: format, link types, packets, bytes, times, SHA-256',
  usage: 'Usage: wirelens info FILE [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--json'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const session = new CaptureSession();
    try {
      await session.open(positionals[0]);
      await session.fileSha256();
      const info = session.info();
      if (flags.has('--json')) {
        io.out(`${JSON.stringify(info, null, 2)}\n`);
        return 0;
      }
      const lines = [
        ['File name', info.path],
        ['File size', `${info.size} bytes`],
        ['File format', `${info.format}${info.gzip ? ' (gzip compressed)' : ''}`],
        [
          'Link types',
          [...new Set(info.interfaces.map((i) => `${i.linkTypeName} (${i.linkType})`))].join(', ') || 'n/a',
        ],
        ['Interfaces', String(info.interfaces.length)],
        ['Packets', String(info.packets)],
        ['Data bytes', String(info.bytes)],
        ['First packet', iso(info.firstTime)],
        ['Last packet', iso(info.lastTime)],
        ['Duration', info.duration === undefined ? 'n/a' : `${info.duration.toFixed(6)} seconds`],
        ['SHA-256', info.sha256 ?? 'n/a'],
      ];
      for (const [k, v] of lines) io.out(`${(k + ':').padEnd(14)} ${v}\n`);
      for (const w of info.warnings) io.out(`Warning:       ${w}\n`);
      return 0;
    } finally {
      session.close();
    }
  },
};
