// @ts-check
// electron-builder: installers (AppImage, deb, NSIS, dmg) from the bundles `npm run build` writes.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.wirelens.app',
  productName: 'Wirelens',
  copyright: 'Copyright © Wirelens contributors',
  directories: { output: 'out/installers', buildResources: 'assets' },
  files: ['.vite/build/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
  extraResources: [{ from: 'assets/sample.pcapng', to: 'sample.pcapng' }],
  extraMetadata: { main: '.vite/build/main.js' },
  asar: true,
  // The engine worker and its shared chunk run from outside the archive (see electron/main.ts).
  asarUnpack: ['.vite/build/worker-entry.js', '.vite/build/methods-*.js'],
  fileAssociations: [
    { ext: 'pcap', name: 'Packet capture', role: 'Viewer', mimeType: 'application/vnd.tcpdump.pcap' },
    { ext: 'pcapng', name: 'Packet capture (pcapng)', role: 'Viewer', mimeType: 'application/x-pcapng' },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network',
    icon: 'assets/icon.png',
    executableName: 'wirelens',
  },
  deb: { depends: ['libnss3', 'libgtk-3-0'] },
  win: { target: ['nsis'], icon: 'assets/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', icon: 'assets/icon.png' },
  dmg: { title: 'Wirelens' },
};
