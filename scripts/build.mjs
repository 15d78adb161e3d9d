// `npm run build`: the renderer (dist/renderer) and the Electron main, engine worker and preload bundles
// (.vite/build). `--renderer` builds only the renderer (what the web host and the e2e specs need).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const only = process.argv.includes('--renderer') ? ['renderer'] : ['renderer', 'main', 'preload'];
const vite = 'node_modules/vite/bin/vite.js';
for (const target of only) {
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--logLevel', 'warn', '-c', `vite.${target}.config.ts`],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) {
    console.error(`build: ${target} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`build: ${target} ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
const outputs = {
  renderer: ['dist/renderer/index.html'],
  main: ['.vite/build/main.js', '.vite/build/worker-entry.js'],
  preload: ['.vite/build/preload.cjs'],
};
for (const t of only) {
  for (const f of outputs[t]) {
    if (!existsSync(f)) {
      console.error(`build: expected ${f} is missing`);
      process.exit(1);
    }
    console.log(`  ${f} ${(statSync(f).size / 1024).toFixed(0)} KiB`);
  }
}
