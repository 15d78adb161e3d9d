/** Service handlers for objects, hashing, signatures, found GIFs and follow stream. */
import type { MethodName, Req, Res } from '../api/methods.js';
import type { CaptureSession } from './session.js';
import type { Emit } from './service.js';
import { SessionError } from './session.js';

type ForensicMethods =
  'objects' | 'objectBytes' | 'analyseObjects' | 'exportObjects' | 'gifs' | 'hashFile' | 'follow';
type Handler<M extends MethodName> = (req: Req<M>) => Res<M> | Promise<Res<M>>;

export function forensicHandlers(
  _session: CaptureSession,
  _ctx: { dataDir: string; emit: Emit },
): { [M in ForensicMethods]: Handler<M> } {
  const unavailable = (what: string) => () => {
    throw new SessionError(`${what} is not available yet`);
  };
  return {
    objects: unavailable('the HTTP object list'),
    objectBytes: unavailable('the HTTP object list'),
    analyseObjects: unavailable('object analysis'),
    exportObjects: unavailable('object export'),
    gifs: unavailable('the found-GIFs view'),
    hashFile: unavailable('hashing'),
    follow: unavailable('follow stream'),
  };
}
