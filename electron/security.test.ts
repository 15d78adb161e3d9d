import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  denyPermissions,
  hardenContents,
  isAppUrl,
  webPreferences,
  withSecurityHeaders,
  type ContentsLike,
} from './security.js';

describe('electron security settings', () => {
  it('isolates and sandboxes the renderer', () => {
    const p = webPreferences('/app/preload.cjs');
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });

  it('sends a strict CSP on every response, replacing any other', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(eval|inline)|\*|https?:/);
    const h = withSecurityHeaders({ 'content-security-policy': ['default-src *'], 'X-Other': 'a' });
    expect(h['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(h['content-security-policy']).toBeUndefined();
    expect(h['X-Other']).toEqual(['a']);
  });

  it('recognises only its own pages', () => {
    const app = { fileRoot: '/opt/wirelens/renderer', devOrigin: 'http://localhost:5173/' };
    expect(isAppUrl('file:///opt/wirelens/renderer/index.html', app)).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html', app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('file:///opt/wirelens/renderer-evil/x.html', app)).toBe(false);
    expect(isAppUrl('https://example.com/', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });

  it('blocks navigation, redirects, webviews and window.open', () => {
    const handlers = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents = {
      on(ev: string, fn: (e: { preventDefault(): void }, url?: string) => void) {
        handlers.set(ev, fn);
      },
      setWindowOpenHandler(fn: (d: { url: string }) => { action: 'deny' }) {
        openHandler = fn;
      },
    } as unknown as ContentsLike;
    hardenContents(contents, (u) => u.startsWith('file:///app/'));
    const fire = (ev: string, url?: string) => {
      let prevented = false;
      handlers.get(ev)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///app/index.html')).toBe(false);
    expect(fire('will-attach-webview')).toBe(true);
    expect(openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('denies permission requests', () => {
    let req: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
    let check: ((wc: unknown, p: string) => boolean) | null = null;
    denyPermissions({
      setPermissionRequestHandler: (f) => void (req = f),
      setPermissionCheckHandler: (f) => void (check = f),
    });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let answer: boolean | undefined;
      req!(null, p, (ok) => (answer = ok));
      expect(answer).toBe(false);
      expect(check!(null, p)).toBe(false);
    }
  });
});
