// TCP and what rides on it register here (tcp, http, tls, websocket).
export {};
