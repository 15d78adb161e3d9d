/**
 * Worker threads run from source text: a function that refers to nothing but its parameters (node modules are
 * handed to it) is written out with Function.prototype.toString and run as the thread's script. There is no
 * second entry file to find, so the same code works from the esbuild bundle of the CLI, under tsx and vitest, and
 * in the packaged app's engine thread.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `code` (a CommonJS script: `require` is there). Under tsx, which keeps function names,
 * functions carry calls to esbuild's __name helper: a no-op is defined for them.
 */
export function scriptThread(code: string, opts: Omit<WorkerOptions, 'eval'> = {}): Worker {
  return new Worker(`var __name = (f) => f;\n${code}`, { ...opts, eval: true });
}
