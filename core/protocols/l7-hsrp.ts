/**
 * Cisco Hot Standby Router Protocol, version 0/1 (RFC 2281; UDP 1985): which router answers for a virtual
 * gateway address. As Wireshark 4.0 shows Hello, Coup and Resign messages; other messages show their version
 * and opcode only.
 */
import { ipv4 as ipv4Field, str, uint } from '../fields/registry.js';
import { defineProtocol } from '../dissect/engine.js';

const OPCODES: Record<number, string> = { 0: 'Hello', 1: 'Coup', 2: 'Resign', 3: 'Advertise' };
const STATES: Record<number, string> = {
  0: 'Initial',
  1: 'Learn',
  2: 'Listen',
  4: 'Speak',
  8: 'Standby',
  16: 'Active',
};

const h = {
  version: uint('hsrp.version', 'Version', 8),
  opcode: uint('hsrp.opcode', 'Op Code', 8, { strings: OPCODES }),
  state: uint('hsrp.state', 'State', 8, { strings: STATES }),
  hellotime: uint('hsrp.hellotime', 'Hellotime', 8),
  holdtime: uint('hsrp.holdtime', 'Holdtime', 8),
  priority: uint('hsrp.priority', 'Priority', 8),
  group: uint('hsrp.group', 'Group', 8),
  reserved: uint('hsrp.reserved', 'Reserved', 8),
  auth: str('hsrp.auth_data', 'Authentication Data'),
  virtIp: ipv4Field('hsrp.virt_ip', 'Virtual IP Address'),
};

defineProtocol({
  abbrev: 'hsrp',
  name: 'Cisco Hot Standby Router Protocol',
  registerIn: { 'udp.port': 1985 },
  dissect(ctx) {
    const v = ctx.view;
    const version = v.u8(0);
    const opcode = v.u8(1);
    ctx.columns.protocol = 'HSRP';
    ctx.add(h.version, 0, 1, version);
    ctx.add(h.opcode, 1, 1, opcode);
    const op = OPCODES[opcode] ?? `Unknown (${opcode})`;
    if (version > 1 || opcode > 2) {
      if (ctx.columnsWanted) ctx.columns.info = op;
      return;
    }
    const state = v.u8(2);
    ctx.add(h.state, 2, 1, state);
    if (ctx.columnsWanted) ctx.columns.info = `${op} (state ${STATES[state] ?? 'Unknown'})`;
    const hello = v.u8(3);
    const hold = v.u8(4);
    ctx.add(h.hellotime, 3, 1, hello, {
      label: () => `Hellotime: ${hello === 3 ? 'Default' : 'Non-Default'} (${hello})`,
    });
    ctx.add(h.holdtime, 4, 1, hold, {
      label: () => `Holdtime: ${hold === 10 ? 'Default' : 'Non-Default'} (${hold})`,
    });
    ctx.add(h.priority, 5, 1, v.u8(5));
    ctx.add(h.group, 6, 1, v.u8(6));
    ctx.add(h.reserved, 7, 1, v.u8(7));
    const auth = v.latin1(8, 8).split('\0')[0];
    ctx.add(h.auth, 8, 8, auth, {
      label: () => `Authentication Data: ${auth === 'cisco' ? 'Default' : 'Non-Default'} (${auth})`,
    });
    ctx.add(h.virtIp, 16, 4, v.u32be(16));
  },
});
