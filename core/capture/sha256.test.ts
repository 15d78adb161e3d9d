import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File, sha256OnThread } from './sha256.js';

describe('sha256File', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-sha-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file of several chunks (and an empty one) as node:crypto does over its bytes', async () => {
    const bytes = randomBytes(3 * (1 << 20) + 12345);
    writeFileSync(join(dir, 'big.bin'), bytes);
    writeFileSync(join(dir, 'empty.bin'), '');
    const want = createHash('sha256').update(bytes).digest('hex');
    expect(await sha256OnThread(join(dir, 'big.bin'))).toBe(want);
    expect(await sha256File(join(dir, 'big.bin'))).toBe(want);
    expect(await sha256OnThread(join(dir, 'empty.bin'))).toBe(createHash('sha256').digest('hex'));
  });

  it('fails with the reason for a file that is not there, and stops when aborted', async () => {
    await expect(sha256File(join(dir, 'missing.pcap'))).rejects.toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining('missing.pcap'),
    });
    const ac = new AbortController();
    const p = sha256File(join(dir, 'big.bin'), ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
