/**
 * Putting a finished file in place without ever replacing one (exported objects, exported packets): the file is
 * written under a temporary name in the destination folder, then given its name by a hard link, which fails when
 * the name exists; in a folder without hard links (FAT, exFAT, some network shares) by a rename after checking
 * the name is still free. The temporary file is gone afterwards whatever happened.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, lstatSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

/** Gives the finished temporary file `tmp` the name `final`, never replacing anything; removes `tmp` in any case. */
export function placeNew(tmp: string, final: string): void {
  let renamed = false;
  try {
    try {
      linkSync(tmp, final);
    } catch (e) {
      if (errno(e) === 'EEXIST' || nameTaken(final))
        throw new Error('a file of that name appeared meanwhile');
      renameSync(tmp, final);
      renamed = true;
    }
  } finally {
    if (!renamed) rmSync(tmp, { force: true });
  }
}
