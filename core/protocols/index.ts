/**
 * Importing this module registers every protocol (fields + dissector tables), lowest layer first.
 * Files are named by layer (l2-, l3-, l4-, l7-) so a reader finds a protocol by where it sits in the stack.
 */
import './frame.js';
import './l2-ethernet.js';
import './l2-wlan.js';
import './l2-eap.js';
import './l2-framerelay.js';
import './l3-ip.js';
import './l3-ipsec.js';
import './l4-udp.js';
import './l7-dhcp.js';
import './l7-nbns.js';
import './l7-dhcpv6.js';
import './l7-tftp.js';
import './l7-hsrp.js';
import './l7-db-lsp.js';
import './l7-snmp.js';
import './l7-syslog.js';
import './l2-cdp.js';
import './l2-stp.js';
import './l4-tcp.js';
import './l7-websocket.js';
import './l7-http.js';
import './l7-http2.js';
import './l7-tls.js';
import './l7-smtp.js';
import './l7-ftp.js';
import './l7-pop.js';
import './l7-imap.js';
import './l7-smb.js';
import './l7-sip.js';
import './l7-ssh.js';
import './l7-telnet.js';
import './l7-kerberos.js';
import './l7-ldap.js';
import './l7-quic.js';
import './l7-http3.js';
