/**
 * Wireshark's default colouring rules (colorfilters): rule name → background and foreground, as 16-bit RGB
 * triples in Wireshark's file, here as CSS hex. The engine names the rule (PacketRow.color).
 */
const rgb16 = (r: number, g: number, b: number): string =>
  '#' +
  [r, g, b]
    .map((v) =>
      Math.round(v / 257)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('');

const DARK = rgb16(4718, 10030, 11796);

export const COLOR_RULES: Record<string, { bg: string; fg: string }> = {
  'Bad TCP': { bg: DARK, fg: rgb16(63479, 34695, 34695) },
  'HSRP State Change': { bg: DARK, fg: rgb16(65535, 64764, 40092) },
  'Spanning Tree Topology  Change': { bg: DARK, fg: rgb16(65535, 64764, 40092) },
  'OSPF State Change': { bg: DARK, fg: rgb16(65535, 64764, 40092) },
  'ICMP errors': { bg: DARK, fg: rgb16(47031, 63479, 29812) },
  ARP: { bg: rgb16(64250, 61680, 55255), fg: DARK },
  ICMP: { bg: rgb16(64764, 57568, 65535), fg: DARK },
  'TCP RST': { bg: rgb16(42148, 0, 0), fg: rgb16(65535, 64764, 40092) },
  'SCTP ABORT': { bg: rgb16(42148, 0, 0), fg: rgb16(65535, 64764, 40092) },
  'TTL low or unexpected': { bg: rgb16(42148, 0, 0), fg: rgb16(60909, 60909, 60909) },
  'Checksum Errors': { bg: DARK, fg: rgb16(63479, 34695, 34695) },
  SMB: { bg: rgb16(65278, 65535, 53456), fg: DARK },
  HTTP: { bg: rgb16(58596, 65535, 51143), fg: DARK },
  DCERPC: { bg: rgb16(51143, 38807, 65535), fg: DARK },
  Routing: { bg: rgb16(65534, 62325, 54808), fg: DARK },
  'TCP SYN/FIN': { bg: rgb16(41120, 41120, 41120), fg: DARK },
  TCP: { bg: rgb16(59110, 59110, 65535), fg: DARK },
  UDP: { bg: rgb16(56026, 61166, 65535), fg: DARK },
  Broadcast: { bg: rgb16(65535, 65535, 65535), fg: rgb16(47802, 48573, 46774) },
  'System Event': { bg: rgb16(59110, 59110, 59110), fg: rgb16(11565, 28527, 39578) },
};

export function rowColors(name: string | undefined): { bg: string; fg: string } | undefined {
  return name ? COLOR_RULES[name] : undefined;
}
