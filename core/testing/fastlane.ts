/** Test helper: `wirelens list` with and without the fast lane (core/fastlane), compared. */
import { basename } from 'node:path';
import { expect } from 'vitest';
import { main } from '../cli/main.js';

async function list(
  args: string[],
  lane: boolean,
  threads = 1,
): Promise<{ out: string; lane: number; engine: number }> {
  const before = { lane: process.env.WIRELENS_FASTLANE, threads: process.env.WIRELENS_THREADS };
  process.env.WIRELENS_FASTLANE = lane ? 'stats' : '0';
  process.env.WIRELENS_THREADS = String(threads);
  let out = '';
  let err = '';
  try {
    const code = await main(['list', ...args], { out: (t) => void (out += t), err: (t) => void (err += t) });
    expect(code).toBe(0);
  } finally {
    for (const [k, v] of [
      ['WIRELENS_FASTLANE', before.lane],
      ['WIRELENS_THREADS', before.threads],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  const m = /(\d+) rows from the fast lane, (\d+) from the engine/.exec(err);
  return { out, lane: m ? Number(m[1]) : 0, engine: m ? Number(m[2]) : 0 };
}

/**
 * Lists `file` with the lane (on `threads` threads) and with the engine alone (on one); expects the same text;
 * returns the lane's and the engine's rows (counted on one thread only).
 */
export async function same(file: string, args: string[], threads = 1): Promise<[number, number]> {
  const fast = await list([file, ...args], true, threads);
  const slow = await list([file, ...args], false);
  if (fast.out !== slow.out) {
    const a = fast.out.split('\n');
    const b = slow.out.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    expect(`${basename(file)}: ${a[i]}`).toBe(`${basename(file)}: ${b[i]}`);
  }
  return [fast.lane, fast.engine];
}
