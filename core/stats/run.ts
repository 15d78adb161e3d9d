/** Statistics over a whole capture through the session's in-order scan. */
import type { CaptureSession } from '../session/session.js';
import type { FollowProto, FollowResult } from '../api/types.js';
import type { Dissection } from '../dissect/types.js';
import { ConversationTable, CONV_FIELDS, type ConvType } from './conversations.js';
import { selectionOf } from './fields.js';
import { followSelection, HttpFollower, StreamFollower, TlsFollower } from './follow.js';
import { PhsBuilder } from './phs.js';

export function protocolHierarchy(session: CaptureSession, signal?: AbortSignal): PhsBuilder {
  const phs = new PhsBuilder();
  session.scan(0, session.total, 'columns', (_i, d) => phs.add(d), signal);
  return phs;
}

export function conversations(
  session: CaptureSession,
  type: ConvType,
  signal?: AbortSignal,
): ConversationTable {
  const t = new ConversationTable(type);
  session.scan(0, session.total, selectionOf(CONV_FIELDS[type]), (_i, d) => t.add(d), signal);
  return t;
}

export const CONV_TYPE_LIST = Object.keys(CONV_FIELDS) as ConvType[];

/** The tables of every conversation type, filled from one dissection per frame. */
export class AllConversations {
  readonly tables = new Map<ConvType, ConversationTable>(
    CONV_TYPE_LIST.map((t) => [t, new ConversationTable(t)]),
  );
  static readonly selection = selectionOf(CONV_TYPE_LIST.flatMap((t) => CONV_FIELDS[t]));

  add(d: Dissection): void {
    for (const t of this.tables.values()) t.add(d);
  }

  origin(d: Dissection): void {
    for (const t of this.tables.values()) t.origin(d);
  }
}

/** Every conversation type over the whole capture in one pass (the Statistics panel counts them all). */
export function allConversations(session: CaptureSession, signal?: AbortSignal): AllConversations {
  const all = new AllConversations();
  session.scan(0, session.total, AllConversations.selection, (_i, d) => all.add(d), signal);
  return all;
}

export function followStream(
  session: CaptureSession,
  proto: FollowProto,
  stream: number,
  signal?: AbortSignal,
): FollowResult {
  const f =
    proto === 'http'
      ? new HttpFollower(stream)
      : proto === 'tls'
        ? new TlsFollower(stream, session.captureState)
        : new StreamFollower(proto, stream);
  session.scan(0, session.total, followSelection(), (_i, d) => f.add(d), signal);
  return f.result();
}
