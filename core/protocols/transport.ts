// TCP and what rides on it.
import './tcp.js';
import './http.js';
