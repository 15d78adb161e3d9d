// `npm start`: launch the Electron app; where the Electron binary is missing, say so and serve the web UI.
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
const args = process.argv.slice(2);
if (typeof electronPath === 'string' && existsSync(electronPath)) {
  const r = spawnSync('npx', ['electron-forge', 'start', '--', ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
console.log(
  [
    'Wirelens: the Electron binary is not installed on this machine (it is downloaded by `npm ci` only where',
    "Electron's download host is reachable; this install skipped it). Starting the web host instead: the same",
    'UI, served to your browser on 127.0.0.1 only, protected by a token. To get the desktop app, run',
    '`npx install-electron` or `npm ci` again with internet access and without ELECTRON_SKIP_BINARY_DOWNLOAD.',
    '',
  ].join('\n'),
);
const r = spawnSync(process.execPath, ['bin/wirelens.mjs', 'web', ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
