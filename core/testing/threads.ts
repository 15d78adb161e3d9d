/** Test helpers: CLI commands run with a given number of threads (WIRELENS_THREADS), and their outputs compared. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../cli/main.js';

/** Runs `wirelens ARGS` with WIRELENS_THREADS=threads; its exit code and output. */
export async function runThreads(threads: number, args: string[]) {
  const before = process.env.WIRELENS_THREADS;
  process.env.WIRELENS_THREADS = String(threads);
  let out = '';
  let err = '';
  try {
    const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  } finally {
    if (before === undefined) delete process.env.WIRELENS_THREADS;
    else process.env.WIRELENS_THREADS = before;
  }
}

/** Every file of an export folder with its bytes; the folder's own path and the export time masked in reports. */
function folder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    let text = readFileSync(join(dir, f)).toString('latin1');
    if (f.startsWith('report')) text = text.replaceAll(dir, 'DIR').replace(/"exportedAt": "[^"]*"/, '');
    files.set(f, text);
  }
  return files;
}

/**
 * Exports `file` on one thread and on each of `threads` into folders under `base`, and expects the same output,
 * files and reports. Returns how many objects were written.
 */
export async function exportOnThreads(
  file: string,
  threads: readonly number[],
  args: readonly string[],
  base: string,
): Promise<{ objects: number }> {
  const one = join(base, `${threads.join('-')}-${args.join('-')}-1`);
  const ref = await runThreads(1, ['export', file, '--out', one, ...args]);
  expect(ref.code, ref.err).toBe(0);
  const want = folder(one);
  for (const n of threads) {
    const dir = join(base, `${threads.join('-')}-${args.join('-')}-${n}`);
    const r = await runThreads(n, ['export', file, '--out', dir, ...args]);
    expect({ ...r, err: r.err.replaceAll(dir, 'DIR') }, `${file} on ${n} threads`).toEqual({
      ...ref,
      err: ref.err.replaceAll(one, 'DIR'),
    });
    expect(folder(dir), `${file} on ${n} threads`).toEqual(want);
  }
  return { objects: ref.out.trim() ? ref.out.trim().split('\n').length : 0 };
}
