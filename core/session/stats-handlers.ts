/**
 * Service handlers for Statistics: conversations with endpoints, the protocol hierarchy, resolved addresses,
 * expert information, TLS handshakes and credentials.
 */
import type { MethodName, Req, Res } from '../api/methods.js';
import type {
  ConversationStats,
  ConvType,
  Credential,
  ExpertEntry,
  PhsNode,
  ResolvedHost,
  TlsHandshake,
} from '../api/types.js';
import { AllConversations, allConversations, protocolHierarchy } from '../stats/run.js';
import { PhsBuilder } from '../stats/phs.js';
import { findCredentials } from '../stats/credentials.js';
import { expertInfo } from '../stats/expert.js';
import { resolvedHosts } from '../stats/hosts.js';
import { tlsHandshakes } from '../stats/tls.js';
import type { Dissection } from '../dissect/types.js';
import type { CaptureSession } from './session.js';
import { SessionError } from './session.js';

type StatsMethods = 'conversations' | 'phs' | 'credentials' | 'hosts' | 'expert' | 'tls';
/** The tables of every conversation type, by type. */
type AllStats = Partial<Record<ConvType, ConversationStats>>;
type Handler<M extends MethodName> = (req: Req<M>) => Res<M> | Promise<Res<M>>;

/**
 * Scans the whole capture in order, handing `fn` only the frames of the current view (the applied display
 * filter); `first` gets the capture's first frame, so relative times stay relative to the capture's start.
 */
function scanDisplayed(
  session: CaptureSession,
  selection: Parameters<CaptureSession['scan']>[2],
  fn: (d: Dissection) => void,
  first?: (d: Dissection) => void,
): void {
  const shown = session.displayed;
  let pos = 0;
  session.scan(0, session.total, selection, (i, d) => {
    if (i === 0) first?.(d);
    const no = i + 1;
    while (pos < shown && session.frameAt(pos) < no) pos++;
    if (pos < shown && session.frameAt(pos) === no) fn(d);
    // Past the last displayed frame nothing more counts: stop the scan.
    return pos < shown;
  });
}

export function statsHandlers(session: CaptureSession): { [M in StatsMethods]: Handler<M> } {
  // One pass per (capture, packet count, filter) for all conversation types, one for the hierarchy: switching
  // tabs and types costs nothing; a capture that grew (live, or still indexing) or another filter is counted again.
  // The credentials, resolved addresses and expert information likewise: one pass per capture and packet count.
  type Cached = AllStats | PhsNode | Credential[] | ResolvedHost[] | ExpertEntry[] | TlsHandshake[];
  const cache = new Map<string, Cached>();
  let cacheFor: unknown;
  const cached = <T extends Cached>(key: string, make: () => T): T => {
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
  // "Limit to display filter" only means something while a filter is applied.
  const filtered = (displayed: boolean | undefined): string =>
    displayed && session.filter !== '' ? session.filter : '';
  return {
    conversations: ({ type, displayed }) => {
      const filter = filtered(displayed);
      // Every type is counted in the same pass (the panel shows each type's count on its button): switching
      // types then costs nothing.
      const all = cached(`conv\u0000${filter}`, () => {
        let tables: AllConversations;
        if (filter) {
          tables = new AllConversations();
          scanDisplayed(
            session,
            AllConversations.selection,
            (d) => tables.add(d),
            (d) => tables.origin(d),
          );
        } else tables = allConversations(session);
        const out: AllStats = {};
        for (const [t, table] of tables.tables)
          out[t] = { type: t, conversations: table.conversations(), endpoints: table.endpoints() };
        return out;
      });
      const counts: NonNullable<ConversationStats['counts']> = {};
      for (const [t, st] of Object.entries(all) as [ConvType, ConversationStats][])
        counts[t] = { conversations: st.conversations.length, endpoints: st.endpoints.length };
      const mine = all[type];
      if (!mine) throw new SessionError(`unknown conversation type ${type}`);
      return { ...mine, counts };
    },
    phs: ({ displayed }) => {
      const filter = filtered(displayed);
      return cached(`phs\u0000${filter}`, () => {
        if (!filter) return protocolHierarchy(session).root;
        const phs = new PhsBuilder();
        scanDisplayed(session, 'columns', (d) => phs.add(d));
        return phs.root;
      });
    },
    credentials: () => cached('credentials', () => findCredentials(session)),
    hosts: () => cached('hosts', () => resolvedHosts(session).list()),
    expert: () => cached('expert', () => expertInfo(session).list()),
    tls: () => cached('tls', () => tlsHandshakes(session)),
  };
}
