/**
 * Writes assets/sample.pcapng, the capture the app opens on first start: a DNS lookup, an HTTP session that
 * downloads GIFs (one of them a PNG in disguise) and gets a 404, and the course's TCP chat. Deterministic.
 *   node --import tsx scripts/make-sample.ts
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writePcapng } from '../core/capture/writer.js';
import { chatScenario, httpGifScenario } from '../core/testing/scenarios.js';

const http = httpGifScenario(1_700_000_000);
const chat = chatScenario(1_700_000_001);
const packets = [...http, ...chat].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
// Chat packets were captured on loopback in the course; keep them on the same Ethernet interface here.
const out = writePcapng(
  packets.map((p, i) => ({
    ...p,
    comments: i === 0 ? ['Wirelens sample capture: DNS, HTTP GIF downloads, a TCP chat'] : undefined,
  })),
  { interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] },
);
const path = resolve(import.meta.dirname, '..', 'assets', 'sample.pcapng');
writeFileSync(path, out);
console.log(`wrote ${path} (${packets.length} packets, ${out.length} bytes)`);
