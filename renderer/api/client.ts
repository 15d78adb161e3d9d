/** Picks the one WirelensApi for this page, once: the Electron preload bridge when present, else WebSocket. */
import type { WirelensApi } from '../../core/api/methods.js';
import { createWsClient } from './ws-client.js';

declare global {
  interface Window {
    wirelens?: WirelensApi;
  }
}

export function chooseApi(): { api: WirelensApi; kind: 'electron' | 'web' } {
  if (typeof window !== 'undefined' && window.wirelens) return { api: window.wirelens, kind: 'electron' };
  return { api: createWsClient(), kind: 'web' };
}
