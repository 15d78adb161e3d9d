/**
 * Export file names. First tshark's rules (so our names equal `tshark --export-objects http,DIR`): the last path
 * component of the request URI as sent, characters Windows forbids and control bytes written as %xx, at most 255
 * bytes keeping the extension, "object<frame>" when there is no URI, and "name(1).ext" for duplicates. Then our
 * own safety layer, which tshark lacks: a name can never leave the export folder or hit a device name, and
 * duplicates never overwrite (no cap).
 */

const MAX_NAME = 255;
const REJECT = new Set([...'<>:"/\\|?*'].map((c) => c.charCodeAt(0)));

const hex = (n: number) => n.toString(16);

/** glib's g_path_get_basename on a URI path: last component, trailing slashes ignored. */
export function uriBasename(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  if (trimmed === '') return uri === '' ? '.' : '/';
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

/** tshark's eo_massage_str: %xx for rejected characters, length capped keeping the extension. */
export function massage(name: string): string {
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || REJECT.has(c)) out += `%${hex(c >> 4)}${hex(c & 15)}`;
    else out += ch;
  }
  if (Buffer.byteLength(out) > MAX_NAME) {
    const dot = out.lastIndexOf('.');
    const ext = dot >= 0 ? out.slice(dot) : '';
    out = truncateBytes(out, MAX_NAME - Buffer.byteLength(ext)) + ext;
    if (Buffer.byteLength(out) > MAX_NAME) out = truncateBytes(out, MAX_NAME);
  }
  return out;
}

function truncateBytes(s: string, max: number): string {
  if (max <= 0) return '';
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

/** The name tshark gives an object before duplicates are resolved. */
export function tsharkName(uri: string | undefined, frame: number): string {
  if (uri === undefined) return `object${frame}`;
  return massage(uriBasename(uri));
}

/** "name(n).ext": the duplicate suffix goes before the last dot, like Wireshark. */
export function withDuplicateSuffix(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}(${n})${name.slice(dot)}` : `${name}(${n})`;
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Makes a tshark-style name safe to create inside the export folder on any OS: no path separators or "..",
 * no control characters, no reserved device names, no trailing dots/spaces, not empty, ≤ 255 bytes.
 * Returns the name unchanged when it already is (true for every name tshark produces from ordinary URIs).
 */
export function safeName(name: string): string {
  let s = massage(name); // separators, drive-letter colons and control bytes become %xx
  s = s.replace(/[\u007f-\u009f]/g, (c) => `%${hex(c.charCodeAt(0))}`);
  if (s === '.' || s === '..' || s === '') s = `_${s.replace(/\./g, '%2e')}`;
  s = s.replace(/[. ]+$/, (m) => m.replace(/\./g, '%2e').replace(/ /g, '%20'));
  if (RESERVED.test(s)) s = `_${s}`;
  return massage(s);
}

/** Assigns unique names in order: the first keeps its name, later ones get (1), (2), … — never a cap. */
export function uniqueNames(
  names: readonly string[],
  taken: (name: string) => boolean = () => false,
): string[] {
  const used = new Set<string>();
  // Next suffix to try per base name: 100k identical names stay linear, not quadratic.
  const next = new Map<string, number>();
  return names.map((base) => {
    for (let n = next.get(base) ?? 0; ; n++) {
      const candidate = withDuplicateSuffix(base, n);
      const key = candidate.toLowerCase();
      if (!used.has(key) && !taken(candidate)) {
        used.add(key);
        next.set(base, n + 1);
        return candidate;
      }
    }
  });
}
