/**
 * TCP's flag names, as Info and the Flags item show them: a module of its own, for the fast lane's row formatter
 * (core/fastlane/records.ts) names flags without the TCP dissector.
 */
const FLAG_NAMES: [number, string][] = [
  [0x001, 'FIN'],
  [0x002, 'SYN'],
  [0x004, 'RST'],
  [0x008, 'PSH'],
  [0x010, 'ACK'],
  [0x020, 'URG'],
  [0x040, 'ECE'],
  [0x080, 'CWR'],
  [0x100, 'AE'],
];

/** "SYN, ACK" for each combination of the nine flag bits, built once (every segment's Info text has one). */
const flagTexts: string[] = [];
export function flagNames(flags: number): string {
  return (flagTexts[flags] ??= FLAG_NAMES.filter(([bit]) => flags & bit)
    .map(([, name]) => name)
    .join(', '));
}
