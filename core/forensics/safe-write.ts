/**
 * Putting a finished file in place without ever replacing one (exported objects, reports, packets): the file is
 * written under a temporary name in the destination folder, then given its name by a hard link, which fails when
 * the name exists; in a folder without hard links (FAT, exFAT, some network shares) by a rename after checking
 * the name is still free. The temporary file is gone afterwards whatever happened.
 */
import { randomUUID } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { closeSync, linkSync, lstatSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** True when something (a file, a folder, even a dangling symbolic link) has this name. */
export function nameTaken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    return errno(e) !== 'ENOENT';
  }
}

/** A fresh temporary name in `dir` (hidden, recognisably ours). */
export function tempNameIn(dir: string): string {
  return join(dir, `.wirelens-${process.pid}-${randomUUID()}.part`);
}

/**
 * The synchronous file calls that writing a new file needs (node:fs; a parameter, so that the functions below can
 * run in the export writer thread from their source text: core/objects/writer-thread.ts).
 */
export type SyncFs = Pick<
  typeof import('node:fs'),
  'openSync' | 'writeSync' | 'closeSync' | 'linkSync' | 'lstatSync' | 'renameSync' | 'unlinkSync'
>;

/**
 * Gives the finished temporary file `tmp` the name `final`, never replacing anything; removes `tmp` in any case.
 * Self-contained (it refers to nothing but its parameters): it also runs in the export writer thread.
 */
export function placeNewWith(fs: SyncFs, tmp: string, final: string): void {
  let renamed = false;
  try {
    try {
      fs.linkSync(tmp, final);
    } catch (e) {
      let taken = (e as NodeJS.ErrnoException).code === 'EEXIST';
      if (!taken) {
        try {
          fs.lstatSync(final);
          taken = true;
        } catch (e2) {
          taken = (e2 as NodeJS.ErrnoException).code !== 'ENOENT';
        }
      }
      if (taken) throw Object.assign(new Error('a file of that name appeared meanwhile'), { code: 'EEXIST' });
      fs.renameSync(tmp, final);
      renamed = true;
    }
  } finally {
    if (!renamed) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Writes `bytes` to the new file `tmp` (exclusive create); removes it again when that fails. Self-contained, like
 * placeNewWith; the two together write a new file safely (writeNewFile).
 */
export function writeTempWith(fs: SyncFs, tmp: string, bytes: Uint8Array): void {
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      let o = 0;
      while (o < bytes.length) o += fs.writeSync(fd, bytes, o, bytes.length - o);
      // No fsync per file: the link or rename makes each file appear whole; thousands of fsyncs would dominate.
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

const nodeFs: SyncFs = { openSync, writeSync, closeSync, linkSync, lstatSync, renameSync, unlinkSync };

/** placeNewWith on this thread. */
export function placeNew(tmp: string, final: string): void {
  placeNewWith(nodeFs, tmp, final);
}

/**
 * Writes `data` to a new file `path`: under a fresh temporary name beside it, then placed (placeNewWith). Never
 * replaces anything, fails with the code EEXIST when the name is taken, and leaves no temporary file behind.
 */
export function writeNewFile(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = tempNameIn(dirname(path));
  writeTempWith(nodeFs, tmp, bytes);
  placeNewWith(nodeFs, tmp, path);
}

/**
 * Writes files that belong together (report.json, report.csv, …) under the first stem none of them has taken:
 * `stem`, then `stem(1)`, `stem(2)`, … so an earlier export's report in the same folder is never replaced.
 * Returns the paths written.
 */
export function writeNewSet(
  dir: string,
  stem: string,
  files: readonly { ext: string; data: Uint8Array | string }[],
): string[] {
  for (let k = 0; ; k++) {
    const base = k ? `${stem}(${k})` : stem;
    const paths = files.map((f) => join(dir, base + f.ext));
    if (paths.some(nameTaken)) continue;
    const done: string[] = [];
    try {
      for (let i = 0; i < files.length; i++) {
        writeNewFile(paths[i], files[i].data);
        done.push(paths[i]);
      }
      return done;
    } catch (e) {
      // Someone took one of the names meanwhile: start again under the next stem, leaving nothing behind.
      for (const p of done) rmSync(p, { force: true });
      if (errno(e) !== 'EEXIST') throw e;
    }
  }
}
