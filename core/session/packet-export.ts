/**
 * File > Export Specified Packets over a session: which packets (the displayed ones, all, optionally a range),
 * the provenance the new file records (source name, its SHA-256, the filter, the count), and the write itself
 * (core/capture/export-packets.ts). Shared by the service handler and `wirelens list -w`.
 */
import { basename } from 'node:path';
import type { PacketExportResult } from '../api/types.js';
import {
  checkExportTarget,
  exportPackets,
  ExportError,
  parsePacketRange,
  provenanceComment,
  type ExportFormat,
} from '../capture/export-packets.js';
import { SessionError, type CaptureSession } from './session.js';

export interface PacketChoice {
  /** Frame numbers (1-based, increasing), or null for every packet. */
  frames: Uint32Array | null;
  /** How they were chosen, in words (for the provenance comment). */
  selection: string;
}

/** The packets an export of `which` (and `range`, when given) covers in the session's current state. */
export function choosePackets(
  session: CaptureSession,
  which: 'displayed' | 'all',
  range?: string,
): PacketChoice {
  const view = which === 'displayed' ? session.viewFrames : null;
  let frames = view;
  let selection =
    which === 'displayed' && session.filter ? `display filter: ${session.filter}` : 'all packets';
  if (range !== undefined && range.trim() !== '') {
    const wanted = parsePacketRange(range, session.total);
    if (view) {
      const keep = new Uint8Array(session.total + 1);
      for (const n of wanted) keep[n] = 1;
      frames = view.filter((n) => keep[n] === 1);
    } else frames = wanted;
    selection += `, packet range ${range.trim()}`;
  }
  return { frames, selection };
}

/** Fails early (before a long filter run or indexing) when `path` cannot be an export target. */
export function checkTarget(session: CaptureSession, path: string): void {
  const cap = session.capture;
  if (!cap) throw new SessionError('no capture is open');
  try {
    checkExportTarget(path, cap.path);
  } catch (e) {
    if (e instanceof ExportError) throw new SessionError(e.message);
    throw e;
  }
}

/**
 * Writes the chosen packets of the session's capture to a new file (never overwriting). ExportError and capture
 * errors come back as SessionError with the path and the reason.
 */
export async function exportChosenPackets(
  session: CaptureSession,
  choice: PacketChoice,
  path: string,
  opts: {
    format?: ExportFormat;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
    exportedAt?: Date;
  } = {},
): Promise<PacketExportResult> {
  const cap = session.capture;
  if (!cap) throw new SessionError('no capture is open');
  const total = cap.index.count;
  let frames = choice.frames;
  if (!frames) {
    frames = new Uint32Array(total);
    for (let i = 0; i < total; i++) frames[i] = i + 1;
  }
  const sha256 = await session.fileSha256();
  if (session.capture !== cap) throw new SessionError('the capture was closed before the export started');
  const partial = cap.isComplete() ? '' : '; the capture had not been read to its end';
  const comment = provenanceComment({
    source: basename(cap.path),
    ...(sha256 ? { sha256 } : {}),
    selection: choice.selection + partial,
    packets: frames.length,
    total,
    ...(opts.exportedAt ? { exportedAt: opts.exportedAt } : {}),
  });
  try {
    return await exportPackets(cap, frames, path, {
      format: opts.format ?? 'pcapng',
      comment,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } catch (e) {
    if (e instanceof ExportError) throw new SessionError(e.message);
    throw e;
  }
}
