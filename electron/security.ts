/**
 * Security-relevant settings of the Electron shell as plain data and small functions, so unit tests can
 * assert them without Electron (electron/security.test.ts).
 */

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export function webPreferences(preload: string): typeof WEB_PREFERENCES & { preload: string } {
  return { ...WEB_PREFERENCES, preload };
}

/** The renderer needs nothing remote: no network at all (connect-src 'none'), only its own files. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Adds the CSP (and a few hardening headers) to every response the renderer session sees. */
export function withSecurityHeaders(
  headers: Record<string, string[] | string> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue;
    out[k] = Array.isArray(v) ? v : [v];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  out['X-Content-Type-Options'] = ['nosniff'];
  return out;
}

/**
 * True when `url` belongs to the app itself: the packaged renderer (file: URL under `appRoot`) or the Vite
 * dev server origin during `npm start`.
 */
export function isAppUrl(url: string, app: { fileRoot?: string; devOrigin?: string }): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (app.devOrigin && u.origin === new URL(app.devOrigin).origin) return true;
  if (u.protocol === 'file:' && app.fileRoot) {
    const root = app.fileRoot.endsWith('/') ? app.fileRoot : app.fileRoot + '/';
    return decodeURIComponent(u.pathname).startsWith(root);
  }
  return false;
}

/** Minimal shapes of the Electron objects we harden (so tests can pass fakes). */
export interface ContentsLike {
  on(
    event: 'will-navigate' | 'will-redirect',
    fn: (e: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', fn: (e: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(fn: (d: { url: string }) => { action: 'deny' }): void;
}
export interface SessionLike {
  setPermissionRequestHandler(fn: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(fn: ((wc: unknown, p: string) => boolean) | null): void;
}

/** Navigation and new windows are refused; links never open anything from inside the app. */
export function hardenContents(contents: ContentsLike, isApp: (url: string) => boolean): void {
  const block = (e: { preventDefault(): void }, url: string) => {
    if (!isApp(url)) e.preventDefault();
  };
  contents.on('will-navigate', (e, url) => {
    // Even same-app navigation would reload the renderer and drop its state: only allow the same URL.
    block(e, url);
  });
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Every permission request (camera, notifications, clipboard-read, …) is denied. */
export function denyPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  session.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
}
