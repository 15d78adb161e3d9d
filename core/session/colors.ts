/**
 * Wireshark's default colouring rules (the first that matches wins), evaluated with our own filter engine.
 * The renderer maps the rule name to colours; core/api exports the palette so both agree.
 */
import { compileFilter, type CompiledFilter } from '../dfilter/index.js';
import type { Dissection } from '../dissect/types.js';

export const COLOR_RULES: readonly { name: string; filter: string }[] = [
  {
    name: 'Bad TCP',
    filter:
      'tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack',
  },
  { name: 'HSRP State Change', filter: 'hsrp.state != 8 && hsrp.state != 16' },
  { name: 'Spanning Tree Topology  Change', filter: 'stp.type == 0x80' },
  { name: 'OSPF State Change', filter: 'ospf.msg != 1' },
  {
    name: 'ICMP errors',
    filter: 'icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }',
  },
  { name: 'ARP', filter: 'arp' },
  { name: 'ICMP', filter: 'icmp || icmpv6' },
  { name: 'TCP RST', filter: 'tcp.flags.reset eq 1' },
  { name: 'SCTP ABORT', filter: 'sctp.chunk_type eq ABORT' },
  {
    name: 'TTL low or unexpected',
    filter:
      '( ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp))',
  },
  {
    name: 'Checksum Errors',
    filter:
      'eth.fcs.status=="Bad" || ip.checksum.status=="Bad" || tcp.checksum.status=="Bad" || udp.checksum.status=="Bad"|| sctp.checksum.status=="Bad"|| mstp.checksum.status=="Bad"|| cdp.checksum.status=="Bad"|| edp.checksum.status=="Bad"|| wlan.fcs.status=="Bad"|| stt.checksum.status=="Bad"',
  },
  { name: 'SMB', filter: 'smb || nbss || nbns || netbios' },
  { name: 'HTTP', filter: 'http || tcp.port == 80 || http2' },
  { name: 'DCERPC', filter: 'dcerpc' },
  { name: 'Routing', filter: 'hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp' },
  { name: 'TCP SYN/FIN', filter: 'tcp.flags & 0x02 || tcp.flags.fin == 1' },
  { name: 'TCP', filter: 'tcp' },
  { name: 'UDP', filter: 'udp' },
  { name: 'Broadcast', filter: 'eth[0] & 1' },
  { name: 'System Event', filter: 'systemd_journal || sysdig' },
];

interface Compiled {
  name: string;
  filter: CompiledFilter;
}

/**
 * Rules whose fields we do not dissect (hsrp, stp, …) fail to compile and are dropped, exactly like a rule that
 * can never match.
 */
export class Colorizer {
  private readonly rules: Compiled[] = [];
  readonly fields = new Set<number>();
  needsAll = false;

  constructor() {
    for (const r of COLOR_RULES) {
      const c = compileOrDrop(r.filter);
      if (!c) continue;
      this.rules.push({ name: r.name, filter: c });
      for (const f of c.fields) this.fields.add(f);
      if (c.needsAll) this.needsAll = true;
    }
  }

  color(d: Dissection): string | undefined {
    for (const r of this.rules) {
      try {
        if (r.filter.match(d)) return r.name;
      } catch {
        // A rule that cannot be evaluated on this packet simply does not apply.
      }
    }
    return undefined;
  }
}

/** Compiles a rule; rules naming protocols we do not dissect keep their `||` alternatives that compile. */
function compileOrDrop(expr: string): CompiledFilter | undefined {
  const r = compileFilter(expr);
  if (r.ok) return r.filter;
  const kept = expr
    .split('||')
    .map((p) => p.trim())
    .filter((p) => compileFilter(p).ok);
  if (kept.length === 0) return undefined;
  const k = compileFilter(kept.join(' || '));
  return k.ok ? k.filter : undefined;
}
