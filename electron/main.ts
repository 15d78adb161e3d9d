/**
 * Electron main process: one hardened window, the application menu, single-instance handling, and the
 * engine (CaptureSession) in a worker thread behind the allow-listed IPC bridge (electron/ipc.ts).
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  session,
  type MenuItemConstructorOptions,
} from 'electron';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWorkerService } from '../core/session/worker-service.js';
import type { Service } from '../core/session/service.js';
import type { ObjectProtocol } from '../core/api/types.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { TIME_FORMATS } from '../core/api/time-format.js';
import {
  denyPermissions,
  hardenContents,
  isAppUrl,
  webPreferences,
  withSecurityHeaders,
} from './security.js';

declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string | undefined;

const here = dirname(fileURLToPath(import.meta.url));
const devUrl =
  typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const rendererRoot = (() => {
  const name = typeof MAIN_WINDOW_VITE_NAME === 'string' ? MAIN_WINDOW_VITE_NAME : 'main_window';
  const forge = join(here, '..', 'renderer', name);
  return existsSync(join(forge, 'index.html')) ? forge : resolve(here, '..', '..', 'dist', 'renderer');
})();
const isApp = (url: string) => isAppUrl(url, { fileRoot: rendererRoot, devOrigin: devUrl });

/** A capture path among the command-line arguments (skipping Electron's own). */
export function captureArg(argv: string[]): string | undefined {
  return argv
    .slice(app.isPackaged ? 1 : 2)
    .find((a) => !a.startsWith('-') && /\.(pcap|pcapng|cap|gz)$/i.test(a) && existsSync(a));
}

/**
 * The engine worker script. In a packaged app it is unpacked next to app.asar (asarUnpack in both packaging
 * configs) because worker threads load their script through Node's loader, not Electron's asar layer.
 */
function engineEntry(): { entry?: URL } {
  const bundled = join(here, 'worker-entry.js');
  const unpacked = bundled.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  if (unpacked !== bundled && existsSync(unpacked)) return { entry: pathToFileURL(unpacked) };
  return existsSync(bundled) ? { entry: pathToFileURL(bundled) } : {};
}

let win: BrowserWindow | null = null;
let service: Service | null = null;
let recent: string[] = [];

async function openCapture(path: string): Promise<void> {
  if (!service) return;
  try {
    await service.call('open', { path: resolve(path) });
  } catch (e) {
    dialog.showErrorBox('Cannot open capture', `${path}\n\n${e instanceof Error ? e.message : String(e)}`);
  }
  await refreshMenu();
}

async function chooseAndOpen(): Promise<void> {
  if (!win) return;
  const r = await dialog.showOpenDialog(win, {
    title: 'Open capture',
    properties: ['openFile'],
    filters: [
      { name: 'Captures', extensions: ['pcap', 'pcapng', 'cap', 'gz'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  if (!r.canceled && r.filePaths[0]) await openCapture(r.filePaths[0]);
}

/**
 * File > Export Objects > HTTP… / IMF… / TFTP… / FTP-DATA… / SMB…: every object of that list into a chosen folder, with
 * its report.
 */
async function exportObjects(protocol: ObjectProtocol): Promise<void> {
  if (!win || !service) return;
  const r = await dialog.showOpenDialog(win, {
    title:
      protocol === 'imf'
        ? 'Export e-mails to…'
        : protocol === 'tftp'
          ? 'Export TFTP files to…'
          : protocol === 'ftp-data'
            ? 'Export FTP files to…'
            : protocol === 'smb'
              ? 'Export SMB files to…'
              : 'Export HTTP objects to…',
    properties: ['openDirectory', 'createDirectory'],
  });
  if (r.canceled || !r.filePaths[0]) return;
  try {
    const res = await service.call('exportObjects', { dir: r.filePaths[0], protocol });
    const reports = (res.reports ?? []).map((p) => basename(p)).join(', ');
    await dialog.showMessageBox(win, {
      message:
        `Exported ${res.written.length} ${protocol === 'imf' ? 'e-mail' : protocol === 'http' ? 'object' : 'file'}(s) to ${res.dir}` +
        (res.failed.length ? `; ${res.failed.length} failed` : '') +
        (reports ? ` (report: ${reports})` : ''),
    });
  } catch (e) {
    dialog.showErrorBox('Export failed', e instanceof Error ? e.message : String(e));
  }
}

/**
 * File > Export Specified Packets…: the displayed packets (or all of them, when a filter hides some and the user
 * says so) to a new pcapng or pcap file chosen in the save dialog. The engine never overwrites a file (even one the
 * native dialog agreed to replace) nor the capture itself; it reports the count and the new file's SHA-256.
 */
async function exportPackets(): Promise<void> {
  if (!win || !service) return;
  const info = await service.call('info', {});
  if (!info) return void dialog.showErrorBox('Export Specified Packets', 'Open a capture first.');
  const { displayed, total } = await service.call('rows', { start: 0, count: 0 });
  let which: 'displayed' | 'all' = 'displayed';
  if (displayed < total) {
    const ask = await dialog.showMessageBox(win, {
      type: 'question',
      title: 'Export Specified Packets',
      message: 'Which packets?',
      detail: `The display filter shows ${displayed} of ${total} packets.`,
      buttons: [`Displayed (${displayed})`, `All captured (${total})`, 'Cancel'],
      defaultId: 0,
      cancelId: 2,
    });
    if (ask.response === 2) return;
    which = ask.response === 0 ? 'displayed' : 'all';
  }
  const stem = info.name.replace(/\.gz$/i, '').replace(/\.(pcapng|pcap|cap)$/i, '');
  const r = await dialog.showSaveDialog(win, {
    title: 'Export Specified Packets',
    defaultPath: join(dirname(info.path), `${stem}-export.pcapng`),
    filters: [
      { name: 'pcapng', extensions: ['pcapng'] },
      { name: 'pcap', extensions: ['pcap'] },
    ],
  });
  if (r.canceled || !r.filePath) return;
  const format = /\.pcap$/i.test(r.filePath) ? 'pcap' : 'pcapng';
  try {
    const res = await service.call('exportPackets', { path: r.filePath, which, format });
    await dialog.showMessageBox(win, {
      title: 'Export Specified Packets',
      message: `${res.packets} packet(s) written to ${res.path}`,
      detail: `${res.format}, ${res.bytes} bytes\nSHA-256 ${res.sha256}`,
    });
  } catch (e) {
    dialog.showErrorBox('Export failed', e instanceof Error ? e.message : String(e));
  }
}

async function writeReport(): Promise<void> {
  if (!win || !service) return;
  const info = await service.call('info', {});
  if (!info) return void dialog.showErrorBox('Report', 'Open a capture first.');
  const r = await dialog.showSaveDialog(win, {
    title: 'Save report',
    defaultPath: `${info.name}.report.txt`,
  });
  if (r.canceled || !r.filePath) return;
  const lines = [
    `Wirelens report — ${new Date().toISOString()}`,
    `Capture: ${info.path}`,
    `SHA-256: ${info.sha256 ?? '(not computed)'}`,
    `Format: ${info.format}${info.gzip ? ' (gzip)' : ''}, ${info.packets} packets, ${info.bytes} bytes`,
    '',
  ];
  try {
    const analysed = await service.call('analyseObjects', {});
    lines.push('Objects (filename, size, MD5, SHA-256, signature verdict):');
    for (const a of analysed) {
      lines.push(
        `  ${a.object.filename}\t${a.object.size}\t${a.hashes.md5}\t${a.hashes.sha256}\t${a.signature.verdict}${a.signature.reason ? ' (' + a.signature.reason + ')' : ''}`,
      );
    }
  } catch (e) {
    lines.push(`Objects: unavailable (${e instanceof Error ? e.message : String(e)})`);
  }
  writeFileSync(r.filePath, lines.join('\n') + '\n');
}

async function refreshMenu(): Promise<void> {
  try {
    recent = service ? await service.call('recent', {}) : [];
  } catch {
    recent = [];
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
}

/**
 * Capture > Stop: stops the live capture (the renderer hears captureStopped), then offers to keep a copy of
 * the capture file; the native dialog has already asked before replacing an existing file.
 */
async function stopCapture(): Promise<void> {
  if (!service || !win) return;
  try {
    const r = await service.call('stopCapture', {});
    if (!r.path) return; // nothing was captured
    const save = await dialog.showSaveDialog(win, {
      title: `Save the capture (${r.packets} packets) as`,
      defaultPath: 'capture.pcap',
      filters: [{ name: 'pcap', extensions: ['pcap'] }],
    });
    if (!save.canceled && save.filePath) copyFileSync(r.path, save.filePath);
  } catch (e) {
    dialog.showErrorBox('Capture', e instanceof Error ? e.message : String(e));
  }
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const theme = (t: 'system' | 'light' | 'dark'): MenuItemConstructorOptions => ({
    label: t[0].toUpperCase() + t.slice(1),
    type: 'radio',
    checked: nativeTheme.themeSource === t,
    click: () => {
      nativeTheme.themeSource = t;
    },
  });
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void chooseAndOpen() },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: p, click: () => void openCapture(p) }))
            : [{ label: '(none)', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Export Specified Packets…', click: () => void exportPackets() },
        {
          label: 'Export Objects',
          submenu: [
            { label: 'HTTP…', click: () => void exportObjects('http') },
            { label: 'IMF…', click: () => void exportObjects('imf') },
            { label: 'TFTP…', click: () => void exportObjects('tftp') },
            { label: 'FTP-DATA…', click: () => void exportObjects('ftp-data') },
            { label: 'SMB…', click: () => void exportObjects('smb') },
          ],
        },
        { label: 'Report…', click: () => void writeReport() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'copy' },
        { role: 'selectAll' },
        { type: 'separator' },
        {
          label: 'Find Packet…',
          accelerator: 'CmdOrCtrl+F',
          // The renderer's find bar handles Ctrl+F itself; the menu item sends the same key press.
          registerAccelerator: false,
          click: () => {
            win?.webContents.sendInputEvent({ type: 'keyDown', keyCode: 'F', modifiers: ['control'] });
          },
        },
        {
          label: 'Go to Packet…',
          accelerator: 'CmdOrCtrl+G',
          // The renderer handles Ctrl+G itself; the menu item sends the same key press.
          registerAccelerator: false,
          click: () => {
            win?.webContents.sendInputEvent({ type: 'keyDown', keyCode: 'G', modifiers: ['control'] });
          },
        },
      ],
    },
    {
      label: 'Capture',
      submenu: [
        {
          label: 'Start…',
          accelerator: 'CmdOrCtrl+E',
          // The renderer opens its Capture panel on Ctrl+E (interface, capture filter, Start).
          registerAccelerator: false,
          click: () => {
            win?.webContents.sendInputEvent({ type: 'keyDown', keyCode: 'E', modifiers: ['control'] });
          },
        },
        { label: 'Stop', click: () => void stopCapture() },
      ],
    },
    {
      label: 'View',
      submenu: [
        // The renderer toggles its panes on Ctrl+Alt+1/2/3; the menu items send the same key presses.
        ...(['Packet List', 'Packet Details', 'Packet Bytes'] as const).map(
          (label, i): MenuItemConstructorOptions => ({
            label,
            accelerator: `CmdOrCtrl+Alt+${i + 1}`,
            registerAccelerator: false,
            click: () => {
              win?.webContents.sendInputEvent({
                type: 'keyDown',
                keyCode: String(i + 1),
                modifiers: ['control', 'alt'],
              });
            },
          }),
        ),
        { type: 'separator' },
        {
          label: 'Time Display Format',
          // The renderer keeps the format (with its other preferences) and picks one on Ctrl+Alt+Shift+1…0, in
          // this order; the items send those key presses. Not radio items: the menu cannot see the choice.
          submenu: TIME_FORMATS.map((f, i): MenuItemConstructorOptions => ({
            label: f.label,
            accelerator: `CmdOrCtrl+Alt+Shift+${(i + 1) % 10}`,
            registerAccelerator: false,
            click: () => {
              win?.webContents.sendInputEvent({
                type: 'keyDown',
                keyCode: String((i + 1) % 10),
                modifiers: ['control', 'alt', 'shift'],
              });
            },
          })),
        },
        { type: 'separator' },
        { label: 'Theme', submenu: [theme('system'), theme('light'), theme('dark')] },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        {
          label: 'About Wirelens',
          click: () =>
            void dialog.showMessageBox({
              title: 'About Wirelens',
              message: `Wirelens ${app.getVersion()}`,
              detail: 'Packet viewer for network-forensics investigators. MIT licence.',
            }),
        },
      ],
    },
  ];
}

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Wirelens',
    show: false,
    webPreferences: webPreferences(join(here, 'preload.cjs')),
  });
  hardenContents(win.webContents, isApp);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => {
    win = null;
  });
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadURL(pathToFileURL(join(rendererRoot, 'index.html')).toString());
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const file = argv.slice(1).find((a) => /\.(pcap|pcapng|cap|gz)$/i.test(a) && existsSync(a));
    if (file) void openCapture(file);
  });

  app.on('web-contents-created', (_e, contents) => hardenContents(contents, isApp));

  void app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, cb) =>
      cb({ responseHeaders: withSecurityHeaders(details.responseHeaders) }),
    );
    denyPermissions(session.defaultSession);
    service = createWorkerService(engineEntry());
    registerIpc(ipcMain, service, isApp);
    forwardEvents(service, (channel, msg) => win?.webContents.send(channel, msg));
    await refreshMenu();
    service.on('opened', () => void refreshMenu());
    await createWindow();
    // A capture on the command line opens; without one, the bundled sample does (the welcome screen stays one
    // click away under File).
    const file = captureArg(process.argv) ?? (await service.call('samplePath', {}));
    if (file && existsSync(file)) void openCapture(file);
  });

  app.on('window-all-closed', () => {
    service?.dispose();
    app.quit();
  });
}
