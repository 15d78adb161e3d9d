/**
 * Vitest's global setup: every temporary file and folder the suites make (os.tmpdir() reads TMPDIR) goes into one
 * folder of this run, removed at its end — exported objects and decompressed captures add up to gigabytes a run,
 * and a test that fails (or a process ended early) would otherwise leave its share behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
