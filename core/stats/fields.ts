/** Reading field values out of a dissection by abbreviation (for statistics that are not filters). */
import { registry, type FieldDef, type FieldValue } from '../fields/registry.js';
import type { Dissection, Item } from '../dissect/types.js';

const cache = new Map<string, FieldDef | undefined>();

export function fieldDef(abbrev: string): FieldDef | undefined {
  if (!cache.has(abbrev) || cache.get(abbrev) === undefined) cache.set(abbrev, registry.get(abbrev));
  return cache.get(abbrev);
}

export function items(d: Dissection, abbrev: string): Item[] {
  const f = fieldDef(abbrev);
  return f ? (d.byField.get(f.id) ?? []) : [];
}

export function first(d: Dissection, abbrev: string): FieldValue | undefined {
  return items(d, abbrev)[0]?.value;
}

/** Field ids for a selective dissection that reads these fields. */
export function selectionOf(abbrevs: readonly string[]): Set<number> {
  const s = new Set<number>();
  for (const a of abbrevs) {
    const f = fieldDef(a);
    if (f) s.add(f.id);
  }
  return s;
}
