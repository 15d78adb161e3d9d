/**
 * TLS key logs: the text of a capture's pcapng Decryption Secrets Blocks of that type, and the key log file the
 * user names (`--tls-keylog FILE`, which sets WIRELENS_TLS_KEYLOG for every thread of the command).
 */
import { readFileSync } from 'node:fs';

/** Secrets type of a TLS key log (NSS key log format) in a Decryption Secrets Block. */
const TLS_KEY_LOG = 0x544c534b;

export function tlsKeyLog(cap: { decryptionSecrets(): { type: number; data: Uint8Array }[] }): string {
  const dec = new TextDecoder('latin1');
  return cap
    .decryptionSecrets()
    .filter((s) => s.type === TLS_KEY_LOG)
    .map((s) => dec.decode(s.data))
    .join('\n');
}

/** Environment variable naming a key log file (NSS format, as SSLKEYLOGFILE writes) to decrypt TLS with. */
export const KEYLOG_ENV = 'WIRELENS_TLS_KEYLOG';

/** The text of the key log file `path` (default: the one WIRELENS_TLS_KEYLOG names), or '' when none. */
export function userKeyLog(path = process.env[KEYLOG_ENV]): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'latin1');
  } catch {
    // The CLI checks the file when it is given; one gone since then decrypts nothing.
    return '';
  }
}
