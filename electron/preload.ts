/** Preload (sandboxed): exposes exactly one typed object, window.wirelens, and nothing else. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('wirelens', createBridge(ipcRenderer, webUtils));
