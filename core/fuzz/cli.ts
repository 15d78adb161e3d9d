/** `npm run fuzz -- [--iterations N] [--seed S]`: the long fuzz run; prints cases/s, failures, slowest packet. */
import { fuzz } from './fuzz.js';
import { fuzzSources } from './sources.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const iterations = opt('--iterations', 10_000);
const seed = opt('--seed', 1);
const sources = fuzzSources();
console.log(`fuzzing ${iterations} cases from ${sources.length} seed captures, seed ${seed}`);
const r = await fuzz(sources, iterations, seed);
console.log(
  `cases ${r.cases}, ${(r.cases / r.seconds).toFixed(1)} cases/s, failures ${r.failures.length}, slowest packet ${r.slowestMs.toFixed(1)} ms, ${r.seconds.toFixed(1)} s`,
);
for (const f of r.failures.slice(0, 20))
  console.log(
    `FAIL seed=${f.seed} ${f.mutation} on ${f.source} → ${f.saved}\n${f.error.split('\n').slice(0, 4).join('\n')}`,
  );
process.exitCode = r.failures.length ? 1 : 0;
