/** Service handlers for Statistics: conversations with endpoints, and the protocol hierarchy. */
import type { MethodName, Req, Res } from '../api/methods.js';
import type { ConversationStats, PhsNode } from '../api/types.js';
import { conversations, protocolHierarchy } from '../stats/run.js';
import { ConversationTable, CONV_FIELDS } from '../stats/conversations.js';
import { selectionOf } from '../stats/fields.js';
import { PhsBuilder } from '../stats/phs.js';
import type { Dissection } from '../dissect/types.js';
import type { CaptureSession } from './session.js';
import { SessionError } from './session.js';

type StatsMethods = 'conversations' | 'phs';
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
  // One pass per (capture, packet count, table, filter): switching tabs back and forth costs nothing; a capture
  // that grew (live, or still indexing) or another display filter is counted again.
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
  // "Limit to display filter" only means something while a filter is applied.
  const filtered = (displayed: boolean | undefined): string =>
    displayed && session.filter !== '' ? session.filter : '';
  return {
    conversations: ({ type, displayed }) => {
      const filter = filtered(displayed);
      return cached(`conv:${type}\u0000${filter}`, () => {
        let t: ConversationTable;
        if (filter) {
          t = new ConversationTable(type);
          scanDisplayed(
            session,
            selectionOf(CONV_FIELDS[type]),
            (d) => t.add(d),
            (d) => t.origin(d),
          );
        } else t = conversations(session, type);
        return { type, conversations: t.conversations(), endpoints: t.endpoints() };
      });
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
  };
}
