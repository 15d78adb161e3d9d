/** Service handlers for Statistics: conversations with endpoints, and the protocol hierarchy. */
import type { MethodName, Req, Res } from '../api/methods.js';
import type { ConversationStats, PhsNode } from '../api/types.js';
import { conversations, protocolHierarchy } from '../stats/run.js';
import type { CaptureSession } from './session.js';
import { SessionError } from './session.js';

type StatsMethods = 'conversations' | 'phs';
type Handler<M extends MethodName> = (req: Req<M>) => Res<M> | Promise<Res<M>>;

export function statsHandlers(session: CaptureSession): { [M in StatsMethods]: Handler<M> } {
  // One pass per (capture, packet count, table): switching tabs back and forth costs nothing; a capture that
  // grew (live, or still indexing) is counted again.
  const cache = new Map<string, ConversationStats | PhsNode>();
  let cacheFor: unknown;
  const cached = <T extends ConversationStats | PhsNode>(key: string, make: () => T): T => {
    const cap = session.capture;
    if (!cap) throw new SessionError('no capture is open');
    if (cacheFor !== cap) {
      cache.clear();
      cacheFor = cap;
    }
    const k = `${key}@${session.total}`;
    let v = cache.get(k) as T | undefined;
    if (!v) cache.set(k, (v = make()));
    return v;
  };
  return {
    conversations: ({ type }) =>
      cached(`conv:${type}`, () => {
        const t = conversations(session, type);
        return { type, conversations: t.conversations(), endpoints: t.endpoints() };
      }),
    phs: () => cached('phs', () => protocolHierarchy(session).root),
  };
}
