import { describe, expect, it } from 'vitest';
import { displayParts, displayText, formatText } from './text.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('formatText (Wireshark format_text)', () => {
  it('keeps printable ASCII and escapes control characters as C does', () => {
    expect(formatText(ascii('GET / HTTP/1.1\r\n'))).toBe('GET / HTTP/1.1\\r\\n');
    expect(formatText(bytes(7, 8, 9, 10, 11, 12, 13))).toBe('\\a\\b\\t\\n\\v\\f\\r');
    expect(formatText(bytes(0, 0x1a, 0x7f))).toBe('\\000\\032\\177');
  });

  it('reads UTF-8, printable characters as themselves', () => {
    expect(formatText(new TextEncoder().encode('résumé Привет 😀'))).toBe('résumé Привет 😀');
  });

  it('shows broken UTF-8 as U+FFFD and goes on with the byte that broke it', () => {
    expect(formatText(bytes(0xff, 0x41))).toBe('\ufffdA');
    expect(formatText(bytes(0xc3, 0x41))).toBe('\ufffdA');
    expect(formatText(bytes(0x41, 0xe2, 0x82))).toBe('A\ufffd'); // cut short at the end
    expect(formatText(bytes(0x80))).toBe('\ufffd'); // a continuation byte first
    expect(formatText(bytes(0xed, 0xa0, 0x80))).toBe('\ufffd'); // a UTF-16 surrogate
  });

  it('decodes overlong forms permissively and shows what does not print as \\uXXXX', () => {
    expect(formatText(bytes(0xc0, 0x9c))).toBe('\\u001C');
    expect(formatText(bytes(0xd7, 0xae))).toBe('\\u05EE'); // unassigned
    expect(formatText(bytes(0xe2, 0x80, 0x8b))).toBe('\\u200B'); // a format character
  });

  it('formats a part of the array', () => {
    expect(formatText(ascii('xxabcxx'), 2, 3)).toBe('abc');
    expect(formatText(ascii('abc'), 1, 10)).toBe('bc');
  });
});

describe('displayText (column and field text made safe to show)', () => {
  it('escapes exactly the characters that do not print, whatever the quick scan lets through', () => {
    const notPrintable = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]/u;
    const escape = (c: number) =>
      c < 0x80
        ? ((
            { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' } as Record<
              number,
              string
            >
          )[c] ?? `\\${c.toString(8).padStart(3, '0')}`)
        : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const want = notPrintable.test(ch) ? escape(c) : ch;
      if (displayText(`a${ch}b`) !== `a${want}b`)
        expect([c, displayText(`a${ch}b`)]).toEqual([c, `a${want}b`]);
    }
    expect(displayText('80 → 443 [ACK]')).toBe('80 → 443 [ACK]');
    expect(displayText('x\u{E0001}y😀')).toBe('x\\U000E0001y😀');
  });
});

describe('displayParts (the same text in pieces, escapes apart)', () => {
  it('keeps plain text whole, runs of escapes together, and joins to displayText', () => {
    expect(displayParts('hunter2')).toEqual([{ text: 'hunter2', escaped: false }]);
    expect(displayParts('')).toEqual([{ text: '', escaped: false }]);
    expect(displayParts('pass\r\n')).toEqual([
      { text: 'pass', escaped: false },
      { text: '\\r\\n', escaped: true },
    ]);
    expect(displayParts('\x1b[2Ja\\rb\u200b')).toEqual([
      { text: '\\033', escaped: true },
      { text: '[2Ja\\rb', escaped: false },
      { text: '\\u200B', escaped: true },
    ]);
    for (const s of ['a\tb\u0000c', '\u0085x', 'x\u{E0001}y😀', 'ok → ok'])
      expect(
        displayParts(s)
          .map((p) => p.text)
          .join(''),
      ).toBe(displayText(s));
  });
});
