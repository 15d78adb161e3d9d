/**
 * Bytes from a packet as Wireshark 4.0 shows text in its tree (format_text): read as UTF-8, printable characters
 * as themselves, ASCII control characters as C escapes (\r, \n, \t, … or three octal digits such as \032),
 * other characters that do not print as \uXXXX, and broken UTF-8 as U+FFFD. Wireshark decodes permissively:
 * an overlong form gives its character (so 0xc0 0x9c is \u001C), and a byte that does not continue a sequence
 * ends it with U+FFFD and starts the next character.
 */

const ESCAPES: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

/** Control, format, unassigned and surrogate characters do not print (GLib's g_unichar_isprint). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]/u;

/** Whether one character prints (GLib's g_unichar_isprint): not a control, format, unassigned or surrogate one. */
export function printable(ch: string): boolean {
  return !NOT_PRINTABLE.test(ch);
}

/** A character that does not print, as its universal character name. */
const ucn = (c: number) =>
  c <= 0xffff
    ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
    : `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;

function asciiEscape(c: number): string {
  return ESCAPES[c] ?? `\\${c.toString(8).padStart(3, '0')}`;
}

/** How many bytes follow a UTF-8 lead byte (old 5- and 6-byte forms included), or -1 for one that leads none. */
function continuationCount(c: number): number {
  if ((c & 0xe0) === 0xc0) return 1;
  if ((c & 0xf0) === 0xe0) return 2;
  if ((c & 0xf8) === 0xf0) return 3;
  if ((c & 0xfc) === 0xf8) return 4;
  if ((c & 0xfe) === 0xfc) return 5;
  return -1;
}

export function formatText(b: Uint8Array, off = 0, len = b.length - off): string {
  const end = Math.min(b.length, off + len);
  let out = '';
  let i = off;
  while (i < end) {
    let c = b[i++];
    if (c >= 0x20 && c < 0x7f) {
      out += String.fromCharCode(c);
      continue;
    }
    if (c < 0x80) {
      out += asciiEscape(c);
      continue;
    }
    const more = continuationCount(c);
    let uc = 0xfffd;
    if (more > 0) {
      uc = c & (0x3f >> more);
      for (let k = 0; k < more; k++) {
        if (i >= end) {
          uc = 0xfffd;
          break;
        }
        c = b[i];
        if ((c & 0xc0) !== 0x80) {
          uc = 0xfffd;
          break;
        }
        i++;
        uc = uc * 64 + (c & 0x3f);
      }
      if (uc >= 0x110000 || (uc >= 0xd800 && uc <= 0xdfff)) uc = 0xfffd;
    }
    const ch = String.fromCodePoint(uc);
    if (printable(ch)) out += ch;
    else if (c < 0x80) out += asciiEscape(c);
    else out += ucn(uc);
  }
  return out;
}

/**
 * Text already held as a string (a field's value, a column), made safe to show the way formatText shows bytes:
 * ASCII control characters as C escapes, other characters that do not print as \uXXXX. Nothing a capture holds
 * can then reach a terminal as an escape sequence (`wirelens list` of a hostile capture) or hide in the tree. The
 * common case, plain text, is returned as it is after one scan.
 */
export function displayText(s: string): string {
  // Plain text (the common case) is returned after one quick scan; a replace only when something may need it.
  if (!MAYBE_NOT_PRINTABLE.test(s)) return s;
  NOT_PRINTABLE_ALL.lastIndex = 0;
  return NOT_PRINTABLE_ALL.test(s) ? s.replace(NOT_PRINTABLE_ALL, escapeChar) : s;
}

/** A piece of text to show: as it is, or the escape of characters that do not print (see displayParts). */
export interface DisplayPart {
  text: string;
  escaped: boolean;
}

/**
 * displayText in pieces, for a user interface that shows escapes unlike the text around them: a password ending
 * in CR LF reads `pass` and an escape `\r\n`, not a password with a literal backslash in it.
 */
export function displayParts(s: string): DisplayPart[] {
  if (!MAYBE_NOT_PRINTABLE.test(s)) return [{ text: s, escaped: false }];
  const parts: DisplayPart[] = [];
  let at = 0;
  NOT_PRINTABLE_ALL.lastIndex = 0;
  for (let m = NOT_PRINTABLE_ALL.exec(s); m; m = NOT_PRINTABLE_ALL.exec(s)) {
    if (m.index > at) parts.push({ text: s.slice(at, m.index), escaped: false });
    const last = parts[parts.length - 1];
    // A run of escapes (CR LF) is one piece.
    if (last?.escaped && m.index === at) last.text += escapeChar(m[0]);
    else parts.push({ text: escapeChar(m[0]), escaped: true });
    at = m.index + m[0].length;
  }
  if (at < s.length || !parts.length) parts.push({ text: s.slice(at), escaped: false });
  return parts;
}

/**
 * Every character that might not print (a superset of NOT_PRINTABLE that a plain character class can test
 * quickly): all but printable ASCII, Latin-1 and Latin Extended letters (U+00A1–U+02FF but the soft hyphen), and
 * the arrows U+2190–U+2193 (the "→" of every TCP and UDP Info text).
 */
const MAYBE_NOT_PRINTABLE = /[^\x20-\x7e\xa1-\xac\xae-\u02ff\u2190-\u2193]/;

const NOT_PRINTABLE_ALL = new RegExp(NOT_PRINTABLE.source, 'gu');

/** One character that does not print, escaped. */
function escapeChar(ch: string): string {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x80 ? asciiEscape(c) : ucn(c);
}

/**
 * Whether `s` is printable ASCII only: text the display leaves as it is and a TSV field as it is, so a row of
 * the packet's own text (an HTTP request line, a DNS name) may be written as it is.
 */
export function printableAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const ch = s.charCodeAt(k);
    if (ch < 0x20 || ch > 0x7e) return false;
  }
  return true;
}
