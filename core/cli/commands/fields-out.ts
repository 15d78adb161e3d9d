/**
 * `wirelens list -T fields -e FIELD … [-E option=value …]`: one line per packet with the values of the chosen
 * fields, as `tshark -T fields` prints them (every occurrence joined by the aggregator, fields by the separator;
 * -E header, separator, occurrence, aggregator, quote and bom as tshark 4.0 takes them).
 */
import { itemLabel } from '../../dissect/engine.js';
import type { Dissection, Item } from '../../dissect/types.js';
import { fieldText } from '../../fields/format.js';
import { registry, type FieldDef } from '../../fields/registry.js';
import { UsageError } from '../command.js';

export interface FieldsOutput {
  fields: readonly FieldDef[];
  header: boolean;
  bom: boolean;
  separator: string;
  aggregator: string;
  occurrence: 'f' | 'l' | 'a';
  quote: string;
}

const E_HELP =
  'the -E options are bom=y|n, header=y|n, separator=/t|/s|<character>, occurrence=f|l|a, ' +
  'aggregator=,|/s|<character>, quote=d|s|n';

/** "/t" and "/s" as tshark spells a tab and a space; otherwise one character. */
function character(name: string, v: string): string {
  if (v === '/t') return '\t';
  if (v === '/s') return ' ';
  if ([...v].length !== 1) throw new UsageError(`-E ${name}=${v}: one character, /t or /s`);
  return v;
}

function yesNo(name: string, v: string): boolean {
  if (/^[yY]/.test(v)) return true;
  if (/^[nN]/.test(v)) return false;
  throw new UsageError(`-E ${name}=${v}: y or n`);
}

/** The -e fields and -E options, checked (an unknown field names itself, as tshark's message does). */
export function fieldsOutput(fields: readonly string[], options: readonly string[]): FieldsOutput {
  if (fields.length === 0)
    throw new UsageError('-T fields needs the fields to print: -e FIELD (one or more)');
  const unknown = fields.filter((f) => registry.get(f) === undefined);
  if (unknown.length) throw new UsageError(`some fields aren't valid: ${unknown.join(', ')}`);
  const out: FieldsOutput = {
    fields: fields.map((f) => registry.get(f) as FieldDef),
    header: false,
    bom: false,
    separator: '\t',
    aggregator: ',',
    occurrence: 'a',
    quote: '',
  };
  for (const o of options) {
    const eq = o.indexOf('=');
    const [name, v] = eq < 0 ? [o, ''] : [o.slice(0, eq), o.slice(eq + 1)];
    if (name === 'header') out.header = yesNo(name, v);
    else if (name === 'bom') out.bom = yesNo(name, v);
    else if (name === 'separator') out.separator = character(name, v);
    else if (name === 'aggregator') out.aggregator = character(name, v);
    else if (name === 'occurrence' && (v === 'f' || v === 'l' || v === 'a')) out.occurrence = v;
    else if (name === 'quote' && (v === 'd' || v === 's' || v === 'n'))
      out.quote = v === 'd' ? '"' : v === 's' ? "'" : '';
    else throw new UsageError(`-E ${o}: ${E_HELP}`);
  }
  return out;
}

/** The header line (-E header=y): the fields' names, unquoted. */
export function fieldsHeader(o: FieldsOutput): string {
  return `${o.bom ? '\ufeff' : ''}${o.fields.map((f) => f.abbrev).join(o.separator)}\n`;
}

/**
 * A protocol as tshark prints it: its summary line ("Internet Protocol Version 4, Src: …"), or its short name
 * when the line is only its name ("Hypertext Transfer Protocol" prints http).
 */
function protocolText(it: Item, def: FieldDef): string {
  const label = itemLabel(it);
  return label === def.name ? def.abbrev : label;
}

/** One packet's line. A protocol prints its summary line, a field without a value 1 per occurrence. */
export function fieldsLine(d: Dissection, o: FieldsOutput): string {
  return (
    o.fields
      .map((def) => {
        let items = d.byField.get(def.id) ?? [];
        if (items.length === 0) return '';
        if (o.occurrence !== 'a') items = [items[o.occurrence === 'f' ? 0 : items.length - 1]];
        const text = items
          .map((it) =>
            def.kind === 'protocol'
              ? protocolText(it, def)
              : def.kind === 'none'
                ? '1'
                : fieldText(it.value, def),
          )
          .join(o.aggregator);
        return `${o.quote}${text}${o.quote}`;
      })
      .join(o.separator) + '\n'
  );
}
