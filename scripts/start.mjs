// `npm start`: launch the Electron app (Forge + Vite); where the Electron binary is missing, say so in one
// paragraph and serve the same UI from the web host instead (never a stack trace).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch {
  electronPath = undefined;
}
const given = process.argv.slice(2);
// With no capture on the command line, open the bundled sample so a first start shows something real.
const hasFile = given.some((a) => !a.startsWith('-'));
const args = hasFile ? given : [...given, 'assets/sample.pcapng'];
if (typeof electronPath === 'string' && existsSync(electronPath)) {
  const r = spawnSync('npx', ['electron-forge', 'start', '--', ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
console.log(
  [
    'Wirelens: the Electron binary is not installed on this machine (npm skipped its download, e.g. with',
    'ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without access to its download host), so the desktop window cannot open.',
    'Starting the web host instead: the same UI and engine, served to your browser on 127.0.0.1 only and',
    'protected by the token in the URL below. For the desktop app, run `npm ci` again with internet access and',
    'without ELECTRON_SKIP_BINARY_DOWNLOAD, then `npm start`.',
    '',
  ].join('\n'),
);
if (!existsSync('dist/renderer/index.html')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs', '--renderer'], { stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('Wirelens: building the UI failed (see above); the web host cannot start.');
    process.exit(b.status ?? 1);
  }
}
const r = spawnSync(process.execPath, ['bin/wirelens.mjs', 'web', ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
