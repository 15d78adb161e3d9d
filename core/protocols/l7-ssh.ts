/**
 * SSH (RFC 4253) as Wireshark 4.0 shows it, for what an investigator can learn from an encrypted session without
 * its keys: which software each side runs (the banners, "Client: Protocol (SSH-2.0-OpenSSH_9.2p1 …)"), what they
 * proposed and agreed (Key Exchange Init, the key exchange method's messages, New Keys), the HASSH fingerprints of
 * both sides (ssh.kex.hassh, ssh.kex.hasshserver: MD5 of the proposed key exchange, cipher, MAC and compression
 * lists, which tell a scripted brute-forcer from an OpenSSH client) and how big each encrypted message is.
 *
 * One deliberate difference: after New Keys, tshark 4.0 tries to decrypt chacha20, AES-CTR and AES-CBC packets
 * even without keys, and then shows nothing ("Client: ") — or, for AES-GCM, garbage decrypted with no key. Without
 * the keys Wirelens shows what Wireshark shows when it does not try: "Encrypted packet (len=N)", with the packet
 * length, the encrypted bytes and the MAC. SSH-1 packets (a protocol from 1995) are shown as encrypted packets too.
 */
import { createHash } from 'node:crypto';
import { bool, bytes, str, uint, type FieldDef } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatText } from '../fields/text.js';
import { matchPort, type Desegment } from './l4-tcp.js';

const MSG: Record<number, string> = {
  1: 'Disconnect',
  2: 'Ignore',
  3: 'Unimplemented',
  4: 'Debug',
  5: 'Service Request',
  6: 'Service Accept',
  20: 'Key Exchange Init',
  21: 'New Keys',
  50: 'User Authentication Request',
  51: 'User Authentication Failure',
  52: 'User Authentication Success',
  53: 'User Authentication Banner',
  80: 'Global Request',
  81: 'Request Success',
  82: 'Request Failure',
  90: 'Channel Open',
  91: 'Channel Open Confirmation',
  92: 'Channel Open Failure',
  93: 'Window Adjust',
  94: 'Channel Data',
  95: 'Channel Extended Data',
  96: 'Channel EOF',
  97: 'Channel Close',
  98: 'Channel Request',
  99: 'Channel Success',
  100: 'Channel Failure',
};

/** Names of the key exchange method's own messages (30–49), by the family of the agreed method. */
type KexFamily = 'dh' | 'gex' | 'ecdh';
const KEX_MSG: Record<KexFamily, Record<number, string>> = {
  dh: { 30: 'Diffie-Hellman Key Exchange Init', 31: 'Diffie-Hellman Key Exchange Reply' },
  gex: {
    30: 'Diffie-Hellman Group Exchange Request (Old)',
    31: 'Diffie-Hellman Group Exchange Group',
    32: 'Diffie-Hellman Group Exchange Init',
    33: 'Diffie-Hellman Group Exchange Reply',
    34: 'Diffie-Hellman Group Exchange Request',
  },
  ecdh: {
    30: 'Elliptic Curve Diffie-Hellman Key Exchange Init',
    31: 'Elliptic Curve Diffie-Hellman Key Exchange Reply',
  },
};

const f = {
  protocol: str('ssh.protocol', 'Protocol'),
  packetLength: uint('ssh.packet_length', 'Packet Length', 32),
  packetLengthEncrypted: bytes('ssh.packet_length_encrypted', 'Packet Length (encrypted)'),
  paddingLength: uint('ssh.padding_length', 'Padding Length', 8),
  payload: bytes('ssh.payload', 'Payload'),
  encryptedPacket: bytes('ssh.encrypted_packet', 'Encrypted Packet'),
  paddingString: bytes('ssh.padding_string', 'Padding String'),
  mac: bytes('ssh.mac', 'MAC'),
  direction: bool('ssh.direction', 'Direction'),
  messageCode: uint('ssh.message_code', 'Message Code', 8, { strings: MSG }),
  cookie: bytes('ssh.cookie', 'Cookie'),
  firstKexPacketFollows: uint('ssh.first_kex_packet_follows', 'First KEX Packet Follows', 8),
  kexReserved: bytes('ssh.kex.reserved', 'Reserved'),
  hasshAlgorithms: str('ssh.kex.hassh_algorithms', 'hasshAlgorithms'),
  hassh: str('ssh.kex.hassh', 'hassh'),
  hasshServerAlgorithms: str('ssh.kex.hasshserver_algorithms', 'hasshServerAlgorithms'),
  hasshServer: str('ssh.kex.hasshserver', 'hasshServer'),
  hostKeyLength: uint('ssh.host_key.length', 'Host key length', 32),
  hostKeyTypeLength: uint('ssh.host_key.type_length', 'Host key type length', 32),
  hostKeyType: str('ssh.host_key.type', 'Host key type'),
  hostKeyData: bytes('ssh.host_key.data', 'Host key data'),
  rsaE: bytes('ssh.host_key.rsa.e', 'RSA public exponent (e)'),
  rsaN: bytes('ssh.host_key.rsa.n', 'RSA modulus (N)'),
  dsaP: bytes('ssh.host_key.dsa.p', 'DSA prime modulus (p)'),
  dsaQ: bytes('ssh.host_key.dsa.q', 'DSA prime divisor (q)'),
  dsaG: bytes('ssh.host_key.dsa.g', 'DSA subgroup generator (g)'),
  dsaY: bytes('ssh.host_key.dsa.y', 'DSA public key (y)'),
  ecdsaIdLength: uint('ssh.host_key.ecdsa.id_length', 'ECDSA elliptic curve identifier length', 32),
  ecdsaId: str('ssh.host_key.ecdsa.id', 'ECDSA elliptic curve identifier'),
  ecdsaQLength: uint('ssh.host_key.ecdsa.q_length', 'ECDSA public key length', 32),
  ecdsaQ: bytes('ssh.host_key.ecdsa.q', 'ECDSA public key (Q)'),
  eddsaKeyLength: uint('ssh.host_key.eddsa.key_length', 'EdDSA public key length', 32),
  eddsaKey: bytes('ssh.host_key.eddsa.key', 'EdDSA public key'),
  hostSigLength: uint('ssh.host_sig.length', 'Host signature length', 32),
  hostSigTypeLength: uint('ssh.host_sig.type_length', 'Host signature type length', 32),
  hostSigType: str('ssh.host_sig.type', 'Host signature type'),
  hostSigData: bytes('ssh.host_sig.data', 'Host signature data'),
  hostSigRsa: bytes('ssh.host_sig.rsa', 'RSA signature'),
  hostSigDsa: bytes('ssh.host_sig.dsa', 'DSA signature'),
  mpintLength: uint('ssh.mpint_length', 'Multi Precision Integer Length', 32),
  dhE: bytes('ssh.dh.e', 'DH client e'),
  dhF: bytes('ssh.dh.f', 'DH server f'),
  gexMin: uint('ssh.dh_gex.min', 'DH GEX Min', 32),
  gexNbits: uint('ssh.dh_gex.nbits', 'DH GEX Number of Bits', 32),
  gexMax: uint('ssh.dh_gex.max', 'DH GEX Max', 32),
  gexP: bytes('ssh.dh_gex.p', 'DH GEX modulus (P)'),
  gexG: bytes('ssh.dh_gex.g', 'DH GEX base (G)'),
  ecdhQcLength: uint('ssh.ecdh.q_c_length', "ECDH client's ephemeral public key length", 32),
  ecdhQc: bytes('ssh.ecdh.q_c', "ECDH client's ephemeral public key (Q_C)"),
  ecdhQsLength: uint('ssh.ecdh.q_s_length', "ECDH server's ephemeral public key length", 32),
  ecdhQs: bytes('ssh.ecdh.q_s', "ECDH server's ephemeral public key (Q_S)"),
};

/** The ten name-lists of a Key Exchange Init, in order: [field of the list, of its length, what it is]. */
const PROPOSALS = [
  'kex_algorithms',
  'server_host_key_algorithms',
  'encryption_algorithms_client_to_server',
  'encryption_algorithms_server_to_client',
  'mac_algorithms_client_to_server',
  'mac_algorithms_server_to_client',
  'compression_algorithms_client_to_server',
  'compression_algorithms_server_to_client',
  'languages_client_to_server',
  'languages_server_to_client',
].map((name) => ({
  value: str(`ssh.${name}`, `${name} string`),
  length: uint(`ssh.${name}_length`, `${name} length`, 32),
}));
const KEX = 0;
const ENC = 2;
const MAC = 4;
const COMP = 6;

/** One side of a connection, as the first pass learns it. */
interface Peer {
  /** Frames of its banner (0: not yet seen). */
  versionStart: number;
  versionEnd: number;
  /** Its first Key Exchange Init and its New Keys (and where New Keys ended in that frame). */
  keyStart: number;
  keyEnd: number;
  keyEndOffset: number;
  /** Its Key Exchange Init's name-lists (10, see PROPOSALS). */
  proposals?: string[];
  /** What it encrypts with from New Keys on (see chooseAlgorithms). */
  enc?: string;
  mac?: string;
  comp?: string;
  /** Bytes of MAC after each encrypted packet (-1: unknown), and whether the length stays in clear (EtM, GCM). */
  macLength: number;
  lengthInClear: boolean;
}

/** A connection: the SSH version the client's banner announced, both peers, and the agreed key exchange. */
interface Ssh {
  version: 0 | 1 | 2;
  peers: [Peer, Peer];
  kex?: string;
  family: KexFamily;
}

const newPeer = (): Peer => ({
  versionStart: 0,
  versionEnd: 0,
  keyStart: 0,
  keyEnd: 0,
  keyEndOffset: 0,
  macLength: -1,
  lengthInClear: false,
});

/** Wireshark's ssh_choose_algo: the first of the client's list the server's list has too. */
function choose(client: string | undefined, server: string | undefined): string | undefined {
  if (client === undefined || server === undefined) return undefined;
  const offered = new Set(server.split(','));
  return client.split(',').find((a) => offered.has(a));
}

function familyOf(kex: string): KexFamily {
  if (kex === 'diffie-hellman-group-exchange-sha1' || kex === 'diffie-hellman-group-exchange-sha256')
    return 'gex';
  if (
    kex.startsWith('ecdh-sha2-') ||
    kex === 'curve25519-sha256@libssh.org' ||
    kex === 'curve25519-sha256' ||
    kex === 'curve448-sha512'
  )
    return 'ecdh';
  return 'dh';
}

/** The MAC's length and whether packet lengths stay in clear, once a side's algorithms are chosen (New Keys). */
function setMac(p: Peer): void {
  if (p.enc === 'aes128-gcm@openssh.com' || p.enc === 'aes256-gcm@openssh.com') {
    p.mac = '<implicit>';
    p.macLength = 16;
    p.lengthInClear = true;
    return;
  }
  if (p.enc === 'chacha20-poly1305@openssh.com') {
    p.macLength = 16;
    return;
  }
  if (p.mac === undefined) return;
  let name = p.mac;
  if (name.includes('-etm@openssh.com')) {
    p.lengthInClear = true;
    name = name.slice(0, name.indexOf('-etm@openssh.com'));
  } else if (name.includes('@openssh.com')) name = name.slice(0, name.indexOf('@openssh.com'));
  const size = Number(name.slice(name.lastIndexOf('-') + 1));
  if (name.includes('-') && Number.isInteger(size) && size > 0 && size % 8 === 0) p.macLength = size / 8;
  else if (name === 'hmac-sha1' || name === 'hmac-ripemd160') p.macLength = 20;
  else if (name === 'hmac-md5') p.macLength = 16;
  else if (name === 'none') p.macLength = 0;
}

/**
 * Both sides' cipher, MAC and compression: for each direction, the first of the client's list the server's has
 * too. AES-GCM and chacha20-poly1305 carry their own 16-byte MAC.
 */
function chooseAlgorithms(c: Ssh): void {
  const [client, server] = c.peers;
  c.peers.forEach((p, dir) => {
    const list = (q: Peer, i: number) => q.proposals?.[i + dir];
    p.enc = choose(list(client, ENC), list(server, ENC));
    if (p.enc !== 'chacha20-poly1305@openssh.com') p.mac = choose(list(client, MAC), list(server, MAC));
    setMac(p);
    p.comp = choose(list(client, COMP), list(server, COMP));
  });
}

/** Asks TCP for more: `need` bytes from `offset`, or one more segment (-1). */
function more(ctx: DissectCtx, offset: number, need: number): void {
  ctx.pinfo.data.set('tcp.desegment', { offset, need, keepLayer: true } satisfies Desegment);
}

/** Appends to Info with Wireshark's ", " between the messages of a segment. */
function info(ctx: DissectCtx, text: string): void {
  ctx.columns.info = ctx.columns.info === '' ? text : `${ctx.columns.info}, ${text}`;
}

export const ssh = defineProtocol({
  abbrev: 'ssh',
  name: 'SSH Protocol',
  registerIn: { 'tcp.port': 22 },
  dissect(ctx) {
    const v = ctx.view;
    const response = ctx.pinfo.dstPort !== matchPort(ctx);
    const stream = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
    const all = ctx.state.get<Map<number, Ssh>>('ssh', () => new Map());
    let c = all.get(stream);
    if (!c) all.set(stream, (c = { version: 0, peers: [newPeer(), newPeer()], family: 'dh' }));
    const peer = c.peers[response ? 1 : 0];
    const n = ctx.frame.number;
    // The version known when this frame came (the Protocol column of a single pass, as tshark's).
    const k = ctx.callIndex('ssh.calls');
    let version = ctx.visited ? ctx.state.getFrameItem<0 | 1 | 2>('ssh', n, k) : undefined;
    if (version === undefined) {
      version = c.version;
      ctx.state.setFrameItem('ssh', n, k, version);
    }
    ctx.columns.protocol = version === 0 ? 'SSH' : `SSHv${version}`;
    ctx.columns.info = '';
    let off = 0;
    while (off < v.length) {
      const banner =
        (peer.versionStart === 0 || n >= peer.versionStart) &&
        (peer.versionEnd === 0 || n <= peer.versionEnd) &&
        v.has(off, 4) &&
        v.latin1(off, 4).toUpperCase() === 'SSH-';
      let next: number;
      if (banner) {
        if (peer.versionStart === 0) peer.versionStart = n;
        const lf = v.bytes.indexOf(10, off);
        if (lf < 0) {
          more(ctx, off, -1);
          return true;
        }
        const line = lf - off + 1;
        const protoLen = line > 1 && v.u8(off + line - 2) === 13 ? line - 2 : line - 1;
        if (!response) {
          const head = v.latin1(off, Math.min(9, protoLen)).toUpperCase();
          if (head.startsWith('SSH-2.') || head === 'SSH-1.99-') version = 2;
          else if (head.startsWith('SSH-1.')) version = 1;
        }
        info(ctx, `Protocol (${formatText(v.bytes, off, protoLen)})`);
        ctx.add(f.protocol, off, protoLen, v.latin1(off, protoLen));
        if (!ctx.visited) {
          peer.versionEnd = n;
          c.version = version;
        }
        next = off + line;
      } else if (version === 2) {
        const r = packet(ctx, c, peer, response, off);
        if (r === undefined) return true;
        next = r;
      } else next = encrypted(ctx, ctx.top, peer, off);
      if (next <= off) break;
      off = next;
    }
    ctx.columns.info = `${response ? 'Server' : 'Client'}: ${ctx.columns.info}`;
    ctx.add(f.direction, 0, 0, response, {
      generated: true,
      label: `[Direction: ${response ? 'server-to-client' : 'client-to-server'}]`,
    });
    return true;
  },
});

/**
 * One SSH-2 binary packet at `off`: in clear during the key exchange (from this side's first Key Exchange Init to
 * its New Keys), encrypted after. Returns where the next one starts, or undefined when it asked TCP for more.
 */
function packet(ctx: DissectCtx, c: Ssh, peer: Peer, response: boolean, off: number): number | undefined {
  const v = ctx.view;
  const n = ctx.frame.number;
  const title = (() => {
    const parts = [
      peer.enc !== undefined ? `encryption:${peer.enc}` : '',
      peer.mac !== undefined ? `mac:${peer.mac}` : '',
      peer.comp !== undefined ? `compression:${peer.comp}` : '',
    ].filter((s) => s !== '');
    return parts.length ? `SSH Version 2 (${parts.join(' ')})` : 'SSH Version 2';
  })();
  const inKex =
    peer.keyStart === 0 ||
    (peer.keyStart <= n &&
      (peer.keyEnd === 0 || n < peer.keyEnd || (n === peer.keyEnd && off < peer.keyEndOffset)));
  const tree = ctx.text(title, off, v.length - off);
  if (!inKex) return encrypted(ctx, tree, peer, off);
  if (!v.has(off, 4)) {
    more(ctx, off, -1);
    return undefined;
  }
  let plen = v.u32be(off);
  if (!v.has(off, 4 + plen)) {
    more(ctx, off, 4 + plen);
    return undefined;
  }
  ctx.setLength(tree, 4 + plen);
  ctx.add(f.packetLength, off, 4, plen, { parent: tree });
  if (plen >= 0xffff) plen = v.length - off - 4;
  const padding = v.u8(off + 4);
  ctx.add(f.paddingLength, off + 4, 1, padding, { parent: tree });
  let o = off + 5;
  const kexTitle = c.kex !== undefined ? `Key Exchange (method:${c.kex})` : 'Key Exchange';
  const kexTree = ctx.text(kexTitle, o, plen - 1, tree);
  const code = v.u8(o);
  const sub = { parent: kexTree };
  if (code >= 30 && code < 40) {
    const name = KEX_MSG[c.family][code] ?? `Unknown (${code})`;
    ctx.add(f.messageCode, o, 1, code, { parent: kexTree, label: `Message Code: ${name} (${code})` });
    info(ctx, name);
    o = kexMessage(ctx, c.family, code, o + 1, kexTree);
    // Wireshark 4.0 settles both sides' algorithms at a (EC)DH reply; after a group exchange it knows none.
    if (code === 31 && c.family !== 'gex' && !ctx.visited) chooseAlgorithms(c);
  } else {
    ctx.add(f.messageCode, o, 1, code, sub);
    info(ctx, MSG[code] ?? `Unknown (${code})`);
    o += 1;
    if (code === 20) {
      o = keyInit(ctx, c, peer, response, o, kexTree);
      if (!ctx.visited && (peer.keyStart === 0 || peer.keyStart === n)) peer.keyStart = n;
    } else if (code === 21 && peer.keyEnd === 0 && !ctx.visited) {
      peer.keyEnd = n;
      peer.keyEndOffset = o;
    }
  }
  const rest = off + 4 + plen - padding - o;
  if (rest > 0) ctx.add(f.payload, o, rest, v.slice(o, rest), sub);
  o += Math.max(0, rest);
  ctx.add(f.paddingString, o, padding, v.slice(o, padding), { parent: tree });
  return o + padding;
}

/** A Key Exchange Init's cookie and name-lists, and the side's HASSH (MD5 of what it proposed). */
function keyInit(ctx: DissectCtx, c: Ssh, peer: Peer, response: boolean, off: number, parent: Item): number {
  const v = ctx.view;
  const tree = ctx.text('Algorithms', off, 0, parent);
  const o = { parent: tree };
  ctx.add(f.cookie, off, 16, v.slice(off, 16), o);
  let at = off + 16;
  const lists: string[] = [];
  for (const p of PROPOSALS) {
    const len = v.u32be(at);
    ctx.add(p.length, at, 4, len, o);
    const text = v.latin1(at + 4, len);
    ctx.add(p.value, at + 4, len, text, o);
    lists.push(text);
    at += 4 + len;
  }
  peer.proposals = lists;
  ctx.add(f.firstKexPacketFollows, at, 1, v.u8(at), o);
  ctx.add(f.kexReserved, at + 1, 4, v.slice(at + 1, 4), o);
  at += 5;
  const dir = response ? 1 : 0;
  const algorithms = [lists[KEX], lists[ENC + dir], lists[MAC + dir], lists[COMP + dir]].join(';');
  const hash = createHash('md5').update(algorithms, 'latin1').digest('hex');
  const [algoField, hashField] = response
    ? [f.hasshServerAlgorithms, f.hasshServer]
    : [f.hasshAlgorithms, f.hassh];
  ctx.add(algoField, at - off, 0, algorithms, { parent: tree, generated: true });
  ctx.add(hashField, at - off, 0, hash, { parent: tree, generated: true });
  const [client, server] = c.peers;
  if (client.proposals && server.proposals && c.kex === undefined) {
    c.kex = choose(client.proposals[KEX], server.proposals[KEX]);
    if (c.kex !== undefined) c.family = familyOf(c.kex);
  }
  ctx.setLength(tree, at - off);
  return at;
}

/** The key exchange method's own message `code` (its fields after the code byte at `off`). */
function kexMessage(ctx: DissectCtx, family: KexFamily, code: number, off: number, parent: Item): number {
  const o = { parent };
  const u32 = (at: number, field: FieldDef) => {
    ctx.add(field, at, 4, ctx.view.u32be(at), o);
    return at + 4;
  };
  if (family === 'gex') {
    if (code === 30) return u32(off, f.gexNbits);
    if (code === 31) return mpint(ctx, mpint(ctx, off, f.gexP, parent), f.gexG, parent);
    if (code === 32) return mpint(ctx, off, f.dhE, parent);
    if (code === 33) return hostSignature(ctx, mpint(ctx, hostKey(ctx, off, parent), f.dhF, parent), parent);
    if (code === 34) return u32(u32(u32(off, f.gexMin), f.gexNbits), f.gexMax);
    return off;
  }
  if (family === 'ecdh') {
    if (code === 30) return lengthString(ctx, off, f.ecdhQcLength, f.ecdhQc, parent);
    if (code === 31)
      return hostSignature(
        ctx,
        lengthString(ctx, hostKey(ctx, off, parent), f.ecdhQsLength, f.ecdhQs, parent),
        parent,
      );
    return off;
  }
  if (code === 30) return mpint(ctx, off, f.dhE, parent);
  if (code === 31) return hostSignature(ctx, mpint(ctx, hostKey(ctx, off, parent), f.dhF, parent), parent);
  return off;
}

/** An mpint: its length (ssh.mpint_length) and its bytes. */
function mpint(ctx: DissectCtx, off: number, field: FieldDef, parent: Item): number {
  return lengthString(ctx, off, f.mpintLength, field, parent);
}

/** A length-prefixed string: its length item and its bytes. */
function lengthString(
  ctx: DissectCtx,
  off: number,
  lengthField: FieldDef,
  field: FieldDef,
  parent: Item,
): number {
  const v = ctx.view;
  const len = v.u32be(off);
  ctx.add(lengthField, off, 4, len, { parent });
  v.check(off + 4, len);
  ctx.add(field, off + 4, len, field.kind === 'string' ? v.latin1(off + 4, len) : v.slice(off + 4, len), {
    parent,
  });
  return off + 4 + len;
}

/**
 * The start of a host key or signature: its length, its type's length and its type, under a "TITLE (type: …)"
 * line; `fields` are the three fields.
 */
function typedBlob(
  ctx: DissectCtx,
  off: number,
  parent: Item,
  title: string,
  [lengthField, typeLengthField, typeField]: readonly FieldDef[],
): { len: number; typeLen: number; type: string; tree: Item } {
  const v = ctx.view;
  const len = v.u32be(off);
  const typeLen = v.u32be(off + 4);
  const type = v.latin1(off + 8, typeLen);
  const tree = ctx.text(`${title} (type: ${type})`, off, 4 + len, parent);
  ctx.add(lengthField, off, 4, len, { parent: tree });
  ctx.add(typeLengthField, off + 4, 4, typeLen, { parent: tree });
  ctx.add(typeField, off + 8, typeLen, type, { parent: tree });
  return { len, typeLen, type, tree };
}

/** The server's host key (K_S): its type and, for the common types, its parts. */
function hostKey(ctx: DissectCtx, off: number, parent: Item): number {
  const v = ctx.view;
  const { len, typeLen, type, tree } = typedBlob(ctx, off, parent, 'KEX host key', [
    f.hostKeyLength,
    f.hostKeyTypeLength,
    f.hostKeyType,
  ]);
  const o = { parent: tree };
  let at = off + 8 + typeLen;
  if (type === 'ssh-rsa') mpint(ctx, mpint(ctx, at, f.rsaE, tree), f.rsaN, tree);
  else if (type === 'ssh-dss')
    for (const field of [f.dsaP, f.dsaQ, f.dsaG, f.dsaY]) at = mpint(ctx, at, field, tree);
  else if (type.startsWith('ecdsa-sha2-'))
    lengthString(
      ctx,
      lengthString(ctx, at, f.ecdsaIdLength, f.ecdsaId, tree),
      f.ecdsaQLength,
      f.ecdsaQ,
      tree,
    );
  else if (type.startsWith('ssh-ed')) lengthString(ctx, at, f.eddsaKeyLength, f.eddsaKey, tree);
  else ctx.add(f.hostKeyData, at, len - 4 - typeLen, v.slice(at, len - 4 - typeLen), o);
  return off + 4 + len;
}

/** The server's signature of the exchange hash: its type (and an RSA or DSA signature's bytes). */
function hostSignature(ctx: DissectCtx, off: number, parent: Item): number {
  const v = ctx.view;
  const { len, typeLen, type, tree } = typedBlob(ctx, off, parent, 'KEX host signature', [
    f.hostSigLength,
    f.hostSigTypeLength,
    f.hostSigType,
  ]);
  const o = { parent: tree };
  const at = off + 8 + typeLen;
  if (type === 'ssh-rsa') mpint(ctx, at, f.hostSigRsa, tree);
  else if (type === 'ssh-dss') mpint(ctx, at, f.hostSigDsa, tree);
  else if (!type.startsWith('ecdsa-sha2-') && !type.startsWith('ssh-ed'))
    ctx.add(f.hostSigData, at, len - 4 - typeLen, v.slice(at, len - 4 - typeLen), o);
  return off + 4 + len;
}

/** The rest of the segment as encrypted data: "Encrypted packet (len=N)", its length field, bytes and MAC. */
function encrypted(ctx: DissectCtx, parent: Item, peer: Peer, off: number): number {
  const v = ctx.view;
  const len = v.length - off;
  info(ctx, `Encrypted packet (len=${len})`);
  const o = { parent };
  let body = len;
  if (len > 4) {
    if (peer.lengthInClear) ctx.add(f.packetLength, off, 4, v.u32be(off), o);
    else ctx.add(f.packetLengthEncrypted, off, 4, v.slice(off, 4), o);
    body -= 4;
  }
  const macLength = peer.macLength > 0 && peer.macLength <= body ? peer.macLength : 0;
  body -= macLength;
  const at = off + len - body - macLength;
  ctx.add(f.encryptedPacket, at, body, v.slice(at, body), o);
  if (macLength > 0) ctx.add(f.mac, at + body, macLength, v.slice(at + body, macLength), o);
  return off + len;
}
