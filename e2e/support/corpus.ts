/** Paths of the shared corpus (../shared/corpus from the repo root) and its tshark oracle. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './host.js';

export const CORPUS = join(REPO, '..', 'shared', 'corpus');
export const HTTP_GIFS = join(CORPUS, 'gen', 'http_gifs.pcap');
export const ORACLE = join(CORPUS, 'oracle', 'http_gifs.pcap');
export const SAMPLE = join(REPO, 'assets', 'sample.pcapng');
export const haveCorpus = existsSync(HTTP_GIFS) && existsSync(join(ORACLE, 'filters.tsv'));

export interface OracleFilter {
  filter: string;
  status: 'ok' | 'error';
  count: number;
  frames: number[];
  message: string;
}

/** Rows of oracle/http_gifs.pcap/filters.tsv by filter text. */
export function oracleFilters(): Map<string, OracleFilter> {
  const map = new Map<string, OracleFilter>();
  const lines = readFileSync(join(ORACLE, 'filters.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    if (!line.trim()) continue;
    const [, filter, status, count, result] = line.split('\t');
    map.set(filter, {
      filter,
      status: status === 'ok' ? 'ok' : 'error',
      count: Number(count || 0),
      frames: status === 'ok' && result ? result.split(',').map(Number) : [],
      message: status === 'ok' ? '' : (result ?? ''),
    });
  }
  return map;
}

/** oracle exports.tsv: name → { size, md5, sha256 }. */
export function oracleExports(): Map<string, { size: number; md5: string; sha256: string }> {
  const map = new Map<string, { size: number; md5: string; sha256: string }>();
  const lines = readFileSync(join(ORACLE, 'exports.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [name, size, md5, sha256] = line.split('\t');
    if (name) map.set(name, { size: Number(size), md5, sha256 });
  }
  return map;
}
