#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: dissection makes many short-lived objects, and on a big capture (hundreds of MB of
// first-pass state) each one promoted too early makes the old generation's collections come sooner and cost more.
// The `wirelens` command: core/cli/main.ts, run from a cached esbuild bundle (see bundled.mjs) or through tsx.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';

/** The size of the largest file named among the arguments (0 without one): how big the capture is. */
const largestFile = Math.max(
  0,
  ...process.argv.slice(2).map((a) => {
    try {
      return statSync(a).size;
    } catch {
      return 0;
    }
  }),
);

/**
 * What the first pass keeps grows with the capture (~800 bytes a packet on `npm run bench`'s traffic mix), and
 * V8's default heap limit (~4 GB) would stop at five million packets or so: 256 MiB of the smallest Ethernet
 * frames is 3.5 million. Given a capture over 256 MiB, the command runs again with three quarters of the
 * machine's memory as its limit (as the app's engine thread has); smaller ones start no second process.
 */
function heapMbWanted() {
  if (process.env.WIRELENS_HEAP_SET || largestFile <= 2 ** 28) return undefined;
  const mb = Math.floor((totalmem() * 0.75) / 2 ** 20);
  return mb > getHeapStatistics().heap_size_limit / 2 ** 20 ? mb : undefined;
}

const heapMb = heapMbWanted();

/** Runs the command again with the larger heap; its exit status, or undefined when it could not start. */
function again() {
  const r = spawnSync(
    process.execPath,
    ['--max-semi-space-size=64', `--max-old-space-size=${heapMb}`, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, WIRELENS_HEAP_SET: '1' } },
  );
  return r.error ? undefined : (r.status ?? (r.signal === 'SIGINT' ? 130 : 1));
}

// `list` asks for the second process itself, only when the dissection engine is to take many frames (its fast
// lane keeps little on the heap: mostly not at all); every other command runs there from the start.
// (Should the second process not start at all, the command runs here with the default limit.)
const deferred = heapMb !== undefined && process.argv[2] === 'list';
if (heapMb !== undefined && !deferred) {
  const status = again();
  if (status !== undefined) process.exit(status);
}

/**
 * `list` of a capture of 160 MiB or more (ROW_THREAD_BYTES in core/cli/commands/list-fast.ts) on two cores or
 * more writes its rows on a second thread: started here, before the program loads, it starts Node and loads its
 * own program meanwhile (~0.1 s the rows would otherwise wait for). The command takes it if it runs one, else
 * ends it; until then it does not keep the process alive. WIRELENS_ROW_THREAD=1/0 forces it on or off.
 */
function earlyRowWorker() {
  const set = process.env.WIRELENS_ROW_THREAD;
  if (process.argv[2] !== 'list' || set === '0' || (set !== '1' && availableParallelism() < 2))
    return undefined;
  if (largestFile < 160 * 2 ** 20 && set !== '1') return undefined;
  const worker = new Worker(new URL('./lane-worker.mjs', import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  worker.unref();
  // (Should it fail before it is taken, the command starts another.)
  worker.on('error', () => undefined);
  return worker;
}

const rowWorker = earlyRowWorker();
const { importBundled } = await import('./bundled.mjs');
const { main } = await importBundled('core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), undefined, {
  biggerHeap: deferred
    ? () => {
        const status = again();
        if (status !== undefined) process.exit(status);
      }
    : undefined,
  rowWorker,
});
