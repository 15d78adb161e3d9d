import { afterEach, describe, expect, it } from 'vitest';
import {
  compareRowTimes,
  dayOfYear,
  digitsForTsresol,
  formatAbsolute,
  formatDelta,
  formatRowTime,
  isTimeFormat,
  TIME_FORMATS,
  type RowTimes,
  type Stamp,
  type TimeFormat,
} from './time-format.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** 2004-12-05 19:16:24.317453123 UTC (dhcp.pcap's first packet, with nanoseconds added). */
const T: Stamp = { s: 1_102_274_184, ns: 317_453_123 };

function row(ts: Stamp, digits: number, over: Partial<RowTimes> = {}): RowTimes {
  return { ts, tsDigits: digits, firstTs: ts, prevTs: ts, prevDisplayedTs: ts, ...over };
}

describe('time formats', () => {
  it('knows the ten tshark -t codes', () => {
    expect(TIME_FORMATS.map((f) => f.code).sort()).toEqual(
      ['a', 'ad', 'adoy', 'd', 'dd', 'e', 'r', 'u', 'ud', 'udoy'].sort(),
    );
    expect(isTimeFormat('ud')).toBe(true);
    expect(isTimeFormat('x')).toBe(false);
    expect(isTimeFormat(undefined)).toBe(false);
  });

  it('keeps nanoseconds (a float of epoch seconds would not)', () => {
    const r = row(T, 9);
    expect(formatRowTime(r, 'e')).toBe('1102274184.317453123');
    expect(formatRowTime(r, 'ud')).toBe('2004-12-05 19:16:24.317453123');
    expect(formatRowTime(r, 'udoy')).toBe('2004/340 19:16:24.317453123');
    expect(formatRowTime(r, 'u')).toBe('19:16:24.317453123');
    // One nanosecond apart at epoch 1.7e9: the difference survives.
    const a = { s: 1_700_000_000, ns: 999_999_999 };
    expect(formatRowTime(row(a, 9, { firstTs: { s: 1_700_000_000, ns: 999_999_998 } }), 'r')).toBe(
      '0.000000001',
    );
  });

  it('truncates to the packet precision as tshark does (µs: 6 decimals)', () => {
    expect(formatRowTime(row(T, 6), 'e')).toBe('1102274184.317453');
    expect(formatRowTime(row({ s: 5, ns: 999_999_999 }, 6), 'e')).toBe('5.999999');
    expect(formatRowTime(row({ s: 5, ns: 999_999_999 }, 0), 'e')).toBe('5');
    expect(formatRowTime(row({ s: 5, ns: 120_000_000 }, 3), 'u')).toBe('00:00:05.120');
  });

  it('maps if_tsresol to tshark decimals', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9, 12].map(digitsForTsresol)).toEqual([0, 1, 2, 3, 6, 6, 6, 9, 9, 9]);
    expect(digitsForTsresol(0x80 | 10)).toBe(6); // 2^-10 ≈ 1 ms needs 4 decimals → µs
    expect(digitsForTsresol(0x80 | 30)).toBe(9);
  });

  it('signs negative deltas, across a second boundary too', () => {
    expect(formatDelta({ s: 10, ns: 100 }, { s: 10, ns: 39_100 }, 6)).toBe('-0.000039');
    expect(formatDelta({ s: 9, ns: 900_000_000 }, { s: 10, ns: 100_000_000 }, 9)).toBe('-0.200000000');
    expect(formatDelta({ s: 8, ns: 100_000_000 }, { s: 10, ns: 0 }, 6)).toBe('-1.900000');
    expect(formatDelta({ s: 10, ns: 100_000_000 }, { s: 9, ns: 900_000_000 }, 6)).toBe('0.200000');
    expect(formatDelta(T, T, 6)).toBe('0.000000');
  });

  it('d and dd use the previous captured and the previous displayed packet', () => {
    const r = row({ s: 100, ns: 500_000_000 }, 6, {
      firstTs: { s: 90, ns: 0 },
      prevTs: { s: 100, ns: 0 },
      prevDisplayedTs: { s: 95, ns: 250_000_000 },
    });
    expect(formatRowTime(r, 'r')).toBe('10.500000');
    expect(formatRowTime(r, 'd')).toBe('0.500000');
    expect(formatRowTime(r, 'dd')).toBe('5.250000');
  });

  it('crosses day and year boundaries', () => {
    const lastNs = { s: Date.UTC(2023, 11, 31, 23, 59, 59) / 1000, ns: 999_999_999 };
    expect(formatAbsolute(lastNs, 9, 'ud')).toBe('2023-12-31 23:59:59.999999999');
    expect(formatAbsolute(lastNs, 9, 'udoy')).toBe('2023/365 23:59:59.999999999');
    expect(formatAbsolute({ s: lastNs.s + 1, ns: 0 }, 6, 'udoy')).toBe('2024/001 00:00:00.000000');
    expect(formatAbsolute({ s: 0, ns: 0 }, 6, 'ud')).toBe('1970-01-01 00:00:00.000000');
  });

  it('counts days of leap years', () => {
    expect(dayOfYear(2024, 2, 29)).toBe(60);
    expect(dayOfYear(2024, 3, 1)).toBe(61);
    expect(dayOfYear(2024, 12, 31)).toBe(366);
    expect(dayOfYear(2023, 3, 1)).toBe(60);
    expect(dayOfYear(2100, 3, 1)).toBe(60); // not a leap year
    expect(dayOfYear(2000, 12, 31)).toBe(366); // a leap year
    const leapDay = { s: Date.UTC(2024, 1, 29, 12) / 1000, ns: 0 };
    expect(formatAbsolute(leapDay, 6, 'udoy')).toBe('2024/060 12:00:00.000000');
    expect(formatAbsolute({ s: Date.UTC(2024, 11, 31, 12) / 1000, ns: 0 }, 6, 'udoy')).toBe(
      '2024/366 12:00:00.000000',
    );
  });

  it('local formats follow the time zone (TZ), UTC ones do not', () => {
    process.env.TZ = 'America/New_York'; // UTC−5 in December
    const r = row(T, 6);
    expect(formatRowTime(r, 'a')).toBe('14:16:24.317453');
    expect(formatRowTime(r, 'ad')).toBe('2004-12-05 14:16:24.317453');
    expect(formatRowTime(r, 'ud')).toBe('2004-12-05 19:16:24.317453');
    // Just after midnight UTC on 1 January is still the old year (and day 366 of leap year 2004) in New York.
    const newYear = row({ s: Date.UTC(2005, 0, 1, 2, 30) / 1000, ns: 5_000 }, 6);
    expect(formatRowTime(newYear, 'adoy')).toBe('2004/366 21:30:00.000005');
    expect(formatRowTime(newYear, 'udoy')).toBe('2005/001 02:30:00.000005');
    process.env.TZ = 'Asia/Kolkata'; // UTC+5:30
    expect(formatRowTime(r, 'ad')).toBe('2004-12-06 00:46:24.317453');
    expect(formatRowTime(r, 'a')).toBe('00:46:24.317453');
  });
});

describe('compareRowTimes', () => {
  const row = (s: number, ns: number, prev: [number, number], prevShown: [number, number]): RowTimes => ({
    ts: { s, ns },
    tsDigits: 9,
    firstTs: { s: 100, ns: 0 },
    prevTs: { s: prev[0], ns: prev[1] },
    prevDisplayedTs: { s: prevShown[0], ns: prevShown[1] },
  });
  // Arrival order a < b < c; gaps since the previous captured packet: a 0.5 s, b 0.000000001 s, c 2 s; since
  // the previous displayed one: a 0.5 s, b 3 s, c 0.25 s.
  const a = row(101, 0, [100, 500_000_000], [100, 500_000_000]);
  const b = row(101, 1, [101, 0], [98, 1]);
  const c = row(103, 0, [101, 0], [102, 750_000_000]);
  const order = (f: TimeFormat) =>
    [a, b, c]
      .slice()
      .sort((x, y) => compareRowTimes(x, y, f))
      .map((r) => [a, b, c].indexOf(r));
  it('sorts the delta formats by the delta they show, every other format by arrival (to the nanosecond)', () => {
    expect(order('d')).toEqual([1, 0, 2]);
    expect(order('dd')).toEqual([2, 0, 1]);
    for (const f of ['r', 'a', 'ad', 'adoy', 'e', 'u', 'ud', 'udoy'] as const)
      expect(order(f)).toEqual([0, 1, 2]);
  });
});
