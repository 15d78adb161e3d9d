// Link, network and UDP-based protocols register here (eth, vlan, arp, ip, ipv6, icmp, icmpv6, udp, dns, sll, null, raw).
export {};
