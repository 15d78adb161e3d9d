/** The TLS key log of a capture: the text of its pcapng Decryption Secrets Blocks of that type. */

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
