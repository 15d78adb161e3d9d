#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: dissection makes many short-lived objects, and on a big capture (hundreds of MB of
// first-pass state) each one promoted too early makes the old generation's collections come sooner and cost more.
// The `wirelens` command: core/cli/main.ts, run from a cached esbuild bundle (see bundled.mjs) or through tsx.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/**
 * What the first pass keeps grows with the capture (~800 bytes a packet on `npm run bench`'s traffic mix), and
 * V8's default heap limit (~4 GB) would stop at five million packets or so: 256 MiB of the smallest Ethernet
 * frames is 3.5 million. Given a capture over 256 MiB, the command runs again with three quarters of the
 * machine's memory as its limit (as the app's engine thread has); smaller ones start no second process.
 */
function heapMbWanted() {
  if (process.env.WIRELENS_HEAP_SET) return undefined;
  const big = process.argv.slice(2).some((a) => {
    try {
      return statSync(a).size > 2 ** 28;
    } catch {
      return false;
    }
  });
  if (!big) return undefined;
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

const { importBundled } = await import('./bundled.mjs');
const { main } = await importBundled('core/cli/main.ts');
process.exitCode = await main(
  process.argv.slice(2),
  undefined,
  deferred
    ? () => {
        const status = again();
        if (status !== undefined) process.exit(status);
      }
    : undefined,
);
