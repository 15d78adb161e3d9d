import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashBytes } from '../forensics/hash.js';
import { tempNameIn } from '../forensics/safe-write.js';
import { ObjectWriter } from './writer-thread.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wirelens-writer-'));
  dirs.push(d);
  return d;
};

describe.each([true, false])('ObjectWriter (on a thread: %s)', (thread) => {
  it('hashes and writes every object, answering in order, never replacing a file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taken.bin'), 'evidence');
    const w = new ObjectWriter({ thread });
    // More than one batch, of several sizes (an empty object included).
    const data = Array.from({ length: 150 }, (_, i) => new Uint8Array(i * 37).fill(i));
    const outcomes = await Promise.all(
      data.map((d, i) => w.write(tempNameIn(dir), join(dir, `o${i}.bin`), d)),
    );
    const taken = await w.write(tempNameIn(dir), join(dir, 'taken.bin'), new Uint8Array([1, 2, 3]));
    w.close();
    for (const [i, o] of outcomes.entries()) {
      expect(o.error).toBeUndefined();
      expect(o.hashes).toEqual(hashBytes(data[i]));
      expect(readFileSync(join(dir, `o${i}.bin`))).toEqual(Buffer.from(data[i]));
    }
    expect(taken.error?.code).toBe('EEXIST');
    expect(taken.hashes).toEqual(hashBytes(new Uint8Array([1, 2, 3])));
    expect(readFileSync(join(dir, 'taken.bin'), 'utf8')).toBe('evidence');
    // No temporary file left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(w.answeredByThread).toBe(thread ? 151 : 0);
  });

  it('reports a folder it cannot write to with the reason', async () => {
    const missing = join(tempDir(), 'gone');
    const w = new ObjectWriter({ thread });
    const o = await w.write(tempNameIn(missing), join(missing, 'a.gif'), new Uint8Array([0x47]));
    w.close();
    expect(o.error?.code).toBe('ENOENT');
    expect(o.error?.message).toContain('gone');
    expect(existsSync(missing)).toBe(false);
  });
});

describe('ObjectWriter backpressure', () => {
  it('makes room() wait while more than 64 MiB are handed over, and go on once written', async () => {
    const dir = tempDir();
    const w = new ObjectWriter();
    const big = new Uint8Array(40 << 20);
    const a = w.write(tempNameIn(dir), join(dir, 'a'), big);
    await w.room(); // 40 MiB: room left
    const b = w.write(tempNameIn(dir), join(dir, 'b'), big);
    let roomy = false;
    const room = w.room().then(() => (roomy = true));
    expect(roomy).toBe(false);
    await Promise.all([a, b, room]);
    expect(roomy).toBe(true);
    w.close();
  });
});
