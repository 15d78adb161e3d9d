/** pcap LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) and their Wireshark-style names. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  TOKEN_RING: 6,
  FDDI: 10,
  RAW: 101,
  IEEE802_11: 105,
  FRELAY: 107,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const NAMES: Record<number, string> = {
  0: 'NULL/Loopback',
  1: 'Ethernet',
  6: 'Token Ring',
  8: 'SLIP',
  9: 'PPP',
  10: 'FDDI',
  50: 'PPP in HDLC-like framing',
  101: 'Raw IP',
  104: 'Cisco HDLC',
  105: 'IEEE 802.11 Wireless LAN',
  107: 'Frame Relay',
  108: 'OpenBSD loopback',
  113: 'Linux cooked-mode capture v1',
  119: 'Prism',
  127: 'IEEE 802.11 plus radiotap radio header',
  143: 'DOCSIS',
  147: 'USER 0',
  148: 'USER 1',
  149: 'USER 2',
  189: 'USB packets with Linux header',
  192: 'Per-Packet Information header',
  195: 'IEEE 802.15.4 Wireless PAN',
  201: 'Bluetooth H4 with linux header',
  220: 'USB packets with Linux header and padding',
  228: 'Raw IPv4',
  229: 'Raw IPv6',
  235: 'DVB-CI (Common Interface)',
  249: 'Netlink',
  252: 'Wireshark Upper PDU export',
  263: 'Bluetooth Low Energy Link Layer',
  276: 'Linux cooked-mode capture v2',
};

export function linkTypeName(lt: number): string {
  return NAMES[lt] ?? `Unknown link type ${lt}`;
}
