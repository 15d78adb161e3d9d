/**
 * IPsec as Wireshark shows it without keys: ESP (IP protocol 50, or UDP port 4500 through "UDP Encapsulation of
 * IPsec Packets", RFC 3948) with its SPI and sequence number; the payload is encrypted and not dissected. On port
 * 4500 a single 0xff byte is a NAT-keepalive and four zero bytes (the non-ESP marker) precede IKE, which we do
 * not dissect (the rest shows as data).
 */
import { bool, uint } from '../fields/registry.js';
import { defineProtocol } from '../dissect/engine.js';

const f = {
  spi: uint('esp.spi', 'ESP SPI', 32, { base: 'hex_dec' }),
  sequence: uint('esp.sequence', 'ESP Sequence', 32),
  keepalive: uint('udpencap.nat_keepalive', 'NAT-keepalive packet', 8, { base: 'hex' }),
  nonEsp: bool('udpencap.non_esp_marker', 'Non-ESP Marker'),
};

const esp = defineProtocol({
  abbrev: 'esp',
  name: 'Encapsulating Security Payload',
  registerIn: { 'ip.proto': 50 },
  dissect(ctx) {
    const v = ctx.view;
    const spi = v.u32be(0);
    const seq = v.u32be(4);
    ctx.add(f.spi, 0, 4, spi);
    ctx.add(f.sequence, 4, 4, seq);
    ctx.columns.protocol = 'ESP';
    ctx.columns.info = `ESP (SPI=0x${spi.toString(16).padStart(8, '0')})`;
  },
});

defineProtocol({
  abbrev: 'udpencap',
  name: 'UDP Encapsulation of IPsec Packets',
  registerIn: { 'udp.port': 4500 },
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'UDPENCAP';
    if (v.length === 1 && v.u8(0) === 0xff) {
      ctx.add(f.keepalive, 0, 1, 0xff);
      ctx.columns.info = 'NAT-keepalive';
      return;
    }
    if (v.length >= 4 && v.u32be(0) === 0) {
      ctx.add(f.nonEsp, 0, 4, true);
      ctx.data(4);
      return;
    }
    ctx.call(esp, 0);
  },
});
