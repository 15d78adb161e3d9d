/** MD5, SHA-1 and SHA-256 in one pass (node:crypto), over bytes, a stream of chunks or a file. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Hashes } from '../api/types.js';

export class MultiHash {
  private readonly md5 = createHash('md5');
  private readonly sha1 = createHash('sha1');
  private readonly sha256 = createHash('sha256');
  size = 0;

  update(b: Uint8Array): this {
    this.md5.update(b);
    this.sha1.update(b);
    this.sha256.update(b);
    this.size += b.length;
    return this;
  }

  digest(): Hashes {
    return { md5: this.md5.digest('hex'), sha1: this.sha1.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}

/**
 * MD5, SHA-1 and SHA-256 of `b` with the given node:crypto. Self-contained (it refers to nothing but its
 * parameters): it also runs in the export writer thread from its source text (core/objects/writer-thread.ts).
 */
export function hashBytesWith(
  crypto: Pick<typeof import('node:crypto'), 'createHash'>,
  b: Uint8Array,
): Hashes {
  return {
    md5: crypto.createHash('md5').update(b).digest('hex'),
    sha1: crypto.createHash('sha1').update(b).digest('hex'),
    sha256: crypto.createHash('sha256').update(b).digest('hex'),
  };
}

export function hashBytes(b: Uint8Array): Hashes {
  return hashBytesWith({ createHash }, b);
}

/** One pass over a stream of chunks (a file, a reassembled body, a network stream). */
export async function hashIterable(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Hashes & { size: number }> {
  const h = new MultiHash();
  for await (const chunk of chunks) h.update(chunk);
  return { ...h.digest(), size: h.size };
}

/** A file, streamed in 1 MiB chunks (never read whole). */
export function hashFile(path: string, signal?: AbortSignal): Promise<Hashes & { size: number }> {
  return hashIterable(createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>);
}
