import type { ForgeConfig } from '@electron-forge/shared-types';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { MakerZIP } from '@electron-forge/maker-zip';
import { MakerDeb } from '@electron-forge/maker-deb';

/** Electron Forge: `npm start` (dev), `npm run package`, `npm run make` (zip + deb). */
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Wirelens',
    executableName: 'wirelens',
    icon: 'assets/icon',
    // The engine worker and its shared chunk run from outside the archive (see electron/main.ts).
    asar: { unpack: '**/.vite/build/{worker-entry,methods-*}.js' },
    extraResource: ['assets/sample.pcapng'],
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDeb({
      options: {
        name: 'wirelens',
        productName: 'Wirelens',
        genericName: 'Packet viewer',
        categories: ['Network', 'Utility'],
        icon: 'assets/icon.png',
        mimeType: ['application/vnd.tcpdump.pcap', 'application/x-pcapng'],
        section: 'net',
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'core/session/worker-entry.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
  ],
};

export default config;
