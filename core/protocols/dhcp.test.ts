/**
 * DHCP and BOOTP against tshark on a capture the test writes (core/testing/dhcp.ts): a Windows client's
 * Discover/Offer/Request/ACK with the options clients and servers send, a relayed Inform with the relay's
 * option 82 and options shown as their value, and a BOOTP reply — rows, the protocol trees, field values and filters. (The corpus tree test
 * compares the DHCP sections of the corpus captures too.)
 */
import { describe, expect, it } from 'vitest';
import { dhcpPackets } from '../testing/dhcp.js';
import {
  detailsText,
  filtersVsTshark,
  hasTshark,
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';

const DHCP = 'Dynamic Host Configuration Protocol';

describe('DHCP', () => {
  it.skipIf(!hasTshark)('lists, details and filters every message as tshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(dhcpPackets());
    expect(list).toBe(tshark());
    const ours = layerSections(detailsText(s), DHCP);
    expect(ours).toHaveLength(6);
    expect(ours).toEqual(layerSections(tshark('-V'), DHCP));
    expect(ours[0]).toContain(
      '    Option: (12) Host Name\n        Length: 13\n        Host Name: DESKTOP-7Q2K9\n',
    );
    expect(ours[1]).toContain('         10.1.2.0/24-192.168.1.254\n         default-192.168.1.1\n');
    expect(ours[4]).toContain(
      '        Option 82 Suboption: (1) Agent Circuit ID\n            Length: 8\n            Agent Circuit ID: 4769312f302f3132\n',
    );

    const fields = [
      'dhcp.hw.mac_addr',
      'dhcp.hw.type',
      'dhcp.flags',
      'dhcp.flags.bc',
      'dhcp.ip.your',
      'dhcp.ip.server',
      'dhcp.ip.relay',
      'dhcp.server',
      'dhcp.file',
      'dhcp.cookie',
      'dhcp.vendor_specific_options',
      'dhcp.option.type',
      'dhcp.option.length',
      'dhcp.option.value',
      'dhcp.option.end',
      'dhcp.option.padding',
      'dhcp.option.dhcp',
      'dhcp.option.hostname',
      'dhcp.option.vendor_class_id',
      'dhcp.option.request_list_item',
      'dhcp.option.requested_ip_address',
      'dhcp.option.dhcp_server_id',
      'dhcp.option.ip_address_lease_time',
      'dhcp.option.router',
      'dhcp.option.domain_name_server',
      'dhcp.option.domain_name',
      'dhcp.option.dhcp_dns_domain_search_list_fqdn',
      'dhcp.option.classless_static_route',
      'dhcp.option.netbios_over_tcpip_node_type',
      'dhcp.option.private_proxy_autodiscovery',
      'dhcp.option.tftp_server_name',
      'dhcp.fqdn.name',
      'dhcp.fqdn.e',
      'dhcp.fqdn.flags',
      'dhcp.option.agent_information_option.suboption',
      'dhcp.option.suboption_length',
      'dhcp.option.agent_information_option.value',
      'dhcp.option.agent_information_option.agent_circuit_id',
      'dhcp.option.agent_information_option.agent_remote_id',
      'dhcp.option.agent_information_option.link_selection',
      'dhcp.option.agent_information_option.subscriber_id',
    ];
    expect(ourFields(s, fields)).toEqual(tsharkFields(tshark, fields));
    for (const r of filtersVsTshark(s, tshark, [
      'dhcp',
      'bootp',
      'dhcp.option.dhcp == 3',
      'dhcp.option.hostname contains "DESKTOP"',
      'dhcp.option.vendor_class_id == "MSFT 5.0"',
      'dhcp.option.request_list_item == 252',
      'dhcp.hw.mac_addr == 3c:52:82:1a:2b:3c',
      'dhcp.option.type == 255',
      'dhcp.option.type == 0',
      'dhcp.option.value == 01:02:03',
      'dhcp.server == "pxe1"',
      'dhcp.option.ip_address_lease_time > 3600',
      'dhcp.flags.bc',
      'dhcp.option.agent_information_option.agent_circuit_id == "Gi1/0/12"',
      'dhcp.option.agent_information_option.agent_remote_id == 00:1b:54:47:49:44',
      'dhcp.fqdn.s',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });
});
