/**
 * SIP (RFC 3261) as Wireshark 4.0 shows it, for the evidence of a VoIP call: who called whom and when. The start
 * line (Info "Request: INVITE sip:bob@example.com | ", "Status: 200 OK (REGISTER)  (1 binding) | "), the headers
 * an investigator reads (From, To and Contact with their URI parts and tags, Call-ID, CSeq, Via, User-Agent,
 * P-Asserted-Identity, …), responses paired with their requests by Call-ID and CSeq, and an SDP body as an SDP layer
 * ("SIP/SDP") with the media's address and ports.
 *
 * Not done: the finer parts of Via, Authorization and the other structured headers (their lines are shown), SIP
 * over TLS, and a message split over TCP segments.
 */
import { bool, frameNum, none, proto, str, uint, type FieldDef } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatText } from '../fields/text.js';
import { forEachLine, lineAt } from './lines.js';

const f = {
  requestLine: str('sip.Request-Line', 'Request-Line'),
  statusLine: str('sip.Status-Line', 'Status-Line'),
  method: str('sip.Method', 'Method'),
  ruri: str('sip.r-uri', 'Request-URI'),
  ruriUser: str('sip.r-uri.user', 'Request-URI User Part'),
  ruriHost: str('sip.r-uri.host', 'Request-URI Host Part'),
  ruriPort: str('sip.r-uri.port', 'Request-URI Host Port'),
  statusCode: uint('sip.Status-Code', 'Status-Code', 32),
  resend: bool('sip.resend', 'Resent Packet'),
  responseRequest: frameNum('sip.response-request', 'Request Frame'),
  responseTime: uint('sip.response-time', 'Response Time (ms)', 32),
  msgHdr: str('sip.msg_hdr', 'Message Header'),
  msgBody: none('sip.msg_body', 'Message Body'),
  callIdGenerated: str('sip.call_id_generated', 'Generated Call-ID'),
  cseqSeq: uint('sip.CSeq.seq', 'Sequence Number', 32),
  cseqMethod: str('sip.CSeq.method', 'Method'),
  displayInfo: str('sip.display.info', 'SIP Display info'),
  tag: str('sip.tag', 'SIP tag'),
};

/** A header whose value is a name-addr (From, To, Contact, P-Asserted-Identity): the fields of its parts. */
interface AddrFields {
  display: FieldDef;
  addr: FieldDef;
  user: FieldDef;
  host: FieldDef;
  port: FieldDef;
  tag?: FieldDef;
}
const addrFields = (key: string, name: string, addr: string, tag: boolean): AddrFields => ({
  display: str(`sip.${key}.display.info`, `SIP ${name === 'Contact URI' ? 'C-URI' : name} display info`),
  addr: str(`sip.${key}.${key === 'contact' ? 'uri' : 'addr'}`, addr),
  user: str(`sip.${key}.user`, `${addr} User Part`),
  host: str(`sip.${key}.host`, `${addr} Host Part`),
  port: str(`sip.${key}.port`, `${addr} Host Port`),
  ...(tag ? { tag: str(`sip.${key}.tag`, `SIP ${key} tag`) } : {}),
});
const ADDR: Record<string, AddrFields> = {
  from: addrFields('from', 'from', 'SIP from address', true),
  to: addrFields('to', 'to', 'SIP to address', true),
  contact: addrFields('contact', 'Contact URI', 'Contact URI', false),
  'p-asserted-identity': {
    display: str('sip.pai.display.info', 'SIP PAI display info'),
    addr: str('sip.pai.addr', 'SIP PAI Address'),
    user: str('sip.pai.user', 'SIP PAI User Part'),
    host: str('sip.pai.host', 'SIP PAI Host Part'),
    port: str('sip.pai.port', 'SIP PAI Host Port'),
  },
};

/** The headers given fields of their own, by lower-case name (compact forms map to their full names). */
const HEADERS = new Map<string, FieldDef>(
  (
    [
      ['via', 'Via', 'string'],
      ['from', 'From', 'string'],
      ['to', 'To', 'string'],
      ['call-id', 'Call-ID', 'string'],
      ['cseq', 'CSeq', 'string'],
      ['contact', 'Contact', 'string'],
      ['content-type', 'Content-Type', 'string'],
      ['content-length', 'Content-Length', 'uint'],
      ['user-agent', 'User-Agent', 'string'],
      ['server', 'Server', 'string'],
      ['expires', 'Expires', 'uint'],
      ['supported', 'Supported', 'string'],
      ['allow', 'Allow', 'string'],
      ['max-forwards', 'Max-Forwards', 'uint'],
      ['p-asserted-identity', 'P-Asserted-Identity', 'string'],
      ['subject', 'Subject', 'string'],
      ['record-route', 'Record-Route', 'string'],
      ['route', 'Route', 'string'],
      ['authorization', 'Authorization', 'string'],
      ['www-authenticate', 'WWW-Authenticate', 'string'],
      ['proxy-authenticate', 'Proxy-Authenticate', 'string'],
      ['proxy-authorization', 'Proxy-Authorization', 'string'],
    ] as const
  ).map(([key, name, kind]) => [
    key,
    kind === 'uint' ? uint(`sip.${name}`, name, 32) : str(`sip.${name}`, name),
  ]),
);
const COMPACT: Record<string, string> = {
  i: 'call-id',
  f: 'from',
  t: 'to',
  m: 'contact',
  v: 'via',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
};

/**
 * Header names Wireshark knows (the rest get an "Unrecognised SIP header" note): RFC 3261's and the common
 * extensions'.
 */
const KNOWN = new Set(
  (
    'accept accept-contact accept-encoding accept-language accept-resource-priority alert-info allow allow-events ' +
    'answer-mode authentication-info authorization call-id call-info contact content-disposition content-encoding ' +
    'content-language content-length content-type cseq date error-info event expires feature-caps flow-timer from ' +
    'geolocation geolocation-error geolocation-routing history-info identity identity-info info-package ' +
    'in-reply-to join max-breadth max-forwards mime-version min-expires min-se organization p-access-network-info ' +
    'p-answer-state p-asserted-identity p-asserted-service p-associated-uri p-called-party-id ' +
    'p-charging-function-addresses p-charging-vector p-dcs-billing-info p-dcs-laes p-dcs-osps p-dcs-redirect ' +
    'p-dcs-trace-party-id p-early-media p-media-authorization p-preferred-identity p-preferred-service ' +
    'p-profile-key p-refused-uri-list p-served-user p-user-database p-visited-network-id path permission-missing ' +
    'policy-contact policy-id priority priv-answer-mode privacy proxy-authenticate proxy-authorization ' +
    'proxy-require rack reason reason-phrase record-route recv-info refer-sub refer-to referred-by reject-contact ' +
    'relayed-charge replaces reply-to request-disposition require resource-priority resource-share ' +
    'response-source retry-after route rseq security-client security-server security-verify send-info server ' +
    'service-route session-expires session-id sip-etag sip-if-match subject subscription-state supported ' +
    'suppress-if-match target-dialog timestamp to trigger-consent unsupported user-agent user-to-user via ' +
    'warning www-authenticate diversion p-asserted-service x-as-info'
  ).split(' '),
);

const sdp = proto('sdp', 'Session Description Protocol');
const sdpFields = {
  version: str('sdp.version', 'Session Description Protocol Version (v)'),
  owner: str('sdp.owner', 'Owner/Creator, Session Id (o)'),
  sessionName: str('sdp.session_name', 'Session Name (s)'),
  connection: str('sdp.connection_info', 'Connection Information (c)'),
  connectionAddress: str('sdp.connection_info.address', 'Connection Address'),
  time: str('sdp.time', 'Time Description, active time (t)'),
  media: str('sdp.media', 'Media Description, name and address (m)'),
  mediaMedia: str('sdp.media.media', 'Media Type'),
  mediaPort: uint('sdp.media.port', 'Media Port', 16),
  mediaProto: str('sdp.media.proto', 'Media Protocol'),
  sessionAttribute: str('sdp.session_attr', 'Session Attribute (a)'),
  mediaAttribute: str('sdp.media_attr', 'Media Attribute (a)'),
};

const SIP_PORT = 5060;

/** Requests by Call-ID and CSeq, kept on the first pass for their responses. */
interface SipState {
  requests: Map<string, { frame: number; at: number }>;
}

/** The parts of a SIP URI inside a header value: its text and offsets, its user, host and port. */
interface Uri {
  at: number;
  text: string;
  user?: [number, string];
  host: [number, string];
  port?: [number, string];
}

/** Parses "sip:user@host:port;params" at `at` (the URI's text `text`): the user, host and port parts. */
function uriParts(at: number, text: string): Uri {
  const colon = text.indexOf(':');
  let rest = text.slice(colon + 1);
  let o = at + colon + 1;
  const uri: Uri = { at, text, host: [o, ''] };
  const semi = rest.search(/[;?]/);
  if (semi >= 0) rest = rest.slice(0, semi);
  const atSign = rest.lastIndexOf('@');
  if (atSign >= 0) {
    uri.user = [o, rest.slice(0, atSign)];
    o += atSign + 1;
    rest = rest.slice(atSign + 1);
  }
  const portAt = rest.startsWith('[') ? rest.indexOf(']:') + 1 : rest.indexOf(':');
  if (portAt > 0) {
    uri.host = [o, rest.slice(0, portAt)];
    uri.port = [o + portAt + 1, rest.slice(portAt + 1)];
  } else uri.host = [o, rest];
  return uri;
}

export const sip = defineProtocol({
  abbrev: 'sip',
  name: 'Session Initiation Protocol',
  registerIn: { 'udp.port': SIP_PORT, 'tcp.port': SIP_PORT },
  dissect(ctx) {
    const v = ctx.view;
    const b = v.bytes;
    const { end: lineEnd, next: headersAt } = lineAt(v, 0);
    const line = v.latin1(0, lineEnd);
    const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(line);
    const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(line);
    if (!request && !status) return false;
    ctx.columns.protocol = 'SIP';
    const o = (parent: Item) => ({ parent });
    const top = ctx.top;
    let info: string;
    let method = '';
    let startLine: Item;
    if (request) {
      method = request[1];
      startLine = ctx.add(f.requestLine, 0, lineEnd, line);
      ctx.add(f.method, 0, method.length, method, o(startLine));
      const uriAt = method.length + 1;
      const ruri = ctx.add(f.ruri, uriAt, request[2].length, request[2], o(startLine));
      uriItems(
        ctx,
        uriParts(uriAt, request[2]),
        { user: f.ruriUser, host: f.ruriHost, port: f.ruriPort },
        ruri,
      );
      ctx.add(f.resend, 0, 0, false, { parent: startLine, generated: true });
      info = `Request: ${method} ${request[2]}`;
      ctx.setLabel(top, `Session Initiation Protocol (${method})`);
    } else {
      const code = Number(status![1]);
      startLine = ctx.add(f.statusLine, 0, lineEnd, line);
      ctx.add(f.statusCode, 8, 3, code, o(startLine));
      ctx.add(f.resend, 0, 0, false, { parent: startLine, generated: true });
      info = `Status: ${code} ${status![2]}`;
      ctx.setLabel(top, `Session Initiation Protocol (${code})`);
    }
    // The headers, a line each (a folded line is shown as a line of its own), up to the blank line.
    let bodyAt = v.length;
    let headersEnd = v.length;
    for (let at = headersAt; at < v.length;) {
      const { end, next } = lineAt(v, at);
      if (end === at) {
        headersEnd = at;
        bodyAt = next;
        break;
      }
      at = next;
    }
    // Its value, as in Wireshark, is every header line and the blank line after them.
    const hdr = ctx.add(f.msgHdr, headersAt, bodyAt - headersAt, v.latin1(headersAt, bodyAt - headersAt), {
      label: 'Message Header',
    });
    let callId = '';
    let cseq = '';
    let contentType = '';
    let contacts = 0;
    for (let start = headersAt; start < headersEnd;) {
      const { end, next } = lineAt(v, start);
      const lineStart = start;
      start = next;
      const text = v.latin1(lineStart, end - lineStart);
      const colon = text.indexOf(':');
      if (colon <= 0) continue;
      const rawName = text.slice(0, colon).trim();
      const name = COMPACT[rawName.toLowerCase()] ?? rawName.toLowerCase();
      const rawValue = text.slice(colon + 1);
      const valueAt = lineStart + colon + 1 + (rawValue.length - rawValue.trimStart().length);
      const value = rawValue.trim();
      const field = HEADERS.get(name);
      const label = () => formatText(b, lineStart, text.length);
      let item: Item;
      if (field) {
        const val = field.kind === 'uint' ? Number.parseInt(value, 10) || 0 : value;
        item = ctx.add(field, lineStart, next - lineStart, val, { parent: hdr, label });
      } else {
        item = ctx.text(label(), lineStart, next - lineStart, hdr);
        if (!KNOWN.has(name))
          ctx.expert(item, 'note', 'undecoded', `Unrecognised SIP header (${rawName.toLowerCase()})`);
      }
      if (name === 'call-id') {
        callId = value;
        ctx.add(f.callIdGenerated, valueAt, value.length, value, { parent: hdr, generated: true });
      } else if (name === 'cseq') {
        cseq = value;
        const m = /^(\d+)\s+(\S+)/.exec(value);
        if (m) {
          ctx.add(f.cseqSeq, valueAt, m[1].length, Number(m[1]), o(item));
          ctx.add(f.cseqMethod, valueAt + value.indexOf(m[2], m[1].length), m[2].length, m[2], o(item));
        }
      } else if (name === 'content-type') contentType = value.split(';')[0].trim().toLowerCase();
      else if (ADDR[name]) {
        if (name === 'contact' && value !== '*') contacts += value.split(',').length;
        nameAddr(ctx, ADDR[name], valueAt, value, item);
      }
    }
    // Requests by Call-ID and CSeq (number and method), kept on the first pass.
    const st = ctx.state.get<SipState>('sip', () => ({ requests: new Map() }));
    const key = `${callId} ${cseq}`;
    const at = ctx.frame.tsSec * 1000 + ctx.frame.tsNsec / 1e6;
    if (request && !ctx.visited && !st.requests.has(key))
      st.requests.set(key, { frame: ctx.frame.number, at });
    // A response's request, and an ACK's: the INVITE it acknowledges (same CSeq number).
    const asked =
      request && method === 'ACK' ? `${callId} ${cseq.replace(/ACK$/, 'INVITE')}` : status ? key : '';
    if (asked) {
      const req = st.requests.get(asked);
      if (req && req.frame < ctx.frame.number) {
        ctx.add(f.responseRequest, 0, 0, req.frame, { parent: startLine, generated: true });
        ctx.add(f.responseTime, 0, 0, Math.round(at - req.at), { parent: startLine, generated: true });
      }
    }
    if (status) {
      const cseqMethod = /^\d+\s+(\S+)/.exec(cseq)?.[1] ?? '';
      const code = Number(status[1]);
      // A success names the method it answers.
      if (cseqMethod && code >= 200 && code < 300) info += ` (${cseqMethod})`;
    }
    // A registration's bindings (its Contact addresses), as tshark counts them.
    if (method === 'REGISTER' || (status && /REGISTER/.test(cseq) && contacts > 0))
      info += contacts > 0 ? `  (${contacts} binding${contacts === 1 ? '' : 's'})` : ' (fetch bindings)';
    ctx.columns.info = `${info} | `;
    if (bodyAt < v.length) {
      const body = ctx.add(f.msgBody, bodyAt, v.length - bodyAt, null, { label: 'Message Body' });
      if (contentType === 'application/sdp') {
        ctx.columns.protocol = 'SIP/SDP';
        sdpBody(ctx, bodyAt, body);
      }
    }
    return true;
  },
});

/** A name-addr header value (display name, <URI>, parameters): its display info, URI parts and tag. */
function nameAddr(ctx: DissectCtx, fields: AddrFields, at: number, value: string, parent: Item): void {
  const lt = value.indexOf('<');
  const gt = lt >= 0 ? value.indexOf('>', lt) : -1;
  let uriAt: number;
  let uri: string;
  if (lt >= 0 && gt > lt) {
    const display = value.slice(0, lt).trim();
    if (display) {
      ctx.add(fields.display, at, display.length, display, { parent });
      ctx.add(f.displayInfo, at, display.length, display, { parent, hidden: true });
    }
    uriAt = at + lt + 1;
    uri = value.slice(lt + 1, gt);
  } else {
    uriAt = at;
    uri = value.split(';')[0].trim();
  }
  const item = ctx.add(fields.addr, uriAt, uri.length, uri, { parent });
  uriItems(ctx, uriParts(uriAt, uri), fields, item);
  const tag = /;\s*tag=([^;\s]+)/i.exec(value.slice(gt >= 0 ? gt : 0));
  if (tag && fields.tag) {
    const tagAt = at + value.indexOf(tag[1], gt >= 0 ? gt : 0);
    ctx.add(fields.tag, tagAt, tag[1].length, tag[1], { parent });
    ctx.add(f.tag, tagAt, tag[1].length, tag[1], { parent, hidden: true });
  }
}

function uriItems(
  ctx: DissectCtx,
  uri: Uri,
  fields: { user: FieldDef; host: FieldDef; port: FieldDef },
  parent: Item,
): void {
  if (uri.user) ctx.add(fields.user, uri.user[0], uri.user[1].length, uri.user[1], { parent });
  ctx.add(fields.host, uri.host[0], uri.host[1].length, uri.host[1], { parent });
  if (uri.port) ctx.add(fields.port, uri.port[0], uri.port[1].length, uri.port[1], { parent });
}

/** An SDP body: its lines, with the session's connection address and each media line's type, port and protocol. */
function sdpBody(ctx: DissectCtx, at: number, parent: Item): void {
  const v = ctx.view;
  const top = ctx.layerItem(sdp, at, v.length - at, undefined, parent);
  const o = { parent: top };
  // Attributes before the first media description are the session's.
  let inMedia = false;
  forEachLine(v, at, (off, next) => {
    const { end } = lineAt(v, off);
    const line = v.latin1(off, end - off);
    const value = line.slice(2);
    const vAt = off + 2;
    switch (line.slice(0, 2)) {
      case 'v=':
        ctx.add(sdpFields.version, off, end - off, value, o);
        break;
      case 'o=':
        ctx.add(sdpFields.owner, off, end - off, value, o);
        break;
      case 's=':
        ctx.add(sdpFields.sessionName, off, end - off, value, o);
        break;
      case 'c=': {
        const c = ctx.add(sdpFields.connection, off, end - off, value, o);
        const address = value.split(' ')[2];
        if (address)
          ctx.add(sdpFields.connectionAddress, vAt + value.lastIndexOf(address), address.length, address, {
            parent: c,
          });
        break;
      }
      case 't=':
        ctx.add(sdpFields.time, off, end - off, value, o);
        break;
      case 'm=': {
        const m = ctx.add(sdpFields.media, off, end - off, value, o);
        const [media = '', port = '', protocol = ''] = value.split(' ');
        ctx.add(sdpFields.mediaMedia, vAt, media.length, media, { parent: m });
        ctx.add(sdpFields.mediaPort, vAt + media.length + 1, port.length, Number.parseInt(port, 10) || 0, {
          parent: m,
        });
        inMedia = true;
        ctx.add(sdpFields.mediaProto, vAt + media.length + port.length + 2, protocol.length, protocol, {
          parent: m,
        });
        break;
      }
      case 'a=':
        ctx.add(inMedia ? sdpFields.mediaAttribute : sdpFields.sessionAttribute, off, end - off, value, o);
        break;
      default:
        ctx.text(formatText(v.bytes, off, end - off), off, next - off, top);
    }
  });
}
