import type { Worker } from 'node:worker_threads';
import { CaptureSession } from '../session/session.js';

/** A `wirelens` sub-command. Commands print through `io` so tests can capture output. */
export interface CliIO {
  out(text: string): void;
  /** Output already encoded as UTF-8 (large buffered writes); commands fall back to out() without it. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /**
   * Runs the command again in a process allowed a larger heap, and exits with its status (bin/wirelens.mjs,
   * given a big capture): called before the dissection engine takes many frames. Absent when this process has
   * the larger heap already (or in tests).
   */
  biggerHeap?(): void;
  /**
   * The second thread of `list` (core/cli/commands/lane-thread.ts), started by bin/wirelens.mjs before the
   * program loads when a big capture is to be listed: the command takes it if it runs one (else it is ended).
   */
  rowWorker?: Worker;
}

export interface Command {
  name: string;
  /** One line for `wirelens help`. */
  summary: string;
  /** Usage text for `wirelens help NAME`. */
  usage: string;
  /** Returns the process exit code: 0 ok, 1 runtime failure, 2 usage error. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad command-line usage; main prints it with the usage text and exits with 2. */
export class UsageError extends Error {}

/** Tiny option parser: `--flag`, `--key value`, `--key=value`, `-Y value`; the rest are positionals. */
export function parseArgs(
  args: string[],
  /** `repeated`: options that may be given more than once (tshark's -e), each value kept in `lists`. */
  spec: { flags?: string[]; options?: string[]; repeated?: string[] },
): { flags: Set<string>; options: Map<string, string>; lists: Map<string, string[]>; positionals: string[] } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  const fl = new Set(spec.flags ?? []);
  const op = new Set([...(spec.options ?? []), ...(spec.repeated ?? [])]);
  const rp = new Set(spec.repeated ?? []);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(0, eq) : a;
      if (fl.has(key)) {
        flags.add(key);
      } else if (op.has(key)) {
        const v = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`option ${key} needs a value`);
        options.set(key, v);
        if (rp.has(key)) lists.set(key, [...(lists.get(key) ?? []), v]);
      } else {
        throw new UsageError(`unknown option ${key}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { flags, options, lists, positionals };
}

/** Opens FILE in a session for the length of `fn` (hashing the file only when asked), then closes it. */
export async function withSession<T>(
  file: string,
  fn: (s: CaptureSession) => Promise<T> | T,
  hash = false,
): Promise<T> {
  const s = new CaptureSession({ hash });
  try {
    await s.open(file);
    return await fn(s);
  } finally {
    s.close();
  }
}
