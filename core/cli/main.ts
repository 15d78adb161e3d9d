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
  for (const c of commands) io.out(`  ${c.name.padEnd(10)} ${c.summary}\n`);
  io.out('\nwirelens help COMMAND shows the options of a command.\n');
}

export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
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
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`wirelens ${cmd.name}: ${e.message}\n${cmd.usage}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`wirelens ${cmd.name}: ${msg}\n`);
    return 1;
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
