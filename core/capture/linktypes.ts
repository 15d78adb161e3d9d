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
  12: 'Raw IP',
  14: 'Raw IP',
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
  249: 'USB packets with USBPcap header',
  252: 'Wireshark Upper PDU export',
  253: 'Linux Netlink',
  263: 'Bluetooth Low Energy Link Layer',
  276: 'Linux cooked-mode capture v2',
};

export function linkTypeName(lt: number): string {
  return NAMES[lt] ?? `Unknown link type ${lt}`;
}

/**
 * Wireshark's own encapsulation (WTAP_ENCAP_*) for a pcap link type: the number tshark shows as
 * `frame.encap_type` and capinfos as "Encapsulation = <name> (<id> - <short>)". Undefined when not mapped here.
 */
export interface WtapEncap {
  id: number;
  name: string;
  short: string;
}

const WTAP: Record<number, [number, string, string]> = {
  0: [15, 'NULL/Loopback', 'null'],
  1: [1, 'Ethernet', 'ether'],
  6: [2, 'Token Ring', 'tr'],
  8: [3, 'SLIP', 'slip'],
  9: [4, 'PPP', 'ppp'],
  10: [6, 'FDDI with bit-swapped MAC addresses', 'fddi-swapped'],
  50: [4, 'PPP', 'ppp'],
  12: [7, 'Raw IP', 'rawip'], // DLT_RAW on OpenBSD
  14: [7, 'Raw IP', 'rawip'], // DLT_RAW on BSD/OS
  101: [7, 'Raw IP', 'rawip'],
  104: [28, 'Cisco HDLC', 'chdlc'],
  105: [20, 'IEEE 802.11 Wireless LAN', 'ieee-802-11'],
  107: [26, 'Frame Relay', 'frelay'],
  108: [174, 'OpenBSD loopback', 'loop'],
  113: [25, 'Linux cooked-mode capture v1', 'linux-sll'],
  127: [23, 'IEEE 802.11 plus radiotap radio header', 'ieee-802-11-radiotap'],
  189: [95, 'USB packets with Linux header', 'usb-linux'],
  220: [115, 'USB packets with Linux header and padding', 'usb-linux-mmap'],
  228: [129, 'Raw IPv4', 'rawip4'],
  229: [130, 'Raw IPv6', 'rawip6'],
  235: [132, 'DVB-CI (Common Interface)', 'dvbci'],
  249: [152, 'USB packets with USBPcap header', 'usb-usbpcap'],
  252: [155, 'Wireshark Upper PDU export', 'wireshark-upper-pdu'],
  253: [158, 'Linux Netlink', 'netlink'],
  276: [210, 'Linux cooked-mode capture v2', 'linux-sll2'],
};
for (let u = 0; u < 16; u++) WTAP[147 + u] = [45 + u, `USER ${u}`, `user${u}`];

export function wtapEncap(linkType: number): WtapEncap | undefined {
  const w = WTAP[linkType];
  return w && { id: w[0], name: w[1], short: w[2] };
}
