/**
 * Export file names.
 *
 * First tshark 4.0's rules, so our names equal `tshark --export-objects http,DIR` (checked against tshark itself
 * in naming.tshark.test.ts):
 * - the request URI as sent, each byte ≥ 0x80 read as U+FFFD (tshark reads the URI as ASCII), cut at a NUL;
 * - glib's basename of it ("/a/b.gif?x" → "b.gif?x", "/dir/" → "dir", "/" → "/", "/.." → "..");
 * - characters Windows forbids (<>:"/\|?*) and control bytes 0x01–0x1f written as %xx (lower-case hex);
 * - longer than 255 bytes: cut, keeping the part from the last dot ("extension");
 * - no request seen: "object<frame>" plus "." and the response's Content-Type (lower-cased, without parameters;
 *   tshark has no type → extension table), e.g. "object83.image%2fgif";
 * - a name that exists already (in the folder, "." and ".." included) gets "(n)" before the last dot:
 *   "logo(1).gif", "(1).htaccess", "x(1)", cut again to 255 bytes; tshark gives up at n = 999 (its
 *   gui.max_export_objects preference, 1000) and overwrites that file.
 *
 * Then our own safety layer, which tshark lacks: a name can never leave the export folder or hit a device name,
 * and duplicates never overwrite (no cap).
 */

/** tshark's EXPORT_OBJECT_MAXFILELEN. */
export const MAX_NAME = 255;
/** tshark's default gui.max_export_objects: the highest "(n)" it tries is one less. */
export const TSHARK_DUPLICATE_CAP = 1000;

const REJECT = new Set([...'<>:"/\\|?*'].map((c) => c.charCodeAt(0)));
const hex2 = (c: number) => c.toString(16).padStart(2, '0');

/** Bytes of a name as tshark writes it (every char is ASCII or U+FFFD, or any Unicode for our own names). */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` of at most `max` UTF-8 bytes that does not split a character. */
function truncateBytes(s: string, max: number): string {
  if (byteLength(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = byteLength(ch);
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

/** glib's g_path_get_basename on a URI: last component, trailing slashes ignored, "" → ".", "///" → "/". */
export function uriBasename(uri: string): string {
  if (uri === '') return '.';
  const trimmed = uri.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

/** The URI as tshark holds it: a byte string (one char per byte) read as ASCII, so ≥ 0x80 → U+FFFD; cut at NUL. */
export function tsharkUriText(uri: string): string {
  let out = '';
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c === 0) break;
    out += c < 0x80 ? uri[i] : '\ufffd';
  }
  return out;
}

/** eo_rename: "(n)" before the last dot (or at the end), the stem cut so the whole stays within 255 bytes. */
export function withDuplicateSuffix(name: string, n: number): string {
  if (n === 0) return name;
  const tag = `(${n})`;
  const dot = name.lastIndexOf('.');
  if (dot >= 0) {
    const ext = name.slice(dot);
    const room = MAX_NAME - (tag.length + byteLength(ext));
    // tshark's unsigned arithmetic: with no room left it does not cut at all.
    const stem = room >= 0 ? truncateBytes(name.slice(0, dot), room) : name.slice(0, dot);
    return stem + tag + ext;
  }
  return truncateBytes(name, MAX_NAME - tag.length) + tag;
}

/** True when `s` is printable ASCII without a character massage() escapes. */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || REJECT.has(c)) return false;
  }
  return true;
}

/** eo_massage_str: %xx for rejected characters, then at most 255 bytes keeping the extension, then "(n)". */
export function massage(name: string, dupn = 0): string {
  // Most names are printable ASCII (a byte a character) with nothing to escape or cut: kept as they are. An export
  // names every object twice (the list and the writer), and this runs for each "(n)" tried.
  if (name.length <= MAX_NAME && plain(name)) return withDuplicateSuffix(name, dupn);
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c >= 1 && c < 0x20) || REJECT.has(c)) out += `%${hex2(c)}`;
    else out += ch;
  }
  if (byteLength(out) > MAX_NAME) {
    const dot = out.lastIndexOf('.');
    if (dot >= 0) {
      const ext = out.slice(dot);
      const room = MAX_NAME - byteLength(ext);
      // As in tshark: an "extension" longer than the limit is appended to the uncut name.
      out = (room >= 0 ? truncateBytes(out, room) : out) + ext;
    } else out = truncateBytes(out, MAX_NAME);
  }
  return withDuplicateSuffix(out, dupn);
}

/** The content type as tshark keeps it for an object: lower-cased, parameters dropped. */
export function tsharkContentType(ct: string): string {
  return ct.split(';')[0].trim().toLowerCase();
}

/**
 * The name tshark gives an object before duplicates are resolved. `uri` is the request URI as a byte string
 * (undefined when no request was seen for the response).
 */
export function tsharkName(uri: string | undefined, frame: number, contentType = ''): string {
  if (uri === undefined) {
    const ct = tsharkContentType(contentType);
    return massage(`object${frame}${ct ? `.${ct}` : ''}`);
  }
  return massage(uriBasename(tsharkUriText(uri)));
}

/**
 * Resolves duplicates the way tshark's export loop does, for names written in order into an empty folder:
 * a name is taken when an earlier object (or "." / "..") has it; "(n)" counts up from 1 per object. With a
 * finite `cap` (tshark: 1000) the object that finds "(cap-1)" taken overwrites it — so the same name can come
 * back; with `cap = Infinity` every name is unique. Case-sensitive, like tshark on Linux.
 */
export function tsharkNames(
  bases: readonly string[],
  cap = TSHARK_DUPLICATE_CAP,
  taken: (name: string) => boolean = () => false,
): string[] {
  const names = new NameAllocator(cap, taken);
  return bases.map((base) => names.next(base));
}

/**
 * tsharkNames one name at a time, for objects named as they are found (an export during the first pass): the
 * same names in the same order.
 */
export class NameAllocator {
  private readonly used = new Set<string>(['.', '..']);
  // Every "(k)" below next.get(base) is known to be taken: 100k identical names stay linear.
  private readonly nextOf = new Map<string, number>();

  constructor(
    private readonly cap = TSHARK_DUPLICATE_CAP,
    private readonly taken: (name: string) => boolean = () => false,
  ) {}

  next(base: string): string {
    const cap = this.cap;
    let n = Math.min(this.nextOf.get(base) ?? 0, cap - 1);
    let name = massage(base, n);
    while ((this.used.has(name) || this.taken(name)) && ++n < cap) name = massage(base, n);
    if (n >= cap) n = cap - 1;
    this.used.add(name);
    this.nextOf.set(base, n + 1);
    return name;
  }
}

/** Unique names in order, never capped: the first keeps its name, later ones get (1), (2), … */
export function uniqueNames(
  names: readonly string[],
  taken: (name: string) => boolean = () => false,
): string[] {
  return tsharkNames(names, Infinity, taken);
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/**
 * Makes a name safe to create inside the export folder on any OS: no path separators or "..", no drive colon,
 * no control characters, no reserved device names, no trailing dots/spaces, not empty, ≤ 255 bytes.
 * Returns the name unchanged when it already is (true for every name tshark produces from ordinary URIs).
 */
export function safeName(name: string): string {
  // Separators, drive-letter colons and control bytes become %xx; NUL too (tshark never has one).
  let s = massage(name).split('\u0000').join('%00');
  // DEL and C1 controls, and Unicode line/paragraph separators and bidi overrides that disguise extensions.
  s = s.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    encodeURIComponent(c).toLowerCase(),
  );
  if (s === '') s = '_';
  if (s === '.' || s === '..') s = `_${s.replace(/\./g, '%2e')}`;
  s = s.replace(/[. ]+$/, (m) => m.replace(/\./g, '%2e').replace(/ /g, '%20'));
  if (RESERVED.test(s)) s = `_${s}`;
  // Cut to 255 bytes whatever the "extension" (tshark may leave a longer name when the extension is huge).
  if (byteLength(s) > MAX_NAME) {
    const dot = s.lastIndexOf('.');
    const ext = dot >= 0 && byteLength(s.slice(dot)) <= 32 ? s.slice(dot) : '';
    s = truncateBytes(s.slice(0, s.length - ext.length), MAX_NAME - byteLength(ext)) + ext;
    s = s.replace(/[. ]+$/, '_');
  }
  return s;
}
