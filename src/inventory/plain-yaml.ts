/**
 * A reader for the plain subset of YAML that large, generated inventories are written in: block
 * mappings and sequences, one-line flow lists and mappings, plain and simply quoted scalars. It
 * reads 10,000 clusters some ten times faster than `yaml` and gives the same values; anything
 * outside the subset (anchors, tags, multi-line scalars, comments after values, escapes, numbers
 * other than plain decimal integers, non-ASCII text, ...) makes it answer `undefined`, and the
 * caller reads the text with `yaml` instead. A differential test (test/unit/plain-yaml.test.ts)
 * holds it to `yaml`'s values on every document it accepts.
 */

/** One content line: its indentation and its text without that indentation. */
interface Line {
  indent: number;
  text: string;
}

/** Thrown inside the reader when the text leaves the subset; never escapes readPlainYaml. */
class NotPlain {}
const NOT_PLAIN = new NotPlain();

function notPlain(): never {
  throw NOT_PLAIN;
}

/** `key:` or `key: value` with an identifier key (the only keys an inventory has). */
const ENTRY = /^([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$/;
/** A flow mapping's `key: value`. */
const FLOW_ENTRY = /^([A-Za-z_][A-Za-z0-9_]*): +(.+)$/;
/** Characters a plain scalar may not start with (YAML indicators, and `~` for null). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`~]/;
/** What YAML 1.2's core schema reads as null and booleans. */
const NULLS = new Set(['null', 'Null', 'NULL']);
const BOOLEANS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** The value of a YAML text in the plain subset, or undefined when the text leaves it. */
export function readPlainYaml(text: string): unknown {
  // Printable ASCII and line breaks only: no tabs, no Unicode line separators or BOMs to weigh.
  if (/[^\x20-\x7e\n\r]/.test(text)) return undefined;
  const lines: Line[] = [];
  const raws = text.split('\n');
  // A CR must end a line: one after the last LF is not a line break.
  if (raws[raws.length - 1].includes('\r')) return undefined;
  for (const raw of raws) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // `yaml` reads a CR that does not end a line as text.
    if (line.includes('\r')) return undefined;
    const body = line.replace(/^ +/, '');
    if (body === '' || body.startsWith('#')) continue;
    // Comments after values, documents and directives are left to `yaml`.
    if (line.includes('#')) return undefined;
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) return undefined;
    lines.push({ indent: line.length - body.length, text: body.trimEnd() });
  }
  if (lines.length === 0 || lines[0].indent !== 0) return undefined;
  try {
    const reader = new Reader(lines);
    const value = reader.block(0);
    return reader.at === lines.length ? value : undefined;
  } catch (err) {
    // Nesting deeper than the stack: `yaml` says what it makes of that.
    if (err === NOT_PLAIN || err instanceof RangeError) return undefined;
    throw err;
  }
}

class Reader {
  at = 0;

  constructor(private readonly lines: Line[]) {}

  /** The block node starting at the current line, which is indented by `indent`. */
  block(indent: number): unknown {
    const { text } = this.lines[this.at];
    return text === '-' || text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      if (line.indent < indent) break;
      if (line.indent > indent) notPlain();
      const entry = ENTRY.exec(line.text);
      if (!entry) notPlain();
      const key = plainKey(entry[1], map);
      this.at++;
      map[key] = entry[2] === undefined ? this.nested(indent, true) : this.inline(entry[2]);
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const list: unknown[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      if (line.indent < indent) break;
      if (line.indent > indent) notPlain();
      if (line.text !== '-' && !line.text.startsWith('- ')) break;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.at++;
        list.push(this.nested(indent, false));
      } else if (ENTRY.test(rest)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const own = indent + line.text.length - rest.length;
        this.lines[this.at] = { indent: own, text: rest };
        list.push(this.mapping(own));
      } else if (rest === '-' || rest.startsWith('- ')) {
        notPlain();
      } else {
        this.at++;
        list.push(this.inline(rest));
      }
    }
    return list;
  }

  /**
   * The value of an entry that has nothing after its indicator: a block on the following, deeper
   * lines, a sequence at the key's own indentation (mapping values only), or null.
   */
  private nested(indent: number, mappingValue: boolean): unknown {
    const next = this.lines[this.at];
    if (next && next.indent > indent) return this.block(next.indent);
    if (mappingValue && next && next.indent === indent && /^-( |$)/.test(next.text)) {
      return this.sequence(indent);
    }
    return null;
  }

  /**
   * A value written on its entry's line. (A deeper line after it, a continued scalar, is refused
   * by the mapping or sequence that reads on.)
   */
  private inline(text: string): unknown {
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) notPlain();
      return flowItems(text.slice(1, -1)).map((item) => scalar(item, true));
    }
    if (text.startsWith('{')) {
      if (!text.endsWith('}')) notPlain();
      const map: Record<string, unknown> = {};
      for (const item of flowItems(text.slice(1, -1))) {
        const entry = FLOW_ENTRY.exec(item);
        if (!entry) notPlain();
        map[plainKey(entry[1], map)] = scalar(entry[2].trimEnd(), true);
      }
      return map;
    }
    return scalar(text, false);
  }
}

/** YAML ends an implicit key at 1,024 characters; `yaml` reports longer ones. */
const MAX_KEY = 1000;

/**
 * A key new to `map`. Duplicates are left to `yaml`, which reports them with their place; keys
 * that are not strings in the core schema (null, booleans), `__proto__` and overlong keys are
 * left to it too.
 */
function plainKey(key: string, map: Record<string, unknown>): string {
  if (
    Object.hasOwn(map, key) ||
    NULLS.has(key) ||
    BOOLEANS.has(key) ||
    key === '__proto__' ||
    key.length > MAX_KEY
  ) {
    notPlain();
  }
  return key;
}

/** The items of a one-line flow collection's inside, trimmed; none may be empty. */
function flowItems(inside: string): string[] {
  if (inside.trim() === '') return [];
  return inside.split(',').map((item) => {
    const trimmed = item.trim();
    if (trimmed === '') notPlain();
    return trimmed;
  });
}

/** A scalar's value under YAML 1.2's core schema, as `yaml` reads it. */
function scalar(text: string, inFlow: boolean): unknown {
  if (text.startsWith("'")) {
    const quoted = /^'((?:[^']|'')*)'$/.exec(text);
    if (!quoted) notPlain();
    return quoted[1].replace(/''/g, "'");
  }
  if (text.startsWith('"')) {
    const quoted = /^"([^"\\]*)"$/.exec(text);
    if (!quoted) notPlain();
    return quoted[1];
  }
  if (INDICATOR.test(text)) notPlain();
  if (inFlow ? /[:,[\]{}]/.test(text) : text.includes(': ') || text.endsWith(':')) notPlain();
  if (NULLS.has(text)) return null;
  const bool = BOOLEANS.get(text);
  if (bool !== undefined) return bool;
  // Plain decimal integers only; other numbers (signs, leading zeros, floats, hex, octal,
  // .inf) are left to `yaml`.
  if (/^[-+.0-9]/.test(text)) {
    if (!/^(0|[1-9][0-9]{0,14})$/.test(text)) notPlain();
    return Number(text);
  }
  return text;
}
