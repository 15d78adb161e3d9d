/**
 * Hash-set import and lookup rates on a generated MD5 list (default 10M entries; goals: import < 10 s and
 * < 300 MB, ≥ 1M lookups/s). Run: node --expose-gc --import tsx bench/hashset.bench.ts [entries]
 */
import { benchHashSets } from './forensics.js';

await benchHashSets(Number(process.argv[2]) || 10_000_000);
