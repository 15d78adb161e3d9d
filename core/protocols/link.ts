// Link, network and UDP-based protocols.
import './eth.js';
import './ip.js';
import './udp.js';
