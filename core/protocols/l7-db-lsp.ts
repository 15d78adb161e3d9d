/**
 * Dropbox LAN sync discovery (UDP 17500) as Wireshark 4.0 shows it: every few seconds a Dropbox client
 * broadcasts a JSON object with its `host_int` (one number per installation), its `version`, its sync `port`
 * and the `namespaces` (shared folders) it holds: for an investigator, which machine ran Dropbox and which
 * of them shared folders. The JSON is dissected when it is valid JSON (Wireshark's heuristic), else the payload
 * is shown as text.
 */
import { nameOnlyProtocols, str } from '../fields/registry.js';
import { defineProtocol } from '../dissect/engine.js';
import { isJsonText, jsonLayer, parseJsonTexts } from './l7-json.js';

// The text field belongs to the TCP protocol (Dropbox's sync itself), whose dissector this is not.
nameOnlyProtocols({ 'db-lsp': 'Dropbox LAN sync Protocol' });
const text = str('db-lsp.text', 'Text');

defineProtocol({
  abbrev: 'db-lsp-disc',
  name: 'Dropbox LAN sync Discovery Protocol',
  registerIn: { 'udp.port': 17500 },
  dissect(ctx) {
    ctx.columns.protocol = 'DB-LSP-DISC';
    ctx.columns.info = 'Dropbox LAN sync Discovery Protocol';
    const b = ctx.view.bytes;
    // Parsed once: to tell JSON (Wireshark's heuristic) and to show it.
    const parsed = parseJsonTexts(b);
    if (isJsonText(b, parsed)) jsonLayer(ctx, undefined, ctx.top, parsed);
    else ctx.add(text, 0, b.length, ctx.view.latin1(0, b.length));
  },
});
