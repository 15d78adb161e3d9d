/**
 * Wireshark 4.x display filters: compile once to a closure tree, validate for live feedback, complete field
 * names. Errors and warnings are values with a span [start, end) into the expression.
 */
import { registry } from '../fields/registry.js';
import type { Dissection } from '../dissect/types.js';
import { compileNode } from './compile.js';
import { FilterSyntaxError, parse, type Diagnostic } from './syntax.js';

export type { Diagnostic } from './syntax.js';

export interface CompiledFilter {
  expr: string;
  /** Field ids the filter reads (for selective dissection). */
  fields: ReadonlySet<number>;
  /** True when the filter reads a protocol's bytes, so the whole tree must be built. */
  needsAll: boolean;
  /**
   * True when the filter reads the bytes items cover (slices: `ip.src[0:2]`): the fields it reads are enough,
   * but from a real dissection (a stand-in of the frame summary has values, not bytes).
   */
  needsBytes: boolean;
  /**
   * Fields a frame must have for the filter to match: every clause needs one of its field ids present (e.g.
   * [[http.request.method]]); empty when any frame may match. Lets a pass skip frames it knows lack them.
   */
  requires: readonly (readonly number[])[];
  match(d: Dissection, env?: { ref?: Dissection }): boolean;
}

export type CompileResult =
  { ok: true; filter: CompiledFilter; warnings: Diagnostic[] } | { ok: false; error: Diagnostic };

/** Longest filter accepted (1 MiB); longer input is refused with a clear error rather than parsed. */
export const MAX_FILTER_LENGTH = 1 << 20;

export function compileFilter(expr: string): CompileResult {
  if (expr.length > MAX_FILTER_LENGTH) {
    return {
      ok: false,
      error: {
        message: `The filter is too long (${expr.length} characters; at most ${MAX_FILTER_LENGTH}).`,
        span: [MAX_FILTER_LENGTH, expr.length],
      },
    };
  }
  try {
    const node = parse(expr);
    const c = compileNode(node, expr);
    const filter: CompiledFilter = {
      expr,
      fields: c.fields,
      needsAll: c.needsAll,
      needsBytes: c.needsBytes,
      requires: c.requires,
      match: (d, env = {}) => c.test(d, env),
    };
    return { ok: true, filter, warnings: c.warnings };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: { message: e.message, span: e.span } };
    if (e instanceof RangeError)
      return { ok: false, error: { message: 'The filter is nested too deeply.', span: [0, expr.length] } };
    throw e;
  }
}

export function validateFilter(expr: string): {
  status: 'empty' | 'ok' | 'warn' | 'error';
  errors: Diagnostic[];
  warnings: Diagnostic[];
} {
  if (expr.trim() === '') return { status: 'empty', errors: [], warnings: [] };
  const r = compileFilter(expr);
  if (!r.ok) return { status: 'error', errors: [r.error], warnings: [] };
  return { status: r.warnings.length ? 'warn' : 'ok', errors: [], warnings: r.warnings };
}

/** Field and protocol names for autocompletion: exact match, then prefix matches, protocols first, shorter first. */
export function completeField(prefix: string, limit = 50): { abbrev: string; name: string; kind: string }[] {
  const p = prefix.trim();
  const lower = p.toLowerCase();
  const hits = registry
    .all()
    .filter((f) => !f.abbrev.startsWith('_ws.') && f.abbrev.toLowerCase().startsWith(lower))
    .sort((a, b) => {
      const ea = a.abbrev === p ? 0 : 1;
      const eb = b.abbrev === p ? 0 : 1;
      if (ea !== eb) return ea - eb;
      // Direct children of the typed prefix before deeper ones.
      const da = a.abbrev.split('.').length;
      const db = b.abbrev.split('.').length;
      if (da !== db) return da - db;
      const pa = a.kind === 'protocol' ? 0 : 1;
      const pb = b.kind === 'protocol' ? 0 : 1;
      if (pa !== pb) return pa - pb;
      return a.abbrev.localeCompare(b.abbrev);
    });
  return hits.slice(0, limit).map((f) => ({ abbrev: f.abbrev, name: f.name, kind: f.kind }));
}
