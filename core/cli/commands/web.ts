import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError, type Command } from '../command.js';
import { defaultRendererDir, startWebHost } from '../../web/server.js';

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser launcher: the printed URL is enough.
  }
}

export const webCommand: Command = {
  name: 'web',
  summary: 'serve the Wirelens UI to your browser on 127.0.0.1 (token-protected)',
  usage:
    'Usage: wirelens web [--port N] [--no-open] [FILE]\n' +
    '  --port N    listen on 127.0.0.1:N (default: a free port)\n' +
    '  --no-open   do not launch a browser\n' +
    '  FILE        a capture opened for every page that connects',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, { flags: ['--no-open'], options: ['--port'] });
    const portText = options.get('--port');
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad port ${portText}`);
    if (positionals.length > 1) throw new UsageError('at most one capture file');
    const file = positionals[0] ? resolve(positionals[0]) : undefined;
    if (file && !existsSync(file)) {
      io.err(`wirelens web: no such file ${file}\n`);
      return 1;
    }
    if (!existsSync(defaultRendererDir())) {
      io.err(`wirelens web: the renderer is not built yet (${defaultRendererDir()}); run npm run build\n`);
    }
    const host = await startWebHost({ port, file });
    io.out(`Wirelens at ${host.url}\n`);
    if (!flags.has('--no-open')) openBrowser(host.url);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
