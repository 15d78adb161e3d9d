/**
 * Differential test of the packet details (`wirelens list -V`, the UI's detail pane) against `tshark -n -V` for
 * the lower layers: every frame of a set of corpus captures is split into its top-level sections, and the lines
 * of the Frame, Ethernet II, ARP, IPv4, IPv6, UDP, TCP, ICMP and ICMPv6 sections (and the layers above) are compared in order (longest common
 * subsequence, counted against the longer side), on every oracle capture. The floors are what the tree reaches
 * today: raise them as it gets closer, never lower them.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capturePath, hasCorpus, oracleCaptures } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { compareTrees, TREE_LAYERS, type LayerTally, type TreeLayer } from '../testing/tree-vs-tshark.js';

/** Every capture with a tshark oracle, and one more TLS capture. */
const CAPTURES = [...oracleCaptures(), 'rsasnakeoil2.pcap'];

/**
 * Lines that agree, per layer (over the captures above). Before this test the tree had Frame 38118/124584,
 * Ethernet 25985/65358, IPv4 48398/114958, IPv6 4648/8655, UDP 4955/10897, TCP 98080/271574; when ICMP
 * joined it, ICMP 399/563 and ICMPv6 505/836. DNS joined at 1512/1512, its tree rebuilt as tshark's first;
 * HTTP at 3968/4429 (4429/4429 once header lines were shown as Wireshark's format_text shows them); the GIF
 * layer at 10797/10797, the PNG layer at 62/62; ARP at 110/110; Dropbox's LAN sync discovery (and its JSON) at
 * 188/188. TLS joined at 1773/2066 once its handshake messages got Wireshark's tree, 2055/2066 with the X.509
 * certificates inside (what is left: Netscape's certificate extensions). DHCP joined at 1125/1125, its options
 * read as Wireshark reads them (it showed header fields and three options before).
 */
const FLOOR: Record<TreeLayer, number> = {
  Frame: 124355,
  'Ethernet II': 65358,
  'Address Resolution Protocol': 110,
  'Internet Protocol Version 4': 114958,
  'Internet Protocol Version 6': 8655,
  'User Datagram Protocol': 10897,
  'Transmission Control Protocol': 271554,
  'Internet Control Message Protocol': 500,
  'Internet Control Message Protocol v6': 828,
  'Domain Name System': 1512,
  'Hypertext Transfer Protocol': 4429,
  'Compuserve GIF': 10797,
  'Portable Network Graphics': 62,
  'Dropbox LAN sync Discovery Protocol': 188,
  'Transport Layer Security': 2055,
  'Dynamic Host Configuration Protocol': 1125,
};

describe.skipIf(!hasCorpus || !hasTshark)('packet details vs tshark -V', () => {
  it('has the lines tshark shows for the lower layers', { timeout: 300_000 }, async () => {
    const tally = new Map<TreeLayer, LayerTally>();
    const examples: string[] = [];
    for (const name of CAPTURES) {
      const path = capturePath(name);
      if (existsSync(path)) await compareTrees(path, tally, examples);
    }
    const lines = TREE_LAYERS.map((l) => {
      const t = tally.get(l) ?? { same: 0, lines: 0, sectionsSame: 0, sections: 0 };
      const pct = t.lines ? ((100 * t.same) / t.lines).toFixed(1) : '-';
      return `  ${l}: ${t.same}/${t.lines} lines agree (${pct}%), ${t.sectionsSame}/${t.sections} sections identical`;
    });
    console.log(`packet details vs tshark -n -V:\n${lines.join('\n')}`);
    if (examples.length) console.log(examples.slice(0, 8).join('\n'));
    for (const l of TREE_LAYERS) expect(tally.get(l)?.same ?? 0, l).toBeGreaterThanOrEqual(FLOOR[l]);
  });
});
