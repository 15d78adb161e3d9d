/**
 * Writes a capture of one HTTP download with a chunked response body, the worst case of TCP reassembly (HTTP
 * asks for one more segment until the last chunk arrives):
 *   node --import tsx bench/chunked.ts [--size 8388608] [--chunk 4096] --out FILE.pcap
 * The body is pseudo-random (core/testing/scenarios.ts chunkedBody), so `wirelens export` and
 * `tshark --export-objects http,DIR` can be compared byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { writePcap } from '../core/capture/writer.js';
import { chunkedBody, chunkedDownloadScenario } from '../core/testing/scenarios.js';

const args = process.argv.slice(2);
const opt = (name: string) => args[args.indexOf(name) + 1];
const size = args.includes('--size') ? Number(opt('--size')) : 8 << 20;
const chunk = args.includes('--chunk') ? Number(opt('--chunk')) : 4096;
const out = args.includes('--out') ? opt('--out') : undefined;
if (!out || !(size >= 0) || !(chunk > 0)) {
  console.error('usage: bench/chunked.ts [--size BYTES] [--chunk BYTES] --out FILE.pcap');
  process.exit(2);
}
const packets = chunkedDownloadScenario(chunkedBody(size), chunk);
writeFileSync(out, writePcap(packets, { linkType: 1 }));
console.log(`wrote ${out} (${packets.length} packets, body ${size} bytes in chunks of ${chunk})`);
