import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KEYLOG_ENV } from '../capture/index.js';
import { UsageError, type CliIO, type Command } from './command.js';
import { commands } from './commands/index.js';
import { runListShard, type ListShardJob } from './commands/list-shard.js';
import { runObjectShard, type ObjectShardJob } from './commands/export-shard.js';

// A reader that goes away (`wirelens list big.pcap | head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const stdio: CliIO = {
  out: (t) => void process.stdout.write(t),
  outBytes: (b) => void process.stdout.write(b),
  err: (t) => void process.stderr.write(t),
};

function help(io: CliIO): void {
  io.out('wirelens — packet viewer for investigators\n\nUsage: wirelens COMMAND [options]\n\nCommands:\n');
  const width = Math.max(...commands.map((c) => c.name.length));
  for (const c of commands) io.out(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  io.out('\nwirelens help COMMAND shows the options of a command.\n');
  io.out(
    "\nEvery command that reads a capture also takes:\n  --tls-keylog FILE  TLS keys to decrypt with, besides the secrets the capture itself carries (pcapng\n                     Decryption Secrets Blocks): a key log (NSS format, as SSLKEYLOGFILE writes) and/or\n                     servers' RSA private keys (PEM), which open TLS 1.2 RSA key-exchange sessions\n",
  );
}

/**
 * `--tls-keylog FILE`, wherever it is among a command's arguments: checked here (a key log that cannot be read
 * is an error, not a silent lack of decryption) and handed to every thread through WIRELENS_TLS_KEYLOG.
 */
function takeKeyLog(args: string[]): string[] {
  const i = args.indexOf('--tls-keylog');
  if (i < 0) return args;
  const file = args[i + 1];
  if (file === undefined) throw new UsageError('--tls-keylog needs a file');
  try {
    accessSync(file, constants.R_OK);
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new UsageError(
      `cannot read the TLS key log ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  process.env[KEYLOG_ENV] = resolve(file);
  return [...args.slice(0, i), ...args.slice(i + 2)];
}

/**
 * Runs the `wirelens` command of `argv`; `launcher`: what bin/wirelens.mjs gives it (a way to run again with a
 * larger heap, a second thread started ahead: see CliIO).
 */
export async function main(
  argv: string[],
  io: CliIO = stdio,
  launcher: Pick<CliIO, 'biggerHeap' | 'rowWorker'> = {},
): Promise<number> {
  io = { ...io, ...launcher };
  try {
    return await run(argv, io);
  } finally {
    // (A second thread the command did not take: ended here.)
    void io.rowWorker?.terminate();
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const c = commands.find((x) => x.name === rest[0]);
    if (c) io.out(`${c.usage}\n`);
    else help(io);
    return 0;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`wirelens: unknown command "${name}" (try: wirelens help)\n`);
    return 2;
  }
  const before = process.env[KEYLOG_ENV];
  try {
    return await cmd.run(takeKeyLog(rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`wirelens ${cmd.name}: ${e.message}\n${cmd.usage}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`wirelens ${cmd.name}: ${msg}\n`);
    return 1;
  } finally {
    // main() may run again in this process (tests): the next command has its own key log, or none.
    if (before === undefined) delete process.env[KEYLOG_ENV];
    else process.env[KEYLOG_ENV] = before;
  }
}

/** A worker thread's job (bin/shard-worker.mjs, core/cli/shards.ts). */
export async function runShardJob(
  job: ListShardJob | ObjectShardJob,
  post: (m: unknown, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  if (job.kind === 'list') await runListShard(job, post);
  else await runObjectShard(job, post);
}
