import { describe, expect, it } from 'vitest';
import type { FollowResult } from '../../core/api/types.js';
import { savedBytes, segmentText } from './Follow.js';

const enc = (s: string) => new TextEncoder().encode(s);
const chat: FollowResult = {
  stream: 0,
  proto: 'tcp',
  client: '127.0.0.1:41000',
  server: '127.0.0.1:9999',
  segments: [
    { dir: 0, frame: 4, bytes: enc('Good morning!! :)') },
    { dir: 1, frame: 6, bytes: enc('Got that thanks!') },
    { dir: 0, frame: 8, bytes: enc('Bye!') },
  ],
};

describe('follow stream formats', () => {
  it('shows ASCII, a hex dump with the offset of each direction, and raw hex', () => {
    expect(segmentText(enc('GET /\r\n'), 'ascii')).toBe('GET /\r\n');
    expect(segmentText(enc('Good morning!! :)'), 'hex', 16)).toBe(
      '00000010  47 6f 6f 64 20 6d 6f 72  6e 69 6e 67 21 21 20 3a  Good morning!! :\n' +
        '00000020  29                                                )\n',
    );
    expect(segmentText(new Uint8Array([0, 255, 10]), 'raw')).toBe('00ff0a\n');
  });

  it('saves the raw bytes of the chosen direction in stream order', () => {
    const dec = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(dec(savedBytes(chat, 'both'))).toBe('Good morning!! :)Got that thanks!Bye!');
    expect(dec(savedBytes(chat, 0))).toBe('Good morning!! :)Bye!');
    expect(dec(savedBytes(chat, 1))).toBe('Got that thanks!');
  });
});
