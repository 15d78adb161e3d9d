/**
 * Telnet on real logins (core/testing/fixtures/telnet-login.pcap.gz, made by scripts/make-telnet-fixture.sh with
 * inetutils' telnetd): rows, option negotiations, suboptions and data as tshark 4.0 has them, and both logins —
 * one typed a key at a time with a wrong password, one with the telnet command — among the credentials.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../fields/registry.js';
import { itemLabel } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { findCredentials } from '../stats/credentials.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import {
  filtersVsTshark,
  framesMatching,
  hasTshark,
  openWithColumns,
  ourFields,
  synthCapture,
  tsharkColumns,
  tsharkFields,
  tsharkOn,
} from '../testing/vs-tshark.js';

const FILE = fileURLToPath(new URL('../testing/fixtures/telnet-login.pcap.gz', import.meta.url));

const FIELDS = [
  'telnet.cmd',
  'telnet.subcmd',
  'telnet.data',
  'telnet.string_subopt.value',
  'telnet.naws_subopt.width',
  'telnet.naws_subopt.height',
];
const FILTERS = [
  'telnet',
  'telnet.cmd == 251',
  'telnet.subcmd == 24',
  'telnet.data contains "login"',
  'telnet.string_subopt.value == "XTERM"',
  'telnet.cmd == 250 && telnet.subcmd == 34',
  'telnet.cmd == 254',
];

/** A value as `tshark -T fields` prints it: a string's CR and LF escaped. */
function shown(v: FieldValue): string {
  return typeof v === 'string' ? v.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : String(v);
}

/** Every tree line of the frame's Telnet layer, indented by depth. */
function lines(items: readonly Item[], depth = 0): string[] {
  return items.flatMap((it) => [
    `${'  '.repeat(depth)}${itemLabel(it)}`,
    ...lines(it.children ?? [], depth + 1),
  ]);
}

describe('Telnet', () => {
  it('shows real logins as tshark does, and finds the credentials typed', async () => {
    const { s, rows } = await openWithColumns(FILE);
    expect(rows.filter((r) => r === 'TELNET\tTelnet Data ...').length).toBeGreaterThan(40);
    const creds = findCredentials(s);
    expect(creds.map((c) => [c.protocol, c.username, c.password, c.info])).toEqual([
      [
        'Telnet',
        'alice',
        'wrongpass',
        `Username in packet ${creds[0].usernameFrame}, rejected by the server`,
      ],
      ['Telnet', 'alice', 'wonderland', `Username in packet ${creds[1].usernameFrame}`],
    ]);
    expect(creds.map((c) => c.rejected)).toEqual([true, undefined]);
    if (hasTshark) {
      expect(rows).toEqual(tsharkColumns(FILE));
      const t = tsharkOn(FILE);
      expect(ourFields(s, FIELDS, shown)).toEqual(tsharkFields(t, FIELDS));
      for (const r of filtersVsTshark(s, t, FILTERS)) {
        expect(r.theirs.length, r.filter).toBeGreaterThan(0);
        expect(r.ours, r.filter).toEqual(r.theirs);
      }
      // The tree of the frame with the terminal type, as tshark -V has it.
      const frame = Number(framesMatching(s, 'telnet.string_subopt.value')[0]);
      const ourTree = lines(s.dissect(frame).tree.filter((t) => t.field.abbrev === 'telnet'));
      const v = t('-V', '-O', 'telnet', '-Y', `frame.number == ${frame}`);
      const tree = v
        .slice(v.indexOf('\nTelnet\n') + 1)
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/^( {4})+/, (m) => '  '.repeat(m.length / 4)));
      expect(ourTree).toEqual(tree);
    }
    s.close();
  });

  it('follows a login typed with backspaces and answered with a shell prompt', async () => {
    const a = new TcpConversation(CLIENT, WEB, 51023, 23, { s: 1_700_006_000, ns: 0 }).handshake();
    a.send(false, '\r\nrouter1 login: ');
    for (const k of ['a', 'd', 'm', 'x', '\x7f', 'i', 'n', '\r\n']) a.send(true, k);
    a.send(false, 'Password: ');
    a.send(true, 'S3cret!\r\n');
    a.send(false, '\r\nrouter1# ');
    const { session: s } = await synthCapture(a.packets);
    expect(findCredentials(s).map((c) => [c.username, c.password, c.info])).toEqual([
      ['admin', 'S3cret!', 'Username in packet 20'],
    ]);
    s.close();
  });
});
