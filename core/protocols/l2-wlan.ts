/**
 * Wireless LAN link layers: the radiotap header (link type 127) and its "802.11 radio information" summary,
 * Prism and AVS capture headers (119, 163), the IEEE 802.11 MAC header (link type 105, or after one of those
 * headers), management frames as far as the Info column needs them, and 802.2 LLC/SNAP, which hands data
 * frames to the ethertype table (so IP, ARP and EAPOL over Wi-Fi are dissected as over Ethernet).
 */
import {
  bool,
  bytes as bytesField,
  ether,
  float,
  int,
  none,
  proto,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { bitPattern, formatEther } from '../fields/format.js';
import { LINKTYPE } from '../capture/linktypes.js';
import { BoundsError, ContainedBoundsError } from '../bytes/byteview.js';
import { ETHERTYPES, snapOuiLabel } from './l2-ethernet.js';

// ── radiotap ─────────────────────────────────────────────────────────────────────────────────────────────────

const rf = {
  version: uint('radiotap.version', 'Header revision', 8),
  pad: uint('radiotap.pad', 'Header pad', 8),
  length: uint('radiotap.length', 'Header length', 16),
  present: uint('radiotap.present.word', 'Present flags word', 32, { base: 'hex' }),
  mactime: uint('radiotap.mactime', 'MAC timestamp', 64),
  flags: uint('radiotap.flags', 'Flags', 8, { base: 'hex' }),
  flagsFcs: bool('radiotap.flags.fcs', 'FCS at end', { bitmask: 0x10 }),
  flagsBadFcs: bool('radiotap.flags.badfcs', 'Bad FCS', { bitmask: 0x40 }),
  rate: float('radiotap.datarate', 'Data rate (Mb/s)'),
  freq: uint('radiotap.channel.freq', 'Channel frequency', 32),
  chanFlags: uint('radiotap.channel.flags', 'Channel flags', 16, { base: 'hex' }),
  signal: int('radiotap.dbm_antsignal', 'Antenna signal', 8),
  noise: int('radiotap.dbm_antnoise', 'Antenna noise', 8),
  antenna: uint('radiotap.antenna', 'Antenna', 32),
};

/** Alignment and size of the radiotap fields of the first present word, by bit (0 = not parsed past it). */
const RT_LAYOUT: readonly (readonly [number, number])[] = [
  [8, 8], // 0 TSFT
  [1, 1], // 1 Flags
  [1, 1], // 2 Rate
  [2, 4], // 3 Channel
  [1, 2], // 4 FHSS
  [1, 1], // 5 dBm antenna signal
  [1, 1], // 6 dBm antenna noise
  [2, 2], // 7 Lock quality
  [2, 2], // 8 TX attenuation
  [2, 2], // 9 dB TX attenuation
  [1, 1], // 10 dBm TX power
  [1, 1], // 11 Antenna
  [1, 1], // 12 dB antenna signal
  [1, 1], // 13 dB antenna noise
  [2, 2], // 14 RX flags
  [2, 2], // 15 TX flags
  [1, 1], // 16 RTS retries
  [1, 1], // 17 data retries
  [4, 8], // 18 XChannel
  [1, 3], // 19 MCS
  [4, 8], // 20 A-MPDU status
  [2, 12], // 21 VHT
  [8, 12], // 22 timestamp
  [2, 12], // 23 HE
  [2, 12], // 24 HE-MU
  [2, 6], // 25 HE-MU other user
  [1, 0], // 26 0-length PSDU
  [2, 4], // 27 L-SIG
];

/** What the radio header said, for the "802.11 radio information" layer and the 802.11 dissector. */
interface RadioInfo {
  fcs: boolean;
  rate?: number;
  freq?: number;
  signal?: number;
  noise?: number;
  tsf?: bigint;
}

/** The 802.11 channel number of a centre frequency in MHz (0 when it is in no band we know). */
function channelOf(freq: number): number {
  if (freq === 2484) return 14;
  if (freq > 2407 && freq < 2484) return (freq - 2407) / 5;
  if (freq >= 4910 && freq <= 4980) return (freq - 4000) / 5;
  if (freq > 5000 && freq < 5950) return (freq - 5000) / 5;
  if (freq > 5950 && freq <= 7115) return (freq - 5950) / 5;
  return 0;
}

const RADIO_KEY = 'wlan.radio';

export const radiotap = defineProtocol({
  abbrev: 'radiotap',
  name: 'Radiotap Header',
  registerIn: { wtap_encap: LINKTYPE.IEEE802_11_RADIOTAP },
  dissect(ctx) {
    const v = ctx.view;
    const version = v.u8(0);
    const len = v.u16le(2);
    ctx.add(rf.version, 0, 1, version);
    ctx.add(rf.pad, 1, 1, v.u8(1));
    ctx.add(rf.length, 2, 2, len);
    ctx.setLabel(ctx.top, `Radiotap Header v${version}, Length ${len}`);
    ctx.setLength(ctx.top, len);
    v.check(0, len);
    const radio: RadioInfo = { fcs: false };
    // The present words (bit 31 says another follows); only the first word's fields are read: those of other
    // namespaces come after them, so they can be skipped with the rest of the header.
    let p = 4;
    const present = v.u32le(4);
    for (;;) {
      const w = v.u32le(p);
      ctx.add(rf.present, p, 4, w);
      p += 4;
      if (!(w & 0x80000000) || p + 4 > len) break;
    }
    for (let bit = 0; bit < RT_LAYOUT.length; bit++) {
      if (!(present & (1 << bit))) continue;
      const [align, size] = RT_LAYOUT[bit];
      p = Math.ceil(p / align) * align;
      if (p + size > len) break;
      switch (bit) {
        case 0:
          radio.tsf = v.u64le(p);
          ctx.add(rf.mactime, p, 8, radio.tsf);
          break;
        case 1: {
          const fl = v.u8(p);
          radio.fcs = (fl & 0x10) !== 0;
          const it = ctx.add(rf.flags, p, 1, fl);
          ctx.add(rf.flagsFcs, p, 1, radio.fcs, { parent: it });
          ctx.add(rf.flagsBadFcs, p, 1, (fl & 0x40) !== 0, { parent: it });
          break;
        }
        case 2:
          radio.rate = v.u8(p) / 2;
          ctx.add(rf.rate, p, 1, radio.rate, {
            label: () => `Data Rate: ${(radio.rate ?? 0).toFixed(1)} Mb/s`,
          });
          break;
        case 3:
          radio.freq = v.u16le(p);
          ctx.add(rf.freq, p, 2, radio.freq);
          ctx.add(rf.chanFlags, p + 2, 2, v.u16le(p + 2));
          break;
        case 5:
          radio.signal = (v.u8(p) << 24) >> 24;
          ctx.add(rf.signal, p, 1, radio.signal, { label: `Antenna signal: ${radio.signal} dBm` });
          break;
        case 6:
          radio.noise = (v.u8(p) << 24) >> 24;
          ctx.add(rf.noise, p, 1, radio.noise, { label: `Antenna noise: ${radio.noise} dBm` });
          break;
        case 11:
          ctx.add(rf.antenna, p, 1, v.u8(p));
          break;
      }
      p += size;
    }
    ctx.pinfo.data.set(RADIO_KEY, radio);
    ctx.handoff('radiotap.payload', 0, len);
  },
});

const wrf = {
  rate: float('wlan_radio.data_rate', 'Data rate'),
  channel: uint('wlan_radio.channel', 'Channel', 32),
  frequency: uint('wlan_radio.frequency', 'Frequency', 16),
  signal: int('wlan_radio.signal_dbm', 'Signal strength (dBm)', 8),
  noise: int('wlan_radio.noise_dbm', 'Noise level (dBm)', 8),
  tsf: uint('wlan_radio.timestamp', 'TSF timestamp', 64),
};

/** Wireshark's "802.11 radio information": the radio header's common fields, whatever header carried them. */
export const wlanRadio = defineProtocol({
  abbrev: 'wlan_radio',
  name: '802.11 radio information',
  registerIn: { 'radiotap.payload': 0 },
  dissect(ctx) {
    const radio = ctx.pinfo.data.get(RADIO_KEY) as RadioInfo | undefined;
    ctx.setLength(ctx.top, 0);
    if (radio) {
      if (radio.rate !== undefined)
        ctx.add(wrf.rate, 0, 0, radio.rate, {
          label: () => `Data rate: ${(radio.rate ?? 0).toFixed(1)} Mb/s`,
        });
      if (radio.freq !== undefined) {
        const ch = channelOf(radio.freq);
        if (ch) ctx.add(wrf.channel, 0, 0, ch);
        ctx.add(wrf.frequency, 0, 0, radio.freq, { label: `Frequency: ${radio.freq}MHz` });
      }
      if (radio.signal !== undefined)
        ctx.add(wrf.signal, 0, 0, radio.signal, { label: `Signal strength (dBm): ${radio.signal} dBm` });
      if (radio.noise !== undefined)
        ctx.add(wrf.noise, 0, 0, radio.noise, { label: `Noise level (dBm): ${radio.noise} dBm` });
      if (radio.tsf !== undefined) ctx.add(wrf.tsf, 0, 0, radio.tsf);
    }
    ctx.handoff('wlan_radio.payload', 0, 0);
  },
});

// Prism and AVS headers: capture metadata in front of the 802.11 frame; the frame starts after their length.
const pf = {
  msgcode: uint('prism.msgcode', 'Message Code', 32),
  msglen: uint('prism.msglen', 'Message Length', 32),
};
const AVS_MAGIC = 0x80211000;

/** An AVS header (version word 0x8021100x, then its length, big-endian) in front of the 802.11 frame. */
function avsHeader(ctx: DissectCtx): number | undefined {
  const v = ctx.view;
  if (!v.has(0, 8) || (v.u32be(0) & 0xfffffff0) >>> 0 !== AVS_MAGIC) return undefined;
  return v.u32be(4);
}

export const prism = defineProtocol({
  abbrev: 'prism',
  name: 'Prism capture header',
  registerIn: { wtap_encap: 119 },
  dissect(ctx) {
    const v = ctx.view;
    // Link type 119 carries AVS headers too (Wireshark tells them apart by the AVS magic number).
    if (avsHeader(ctx) !== undefined) {
      ctx.setLength(ctx.top, 0);
      ctx.handoff('prism.avs', 0, 0);
      return;
    }
    const len = v.u32le(4);
    ctx.add(pf.msgcode, 0, 4, v.u32le(0));
    ctx.add(pf.msglen, 4, 4, len);
    ctx.setLength(ctx.top, len);
    v.check(0, len);
    ctx.handoff('radiotap.payload', 0, len);
  },
});

export const avs = defineProtocol({
  abbrev: 'wlancap',
  name: 'AVS WLAN Capture header',
  registerIn: { wtap_encap: 163, 'prism.avs': 0 },
  dissect(ctx) {
    const len = avsHeader(ctx) ?? ctx.view.u32be(4);
    ctx.setLength(ctx.top, len);
    ctx.view.check(0, len);
    ctx.handoff('radiotap.payload', 0, len);
  },
});

// ── IEEE 802.11 ───────────────────────────────────────────────────────────────────────────────────────────────

/** Frame names by type << 4 | subtype (wlan.fc.type_subtype), as Wireshark spells them. */
const TYPE_SUBTYPE: Record<number, string> = {
  0x00: 'Association Request',
  0x01: 'Association Response',
  0x02: 'Reassociation Request',
  0x03: 'Reassociation Response',
  0x04: 'Probe Request',
  0x05: 'Probe Response',
  0x06: 'Measurement Pilot',
  0x08: 'Beacon frame',
  0x09: 'ATIM',
  0x0a: 'Disassociate',
  0x0b: 'Authentication',
  0x0c: 'Deauthentication',
  0x0d: 'Action',
  0x0e: 'Action No Ack',
  0x0f: 'Aruba Management',
  0x12: 'Trigger',
  0x14: 'Beamforming Report Poll',
  0x15: 'VHT/HE NDP Announcement',
  0x16: 'Control Frame Extension',
  0x17: 'Control Wrapper',
  0x18: '802.11 Block Ack Req',
  0x19: '802.11 Block Ack',
  0x1a: 'Power-Save poll',
  0x1b: 'Request-to-send',
  0x1c: 'Clear-to-send',
  0x1d: 'Acknowledgement',
  0x1e: 'CF-End (Control-frame)',
  0x1f: 'CF-End + CF-Ack (Control-frame)',
  0x20: 'Data',
  0x21: 'Data + CF-Ack',
  0x22: 'Data + CF-Poll',
  0x23: 'Data + CF-Ack + CF-Poll',
  0x24: 'Null function (No data)',
  0x25: 'Acknowledgement (No data)',
  0x26: 'CF-poll (No data)',
  0x27: 'CF-ack/poll (No data)',
  0x28: 'QoS Data',
  0x29: 'QoS Data + CF-Acknowledgment',
  0x2a: 'QoS Data + CF-Poll',
  0x2b: 'QoS Data + CF-Ack + CF-Poll',
  0x2c: 'QoS Null function (No data)',
  0x2e: 'QoS CF-Poll (No Data)',
  0x2f: 'QoS CF-Ack + CF-Poll (No Data)',
  0x30: 'DMG Beacon',
  0x31: 'S1G Beacon',
};

const FRAME_TYPES: Record<number, string> = {
  0: 'Management frame',
  1: 'Control frame',
  2: 'Data frame',
  3: 'Extension',
};

const DS_STATUS: Record<number, string> = {
  0: 'Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)',
  1: 'Frame from STA to DS via an AP (To DS: 1 From DS: 0)',
  2: 'Frame from DS to a STA via AP(To DS: 0 From DS: 1)',
  3: 'WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)',
};

/** Element ID Extension numbers (IEEE 802.11 Table 9-92), as Wireshark names them. */
const EXT_TAGS: Record<number, string> = {
  1: 'Association Delay Info',
  2: 'FILS Request Parameters',
  3: 'FILS Key Confirmation',
  4: 'FILS Session',
  5: 'FILS HLP Container',
  6: 'FILS IP Address Assignment',
  7: 'Key Delivery',
  8: 'Wrapped Data',
  9: 'FTM Synchronization Information',
  10: 'Extended Request',
  11: 'Estimated Service Parameters',
  12: 'FILS Public Key',
  13: 'FILS Nonce',
  14: 'Future Channel Guidance',
  32: 'OWE Diffie-Hellman Parameter',
  33: 'Password Identifier',
  35: 'HE Capabilities',
  36: 'HE Operation',
  37: 'UORA Parameter Set',
  38: 'MU EDCA Parameter Set',
  39: 'Spatial Reuse Parameter Set',
  41: 'NDP Feedback Report Parameter Set',
  42: 'BSS Color Change Announcement',
  43: 'Quiet Time Period Setup',
  45: 'ESS Report',
  46: 'OPS',
  47: 'HE BSS Load',
  55: 'Multiple BSSID Configuration',
  56: 'Non-Inheritance',
  57: 'Known BSSID',
  58: 'Short SSID',
  59: 'HE 6 GHz Band Capabilities',
  60: 'UL MU Power Capabilities',
  88: 'MSCS Descriptor Element',
  89: 'TCLAS Mask',
  92: 'Rejected Groups',
  93: 'Anti-Clogging Token Container',
  94: 'Secure LTF Parameters',
  95: 'ISTA Passive TB Ranging Measurement Report',
  96: 'RSTA Passive TB Ranging Measurement Report',
  97: 'Passive TB Ranging LCI Table element',
  98: 'ISTA Availability Window',
  99: 'RSTA Availability Window',
  100: 'PASN Parameters',
  101: 'Ranging Parameters',
  102: 'Direction Measurement Results',
  103: 'Multiple AOD Feedback',
  104: 'Multiple Best AWV ID',
  105: 'LOS Likelihood',
};

const wf = {
  typeSubtype: uint('wlan.fc.type_subtype', 'Type/Subtype', 16, { base: 'hex', strings: TYPE_SUBTYPE }),
  fc: uint('wlan.fc', 'Frame Control Field', 16, { base: 'hex' }),
  version: uint('wlan.fc.version', 'Version', 8, { bitmask: 0x03 }),
  type: uint('wlan.fc.type', 'Type', 8, { bitmask: 0x0c, strings: FRAME_TYPES }),
  subtype: uint('wlan.fc.subtype', 'Subtype', 8, { bitmask: 0xf0 }),
  flags: uint('wlan.flags', 'Flags', 8, { base: 'hex' }),
  ds: uint('wlan.fc.ds', 'DS status', 8, { base: 'hex', bitmask: 0x03, strings: DS_STATUS }),
  tods: bool('wlan.fc.tods', 'To DS', { bitmask: 0x01 }),
  fromds: bool('wlan.fc.fromds', 'From DS', { bitmask: 0x02 }),
  frag: bool('wlan.fc.frag', 'More Fragments', {
    bitmask: 0x04,
    trueFalse: ['More fragments follow', 'This is the last fragment'],
  }),
  retry: bool('wlan.fc.retry', 'Retry', {
    bitmask: 0x08,
    trueFalse: ['Frame is being retransmitted', 'Frame is not being retransmitted'],
  }),
  pwrmgt: bool('wlan.fc.pwrmgt', 'PWR MGT', {
    bitmask: 0x10,
    trueFalse: ['STA will go to sleep', 'STA will stay up'],
  }),
  moredata: bool('wlan.fc.moredata', 'More Data', {
    bitmask: 0x20,
    trueFalse: ['Data is buffered for STA at AP', 'No data buffered'],
  }),
  protected: bool('wlan.fc.protected', 'Protected flag', {
    bitmask: 0x40,
    trueFalse: ['Data is protected', 'Data is not protected'],
  }),
  order: bool('wlan.fc.order', '+HTC/Order flag', {
    bitmask: 0x80,
    trueFalse: ['Strictly ordered', 'Not strictly ordered'],
  }),
  duration: uint('wlan.duration', 'Duration', 16, { bitmask: 0x7fff }),
  ra: ether('wlan.ra', 'Receiver address'),
  ta: ether('wlan.ta', 'Transmitter address'),
  da: ether('wlan.da', 'Destination address'),
  sa: ether('wlan.sa', 'Source address'),
  bssid: ether('wlan.bssid', 'BSS Id'),
  staa: ether('wlan.staa', 'STA address'),
  addr: ether('wlan.addr', 'Hardware address'),
  fragNum: uint('wlan.frag', 'Fragment number', 16, { bitmask: 0x000f }),
  seq: uint('wlan.seq', 'Sequence number', 16, { bitmask: 0xfff0 }),
  qos: uint('wlan.qos', 'Qos Control', 16, { base: 'hex' }),
  qosTid: uint('wlan.qos.tid', 'TID', 16, { bitmask: 0x000f }),
  qosPriority: uint('wlan.qos.priority', 'Priority', 16, { bitmask: 0x0007 }),
  fcs: uint('wlan.fcs', 'Frame check sequence', 32, { base: 'hex' }),
  wepIv: uint('wlan.wep.iv', 'Initialization Vector', 24, { base: 'hex' }),
  wepKey: uint('wlan.wep.key', 'Key Index', 8),
  // Strings in Wireshark: the packet number as hex digits, most significant first.
  tkipExtIv: str('wlan.tkip.extiv', 'TKIP Ext. Initialization Vector'),
  ccmpExtIv: str('wlan.ccmp.extiv', 'CCMP Ext. Initialization Vector'),
  // Management frame body ("IEEE 802.11 Wireless Management": a subtree, not a layer of its own).
  mgt: proto('wlan.mgt', 'IEEE 802.11 Wireless Management'),
  timestamp: uint('wlan.fixed.timestamp', 'Timestamp', 64),
  beacon: uint('wlan.fixed.beacon', 'Beacon Interval', 32),
  capabilities: uint('wlan.fixed.capabilities', 'Capabilities Information', 16, { base: 'hex' }),
  listenIval: uint('wlan.fixed.listen_ival', 'Listen Interval', 16, { base: 'hex' }),
  currentAp: ether('wlan.fixed.current_ap', 'Current AP'),
  statusCode: uint('wlan.fixed.status_code', 'Status code', 16, { base: 'hex' }),
  aid: uint('wlan.fixed.aid', 'Association ID', 16, { base: 'hex', bitmask: 0x3fff }),
  authAlg: uint('wlan.fixed.auth.alg', 'Authentication Algorithm', 16, {
    strings: {
      0: 'Open System',
      1: 'Shared key',
      2: 'Fast BSS Transition',
      3: 'Simultaneous Authentication of Equals (SAE)',
    },
  }),
  authSeq: uint('wlan.fixed.auth_seq', 'Authentication SEQ', 16, { base: 'hex' }),
  reasonCode: uint('wlan.fixed.reason_code', 'Reason code', 16, { base: 'hex' }),
  category: uint('wlan.fixed.category_code', 'Category code', 16),
  actionCode: uint('wlan.fixed.action_code', 'Action code', 8),
  htAction: uint('wlan.fixed.htact', 'HT Action', 8, {
    base: 'hex',
    strings: {
      0: 'Notify Channel Width',
      1: 'Spatial Multiplexing (SM) Power Save',
      2: 'Power Save Multi-Poll (PSMP) action frame',
      3: 'Set PCO Phase',
      4: 'MIMO CSI Matrices',
      5: 'MIMO Non-compressed Beamforming',
      6: 'MIMO Compressed Beamforming',
      7: 'Antenna Selection Indices Feedback',
      8: 'HT Information Exchange',
    },
  }),
  publicAction: uint('wlan.fixed.publicact', 'Public Action', 8),
  dialogToken: uint('wlan.fixed.dialog_token', 'Dialog token', 8, { base: 'hex' }),
  tag: none('wlan.tag', 'Tag'),
  tagNumber: uint('wlan.tag.number', 'Tag Number', 8),
  // Element ID Extension (tag 255): a tag of its own kind, named by the extension's number.
  extTag: none('wlan.ext_tag', 'Ext Tag'),
  extTagLength: uint('wlan.ext_tag.length', 'Ext Tag length', 32),
  extTagNumber: uint('wlan.ext_tag.number', 'Ext Tag Number', 8, { strings: EXT_TAGS }),
  tagLength: uint('wlan.tag.length', 'Tag length', 32),
  ssid: bytesField('wlan.ssid', 'SSID'),
  dsChannel: uint('wlan.ds.current_channel', 'Current Channel', 8),
};

/** The flags as tshark's Info column and tree summary spell them: one letter a set bit, 'C' when an FCS follows. */
function flagString(flags: number, fcs: boolean): string {
  const letters = 'opmPRMFT';
  let s = '';
  for (let i = 0; i < 8; i++) s += flags & (0x80 >> i) ? letters[i] : '.';
  return fcs ? `${s}C` : s;
}

/** An SSID as Wireshark shows it: UTF-8 text, other bytes escaped. */
function ssidText(b: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    text = String.fromCharCode(...b);
  }
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

const macText = (b: Uint8Array): string => formatEther(b);

/** Adds an address item (and the hidden wlan.addr every address slot has). */
function addrItem(ctx: DissectCtx, field: typeof wf.ra, off: number, hidden = false): void {
  const m = ctx.view.slice(off, 6);
  ctx.add(field, off, 6, m, hidden ? { hidden: true } : undefined);
}

/** Per-frame key of the AKM suite an RSN element in this frame names. */
const AKM_KEY = 'wlan.rsn.akm';

/** Notes the first IEEE AKM suite of an RSN element (version, group cipher, pairwise ciphers, then AKMs). */
function rsnAkm(ctx: DissectCtx, off: number, end: number): void {
  const v = ctx.view;
  const p = off + 6;
  if (p + 2 > end) return;
  const a = p + 2 + 4 * v.u16le(p);
  if (a + 6 > end || v.u16le(a) === 0) return;
  if (v.u24be(a + 2) === 0x000fac) ctx.pinfo.data.set(AKM_KEY, v.u8(a + 5));
}

/** The two addresses of a link in either order, as one key. */
function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/**
 * The AKM suite the station named in its (re)association request to the other side of this frame's link, as
 * the first pass knew it: EAPOL-Key frames need it for their MIC's size (24 bytes with the 192-bit suites).
 */
export function linkAkm(ctx: DissectCtx): number | undefined {
  const src = ctx.pinfo.dlSrc;
  const dst = ctx.pinfo.dlDst;
  if (src === undefined || dst === undefined) return undefined;
  return ctx.state.get<Map<string, number>>('wlan.akm', () => new Map()).get(pairKey(src, dst));
}

/** Tagged parameters from `off` to `end`: the SSID goes to the Info column as tshark shows it. */
export function taggedParams(ctx: DissectCtx, parent: Item, off: number, end: number, info: string[]): void {
  const v = ctx.view;
  while (off < end) {
    if (off + 2 > end) throw new BoundsError(off, 2, end);
    const num = v.u8(off);
    const len = v.u8(off + 1);
    // A tag running past the body (the FCS is not part of it) is malformed, as in Wireshark.
    if (off + 2 + len > end) {
      const t = ctx.add(wf.tag, off, end - off, null, { parent });
      ctx.expert(t, 'error', 'malformed', 'Tag Length is longer than remaining payload');
      throw new ContainedBoundsError(off + 2, len, end);
    }
    if (num === 255 && len >= 1) {
      const ext = v.u8(off + 2);
      const tag = ctx.add(wf.extTag, off, 2 + len, null, {
        parent,
        label: `Ext Tag: ${EXT_TAGS[ext] ?? `Unknown (${ext})`}`,
      });
      ctx.add(wf.tagNumber, off, 1, num, { parent: tag });
      ctx.add(wf.extTagLength, off + 1, 1, len - 1, { parent: tag });
      ctx.add(wf.extTagNumber, off + 2, 1, ext, { parent: tag });
      off += 2 + len;
      continue;
    }
    const tag = ctx.add(wf.tag, off, 2 + len, null, { parent });
    ctx.add(wf.tagNumber, off, 1, num, { parent: tag });
    ctx.add(wf.tagLength, off + 1, 1, len, { parent: tag });
    if (num === 0) {
      const s = v.slice(off + 2, len);
      ctx.add(wf.ssid, off + 2, len, s, { parent: tag });
      info.push(len === 0 ? 'SSID=Wildcard (Broadcast)' : `SSID="${ssidText(s)}"`);
    } else if (num === 3 && len === 1) ctx.add(wf.dsChannel, off + 2, 1, v.u8(off + 2), { parent: tag });
    else if (num === 48) rsnAkm(ctx, off + 2, off + 2 + len);
    else if (num === 225 && len >= 7 && 7 + 7 * v.u8(off + 8) > len)
      // Reachable Address: more addresses than the element holds (Wireshark reads past it: malformed).
      throw new BoundsError(off + 9, 7 * v.u8(off + 8), len - 7);
    off += 2 + len;
  }
}

/** The management frame body: fixed parameters, then tags. Returns what the Info column appends. */
function managementBody(ctx: DissectCtx, subtype: number, off: number, end: number): string[] {
  const v = ctx.view;
  const info: string[] = [];
  if (end <= off) return info;
  const mgt = ctx.add(wf.mgt, off, end - off);
  let tags = -1;
  switch (subtype) {
    case 8: // Beacon
    case 5: {
      // Probe Response
      ctx.add(wf.timestamp, off, 8, v.u64le(off), { parent: mgt });
      const bi = v.u16le(off + 8);
      ctx.add(wf.beacon, off + 8, 2, bi, { parent: mgt });
      ctx.add(wf.capabilities, off + 10, 2, v.u16le(off + 10), { parent: mgt });
      info.push(`BI=${bi}`);
      tags = off + 12;
      break;
    }
    case 4: // Probe Request
      tags = off;
      break;
    case 0: // Association Request
    case 2: // Reassociation Request
      ctx.add(wf.capabilities, off, 2, v.u16le(off), { parent: mgt });
      ctx.add(wf.listenIval, off + 2, 2, v.u16le(off + 2), { parent: mgt });
      tags = off + 4;
      if (subtype === 2) {
        ctx.add(wf.currentAp, off + 4, 6, v.slice(off + 4, 6), { parent: mgt });
        tags += 6;
      }
      break;
    case 1: // Association Response
    case 3:
      ctx.add(wf.capabilities, off, 2, v.u16le(off), { parent: mgt });
      ctx.add(wf.statusCode, off + 2, 2, v.u16le(off + 2), { parent: mgt });
      ctx.add(wf.aid, off + 4, 2, v.u16le(off + 4) & 0x3fff, { parent: mgt });
      tags = off + 6;
      break;
    case 11: // Authentication: tags only follow the open and shared-key algorithms' fixed fields
      ctx.add(wf.authAlg, off, 2, v.u16le(off), { parent: mgt });
      ctx.add(wf.authSeq, off + 2, 2, v.u16le(off + 2), { parent: mgt });
      ctx.add(wf.statusCode, off + 4, 2, v.u16le(off + 4), { parent: mgt });
      if (v.u16le(off) <= 1) tags = off + 6;
      break;
    case 10: // Disassociate
    case 12: // Deauthentication
      ctx.add(wf.reasonCode, off, 2, v.u16le(off), { parent: mgt });
      tags = off + 2;
      break;
    case 13: // Action
    case 14:
      ctx.add(wf.category, off, 1, v.u8(off), { parent: mgt });
      // Wireshark names the action by its category: HT and Public have fields of their own.
      if (off + 1 < end) {
        const cat = v.u8(off);
        const field = cat === 7 ? wf.htAction : cat === 4 ? wf.publicAction : wf.actionCode;
        ctx.add(field, off + 1, 1, v.u8(off + 1), { parent: mgt });
      }
      // Block Ack's ADDBA request and response carry a dialog token, which tshark shows in the Info column.
      if (v.u8(off) === 3 && off + 2 < end && v.u8(off + 1) <= 1) {
        const token = v.u8(off + 2);
        ctx.add(wf.dialogToken, off + 2, 1, token, { parent: mgt });
        info.push(`Dialog Token=${token}`);
      }
      break;
  }
  if (tags >= 0 && tags < end) taggedParams(ctx, mgt, tags, end, info);
  const akm = ctx.pinfo.data.get(AKM_KEY) as number | undefined;
  if (
    akm !== undefined &&
    (subtype === 0 || subtype === 2) &&
    !ctx.visited &&
    ctx.pinfo.dlSrc &&
    ctx.pinfo.dlDst
  )
    ctx.state
      .get<Map<string, number>>('wlan.akm', () => new Map())
      .set(pairKey(ctx.pinfo.dlSrc, ctx.pinfo.dlDst), akm);
  return info;
}

/** The security header of a protected frame; returns its length. */
function securityHeader(ctx: DissectCtx, off: number): number {
  const v = ctx.view;
  if (!v.has(off, 4)) return 0;
  if (v.u8(off + 3) & 0x20) {
    // Extended IV: TKIP when the second byte is the first's WEP seed, else CCMP (or GCMP).
    const b0 = v.u8(off);
    const tkip = v.u8(off + 1) === ((b0 | 0x20) & 0x7f);
    // The packet number: the four extended IV bytes (little-endian), then TSC1 and TSC0 — for TKIP the first
    // and third bytes (the second is the WEP seed), for CCMP the second and first (PN1, PN0).
    const hex2 = (o: number) => v.u8(o).toString(16).padStart(2, '0');
    const high = v.has(off + 4, 4)
      ? v
          .u32le(off + 4)
          .toString(16)
          .padStart(8, '0')
      : '';
    const pn = `${high}${tkip ? hex2(off) + hex2(off + 2) : hex2(off + 1) + hex2(off)}`.toUpperCase();
    ctx.add(tkip ? wf.tkipExtIv : wf.ccmpExtIv, off, Math.min(8, v.length - off), `0x${pn}`);
    ctx.add(wf.wepKey, off + 3, 1, v.u8(off + 3) >> 6);
    return 8;
  }
  ctx.add(wf.wepIv, off, 3, v.u24be(off));
  ctx.add(wf.wepKey, off + 3, 1, v.u8(off + 3) >> 6);
  return 4;
}

/** The frame check sequence at `end` (never verified, as by default in Wireshark). */
function addFcs(ctx: DissectCtx, end: number): void {
  const fcs = ctx.view.u32le(end);
  ctx.add(wf.fcs, end, 4, fcs, {
    label: () => `Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`,
  });
}

/** The 802.11 frame dissector shared by link type 105 and the radio headers. */
function dissectWlan(ctx: DissectCtx): void {
  const v = ctx.view;
  const radio = ctx.pinfo.data.get(RADIO_KEY) as RadioInfo | undefined;
  const hasFcs = radio?.fcs === true && v.length >= 4;
  const end = hasFcs ? v.length - 4 : v.length;
  const fc0 = v.u8(0);
  const flags = v.u8(1);
  const version = fc0 & 3;
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  const ts = (type << 4) | subtype;
  const name = TYPE_SUBTYPE[ts] ?? `Unrecognized (Reserved frame) (0x${ts.toString(16).padStart(4, '0')})`;
  const flagStr = flagString(flags, hasFcs);
  ctx.columns.protocol = '802.11';
  if (version !== 0) {
    // Wireshark reads nothing of a frame of an unknown protocol version past its frame control: the rest
    // (but the FCS) is data.
    ctx.columns.info = `Unknown protocol version: ${version}`;
    ctx.setLabel(ctx.top, `IEEE 802.11 Unknown Protocol Version:${version}`);
    ctx.add(wf.version, 0, 1, version);
    ctx.data(2, end - 2, ctx.top);
    if (hasFcs) addFcs(ctx, end);
    return;
  }
  ctx.setLabel(ctx.top, () => `IEEE 802.11 ${name}, Flags: ${flagStr}`);
  ctx.add(wf.typeSubtype, 0, 1, ts);
  const fcItem = ctx.add(wf.fc, 0, 2, (fc0 << 8) | flags);
  ctx.add(wf.version, 0, 1, version, { parent: fcItem });
  ctx.add(wf.type, 0, 1, type, { parent: fcItem });
  ctx.add(wf.subtype, 0, 1, subtype, { parent: fcItem });
  const fl = ctx.add(wf.flags, 1, 1, flags, { parent: fcItem });
  ctx.add(wf.ds, 1, 1, flags & 3, { parent: fl });
  ctx.add(wf.tods, 1, 1, (flags & 0x01) !== 0, { parent: fl, hidden: true });
  ctx.add(wf.fromds, 1, 1, (flags & 0x02) !== 0, { parent: fl, hidden: true });
  ctx.add(wf.frag, 1, 1, (flags & 0x04) !== 0, { parent: fl });
  ctx.add(wf.retry, 1, 1, (flags & 0x08) !== 0, { parent: fl });
  ctx.add(wf.pwrmgt, 1, 1, (flags & 0x10) !== 0, { parent: fl });
  ctx.add(wf.moredata, 1, 1, (flags & 0x20) !== 0, { parent: fl });
  ctx.add(wf.protected, 1, 1, (flags & 0x40) !== 0, { parent: fl });
  ctx.add(wf.order, 1, 1, (flags & 0x80) !== 0, { parent: fl });
  const dur = v.u16le(2);
  ctx.add(wf.duration, 2, 2, dur & 0x7fff, { label: () => `Duration: ${dur & 0x7fff} microseconds` });
  const bytes = ctx.view.bytes;
  const mac = (off: number): string => macText(bytes.subarray(off, off + 6));

  if (type === 1) {
    // Control frames: a receiver address, and a transmitter address for most but ACK and CTS.
    v.check(4, 6);
    addrItem(ctx, wf.ra, 4);
    addrItem(ctx, wf.addr, 4, true);
    // (A control wrapper's second field is the carried frame's control, not an address.)
    const withTa = subtype !== 0xc && subtype !== 0xd && subtype !== 0x7;
    ctx.pinfo.dlDst = `${mac(4)} (RA)`;
    if (withTa && 16 <= end) {
      addrItem(ctx, wf.ta, 10);
      addrItem(ctx, wf.addr, 10, true);
      ctx.pinfo.dlSrc = `${mac(10)} (TA)`;
    }
    if (hasFcs) addFcs(ctx, end);
    ctx.columns.info = `${name}, Flags=${flagStr}`;
    return;
  }

  v.check(4, 20);
  const seqCtl = v.u16le(22);
  const seq = seqCtl >> 4;
  const frag = seqCtl & 0xf;
  const tods = (flags & 1) !== 0;
  const fromds = (flags & 2) !== 0;
  let hdr = 24;
  let da: number;
  let sa: number;
  if (type === 0) {
    // Management: DA, SA, BSSID (the receiver and transmitter are the destination and source).
    da = 4;
    sa = 10;
    addrItem(ctx, wf.ra, 4, true);
    addrItem(ctx, wf.da, 4);
    addrItem(ctx, wf.addr, 4, true);
    addrItem(ctx, wf.ta, 10, true);
    addrItem(ctx, wf.sa, 10);
    addrItem(ctx, wf.addr, 10, true);
    addrItem(ctx, wf.bssid, 16);
    addrItem(ctx, wf.addr, 16, true);
  } else {
    // Data: the addresses' roles follow the To DS and From DS bits.
    const a4 = tods && fromds;
    if (a4) v.check(24, 6);
    da = tods ? 16 : 4;
    sa = fromds ? (tods ? 24 : 16) : 10;
    const bssid = tods ? (fromds ? -1 : 4) : fromds ? 10 : 16;
    addrItem(ctx, wf.ra, 4);
    addrItem(ctx, wf.ta, 10);
    addrItem(ctx, wf.da, da);
    addrItem(ctx, wf.sa, sa);
    if (bssid >= 0) addrItem(ctx, wf.bssid, bssid);
    if (tods !== fromds) addrItem(ctx, wf.staa, tods ? 10 : 4);
    addrItem(ctx, wf.addr, 4, true);
    addrItem(ctx, wf.addr, 10, true);
    addrItem(ctx, wf.addr, 16, true);
    if (a4) {
      addrItem(ctx, wf.addr, 24, true);
      hdr = 30;
    }
  }
  ctx.add(wf.fragNum, 22, 2, frag);
  ctx.add(wf.seq, 22, 2, seq);
  ctx.pinfo.dlSrc = mac(sa);
  ctx.pinfo.dlDst = mac(da);
  let qos = -1;
  if (type === 2 && subtype & 8) {
    qos = v.u16le(hdr);
    const q = ctx.add(wf.qos, hdr, 2, qos);
    ctx.add(wf.qosTid, hdr, 2, qos & 0xf, { parent: q });
    ctx.add(wf.qosPriority, hdr, 2, qos & 7, { parent: q, generated: true });
    hdr += 2;
  }
  // +HTC: an HT control field follows (management frames and QoS data frames).
  if (flags & 0x80 && (type === 0 || qos >= 0)) hdr += 4;
  if (hasFcs) addFcs(ctx, end);
  const base = `${name}, SN=${seq}, FN=${frag}, Flags=${flagStr}`;
  ctx.columns.info = base;
  v.check(0, hdr);
  ctx.setLength(ctx.top, hdr);
  if (flags & 0x40) {
    // Protected: nothing past the security header can be read without the keys.
    const sec = securityHeader(ctx, hdr);
    const icv = sec === 4 && end - hdr - sec >= 4 ? 4 : 0;
    ctx.data(hdr + sec, end - hdr - sec - icv);
    return;
  }
  if (type === 0) {
    const extra = managementBody(ctx, subtype, hdr, end);
    if (extra.length) ctx.columns.info = `${base}, ${extra.join(', ')}`;
    return;
  }
  // Null functions carry no body; an A-MSDU (QoS bit 7) is left as data.
  if (subtype & 4 || end <= hdr) return;
  if (qos >= 0 && qos & 0x80) {
    ctx.data(hdr, end - hdr);
    return;
  }
  ctx.handoff('wlan.data', 0, hdr, end - hdr);
}

export const wlan = defineProtocol({
  abbrev: 'wlan',
  name: 'IEEE 802.11 wireless LAN',
  registerIn: { wtap_encap: LINKTYPE.IEEE802_11, 'wlan_radio.payload': 0 },
  dissect: dissectWlan,
});

// ── 802.2 LLC / SNAP ─────────────────────────────────────────────────────────────────────────────────────────

const SAPS: Record<number, string> = {
  0x00: 'NULL LSAP',
  0x04: 'SNA Path Control',
  0x06: 'TCP/IP',
  0x42: 'Spanning Tree BPDU',
  0xaa: 'SNAP',
  0xe0: 'NetWare',
  0xf0: 'NetBIOS',
  0xfe: 'ISO Network Layer',
  0xff: 'Global LSAP',
};

/** U-frame commands and responses (the control byte's modifier bits, & 0xec, shifted down by 2). */
const U_COMMANDS: Record<number, [string, string]> = {
  0x00: ['UI', 'Unnumbered Information'],
  0x08: ['UP', 'Unnumbered Poll'],
  0x10: ['DISC', 'Disconnect'],
  0x18: ['UA', 'Unnumbered Acknowledge'],
  0x20: ['SNRM', 'Set Normal Response Mode'],
  0x38: ['TEST', 'Test'],
  0x01: ['SIM', 'Set Initialization Mode'],
  0x21: ['FRMR', 'Frame reject'],
  0x31: ['CFGR', 'Configure'],
  0x03: ['SARM', 'Set Asynchronous Response Mode'],
  0x0b: ['SABM', 'Set Asynchronous Balanced Mode'],
  0x13: ['SARME', 'Set Asynchronous Response Mode Extended'],
  0x1b: ['SABME', 'Set Asynchronous Balanced Mode Extended'],
  0x23: ['RSET', 'Reset'],
  0x2b: ['XID', 'Exchange identification'],
  0x33: ['SNRME', 'Set Normal Response Mode Extended'],
  0x3b: ['BCN', 'Beacon'],
};
const U_RESPONSES: Record<number, [string, string]> = {
  0x00: ['UI', 'Unnumbered Information'],
  0x01: ['RIM', 'Request Initialization Mode'],
  0x03: ['DM', 'Disconnected mode'],
  0x10: ['RD', 'Request Disconnect'],
  0x18: ['UA', 'Unnumbered Acknowledge'],
  0x21: ['FRMR', 'Frame reject'],
  0x2b: ['XID', 'Exchange identification'],
  0x31: ['CFGR', 'Configure'],
  0x38: ['TEST', 'Test'],
  0x3b: ['BCN', 'Beacon'],
};
const S_TYPES: Record<number, string> = { 0x00: 'RR', 0x04: 'RNR', 0x08: 'REJ' };
const LLC_FRAME_TYPES = { 0: 'Information frame', 1: 'Supervisory frame', 3: 'Unnumbered frame' };

const lf = {
  dsap: uint('llc.dsap', 'DSAP', 8, { base: 'hex', strings: SAPS }),
  dsapSap: uint('llc.dsap.sap', 'SAP', 8, { bitmask: 0xfe }),
  dsapIg: bool('llc.dsap.ig', 'IG Bit', { bits: 8, bitmask: 0x01, trueFalse: ['Group', 'Individual'] }),
  ssap: uint('llc.ssap', 'SSAP', 8, { base: 'hex', strings: SAPS }),
  ssapSap: uint('llc.ssap.sap', 'SAP', 8, { bitmask: 0xfe }),
  ssapCr: bool('llc.ssap.cr', 'CR Bit', { bits: 8, bitmask: 0x01, trueFalse: ['Response', 'Command'] }),
  control: uint('llc.control', 'Control', 16, { base: 'hex' }),
  nR: uint('llc.control.n_r', 'N(R)', 16, { bitmask: 0xfe00 }),
  nS: uint('llc.control.n_s', 'N(S)', 16, { bitmask: 0x00fe }),
  sFtype: uint('llc.control.s_ftype', 'Supervisory frame type', 16, { base: 'hex', bitmask: 0x0c }),
  uCmd: uint('llc.control.u_modifier_cmd', 'Command', 8, { base: 'hex', bitmask: 0xec }),
  uResp: uint('llc.control.u_modifier_resp', 'Response', 8, { base: 'hex', bitmask: 0xec }),
  ftype: uint('llc.control.ftype', 'Frame type', 16, {
    base: 'hex',
    bitmask: 0x03,
    strings: LLC_FRAME_TYPES,
  }),
  oui: uint('llc.oui', 'Organization Code', 24, { base: 'oui' }),
  type: uint('llc.type', 'Type', 16, { base: 'hex', strings: ETHERTYPES }),
  pid: uint('llc.pid', 'Protocol ID', 16, { base: 'hex' }),
  ciscoPid: uint('llc.cisco_pid', 'PID', 16, {
    base: 'hex',
    strings: {
      0x0102: 'DRiP',
      0x0104: 'PAgP',
      0x0111: 'UDLD',
      0x010b: 'PVSTP+',
      0x2000: 'CDP',
      0x2003: 'VTP',
      0x2004: 'DTP',
    },
  }),
};

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** A DSAP or SSAP byte: the SAP (shown by name) and its low bit (IG or CR). */
function sapItems(
  ctx: DissectCtx,
  off: number,
  value: number,
  sap: FieldDef,
  bit: FieldDef,
  top: FieldDef,
): void {
  const it = ctx.add(top, off, 1, value);
  const name = SAPS[value & 0xfe] ?? 'Unknown';
  ctx.add(sap, off, 1, value >> 1, {
    parent: it,
    label: () => `${bitPattern(8, 0xfe, value)} = SAP: ${name}`,
  });
  ctx.add(bit, off, 1, (value & 1) !== 0, { parent: it });
}

/** The control field: an unnumbered frame's one byte, an information or supervisory frame's two. */
function controlItems(ctx: DissectCtx, response: boolean): number {
  const v = ctx.view;
  const ctl = v.u8(2);
  if ((ctl & 3) === 3) {
    const mod = (ctl & 0xec) >> 2;
    const [abbr, name] = (response ? U_RESPONSES : U_COMMANDS)[mod] ?? ['Unknown', 'Unknown'];
    const c = ctx.add(lf.control, 2, 1, ctl, {
      label: () => `Control field: U, func=${abbr} (0x${hex2(ctl)})`,
    });
    ctx.add(response ? lf.uResp : lf.uCmd, 2, 1, mod, {
      parent: c,
      label: () =>
        `${bitPattern(8, 0xec, ctl)} = ${response ? 'Response' : 'Command'}: ${name} (0x${hex2(mod)})`,
    });
    ctx.add(lf.ftype, 2, 1, 3, { parent: c });
    return 1;
  }
  const control = v.u16le(2);
  const nr = control >> 9;
  if ((ctl & 1) === 0) {
    const ns = (control >> 1) & 0x7f;
    const c = ctx.add(lf.control, 2, 2, control, {
      label: () => `Control field: I, N(R)=${nr}, N(S)=${ns} (0x${control.toString(16).padStart(4, '0')})`,
    });
    ctx.add(lf.nR, 2, 2, nr, { parent: c });
    ctx.add(lf.nS, 2, 2, ns, { parent: c });
    ctx.add(lf.ftype, 2, 2, 0, { parent: c });
    return 2;
  }
  const st = control & 0x0c;
  const c = ctx.add(lf.control, 2, 2, control, {
    label: () =>
      `Control field: S, func=${S_TYPES[st] ?? 'Unknown'}, N(R)=${nr} (0x${control.toString(16).padStart(4, '0')})`,
  });
  ctx.add(lf.nR, 2, 2, nr, { parent: c });
  ctx.add(lf.sFtype, 2, 2, st >> 2, { parent: c });
  ctx.add(lf.ftype, 2, 2, 1, { parent: c });
  return 2;
}

/** 802.2 LLC (with SNAP) over 802.11, FDDI and Token Ring ('llc' table) and 802.3 lengths. */
export const llc = defineProtocol({
  abbrev: 'llc',
  name: 'Logical-Link Control',
  registerIn: { 'wlan.data': 0, llc: 0 },
  dissect(ctx) {
    const v = ctx.view;
    const dsap = v.u8(0);
    const ssap = v.u8(1);
    sapItems(ctx, 0, dsap, lf.dsapSap, lf.dsapIg, lf.dsap);
    sapItems(ctx, 1, ssap, lf.ssapSap, lf.ssapCr, lf.ssap);
    const ctlLen = controlItems(ctx, (ssap & 1) !== 0);
    ctx.columns.protocol = 'LLC';
    const hdr = 2 + ctlLen;
    if (dsap === 0xaa && ssap === 0xaa && ctlLen === 1) {
      const oui = v.u24be(hdr);
      const pid = v.u16be(hdr + 3);
      ctx.add(lf.oui, hdr, 3, oui, { label: () => snapOuiLabel(oui) });
      ctx.setLength(ctx.top, hdr + 5);
      if (oui === 0) {
        // RFC 1042 encapsulation: the PID is an ethertype (no "ethertype" layer name, as in tshark).
        ctx.add(lf.type, hdr + 3, 2, pid);
        ctx.handoff('ethertype', pid, hdr + 5);
      } else if (oui === 0x00000c) {
        // Cisco's protocols (CDP, VTP, DTP, …) by their PID.
        ctx.add(lf.ciscoPid, hdr + 3, 2, pid);
        ctx.handoff('llc.cisco_pid', pid, hdr + 5);
      } else {
        ctx.add(lf.pid, hdr + 3, 2, pid);
        ctx.data(hdr + 5);
      }
      return;
    }
    ctx.setLength(ctx.top, hdr);
    ctx.handoff('llc.dsap', dsap, hdr);
  },
});
