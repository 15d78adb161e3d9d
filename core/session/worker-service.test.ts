import { describe, expect, it } from 'vitest';
import { engineWorkerOptions } from '../web/server.js';
import { createWorkerService, engineHeapMb } from './worker-service.js';
import { totalmem } from 'node:os';

describe('worker service', () => {
  it('gives the engine three quarters of the machine memory', () => {
    expect(engineHeapMb()).toBe(Math.max(1024, Math.floor((totalmem() * 0.75) / 2 ** 20)));
  });

  it('says the engine ran out of memory, and starts a new one for the next call instead of hanging', async () => {
    // An engine too small to even load its modules: it stops with an out-of-memory error.
    const svc = createWorkerService({ ...engineWorkerOptions(), heapMb: 2 });
    try {
      await expect(svc.call('rows', { start: 0, count: 1 })).rejects.toThrow(
        /ran out of memory \(its limit is 2 MiB/,
      );
      await expect(svc.call('rows', { start: 0, count: 1 })).rejects.toThrow(/ran out of memory/);
    } finally {
      svc.dispose();
    }
  }, 60_000);

  it('serves calls from a worker with the default limit', async () => {
    const svc = createWorkerService(engineWorkerOptions());
    try {
      await expect(svc.call('rows', { start: 0, count: 1 })).rejects.toThrow(/no capture/i);
    } finally {
      svc.dispose();
    }
  }, 60_000);
});
