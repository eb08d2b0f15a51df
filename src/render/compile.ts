type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;

/** A helper as the templates call it: its own arguments, no Handlebars options object. */
export type Helper = (...args: unknown[]) => unknown;

/** A compiled template: a context in, the text out. */
export type Render = (context: object) => string;

/**
 * Where a part of a template is rendered: the context, the enclosing contexts (`../`) and the
 * `@` data of the innermost #each.
 */
interface Frame {
  /** What names without `../` are read from. */
  context: unknown;
  /** Handlebars' depths: depths[n] is what `n` levels of `../` name. */
  depths: unknown[];
  data: Data;
}

/** What Handlebars runs a block's branch on when the context is null or undefined. */
const NULL_CONTEXT = Object.seal({});

/**
 * The frame of a program run on `context`, as Handlebars' wrapProgram makes it: `../` counts
 * only the blocks that changed the context, compared loosely as Handlebars does (an item 0
 * under a context [] does not count).
 */
function enter(frame: Frame, context: unknown, data: Data = frame.data): Frame {
  const [top] = frame.depths;
  const changed = context != top && !(context === NULL_CONTEXT && top === null);
  if (!changed && context === frame.context && data === frame.data) return frame;
  return { context, depths: changed ? [context, ...frame.depths] : frame.depths, data };
}

/**
 * The frame of an #if, #unless or {{else}} branch: Handlebars runs it as a program on the same
 * context (`options.fn(this)`), or on an empty object when the context is null or undefined.
 */
function branch(frame: Frame): Frame {
  return enter(frame, frame.context ?? NULL_CONTEXT);
}

/** The `@` data of the innermost #each (and `@root`). */
interface Data {
  root: unknown;
  index?: number;
  key?: string | number;
  first?: boolean;
  last?: boolean;
}

type Part = string | ((frame: Frame) => string);
type Value = (frame: Frame) => unknown;

/**
 * Compiles a template for the subset of Handlebars our templates use (text, values, helper calls
 * with literal and path arguments, sub-expressions, #if, #unless and #each with {{else}}) into
 * closures, with the semantics of `Handlebars.compile(source, { strict: true, noEscape: true,
 * knownHelpersOnly: true })`: the same text from the same context (held to it by
 * test/unit/compile.test.ts), in a fraction of the time, because 10,000 clusters mean 30,000
 * renders. Handlebars' own parser reads the source, standalone-line rules included; anything
 * outside the subset is refused here, when the template is compiled. One known difference:
 * Handlebars adds two values that meet with no text between them numerically when neither is a
 * string (1 and 2 give "3"); this joins them ("12"). The project templates never let values meet.
 */
export function compileTemplate(source: string, helpers: Record<string, Helper>): Render {
  // Loaded here: a main thread whose workers render never needs it.
  const { parse } = require('handlebars') as typeof import('handlebars');
  const program = compileProgram(parse(source).body, helpers);
  return (context) => program({ context, depths: [context], data: { root: context } });
}

/**
 * The same template compiled by Handlebars itself, with the options compileTemplate mirrors: the
 * reference the tests hold compileTemplate to, and what the benchmark's floor renders with.
 */
export function handlebarsTemplate(source: string, helpers: Record<string, Helper>): Render {
  const hb = (require('handlebars') as typeof import('handlebars')).create();
  // Handlebars passes its options object last; the helpers take only their own arguments.
  for (const [name, fn] of Object.entries(helpers)) {
    hb.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
  }
  return hb.compile(source, {
    strict: true,
    noEscape: true,
    knownHelpers: Object.fromEntries(Object.keys(helpers).map((h) => [h, true])),
    knownHelpersOnly: true,
  });
}

function compileProgram(
  body: Statement[],
  helpers: Record<string, Helper>,
): (frame: Frame) => string {
  const parts: Part[] = [];
  for (const statement of body) {
    const part = compileStatement(statement, helpers);
    // Adjacent texts are joined, so that rendering appends fewer pieces.
    if (typeof part === 'string' && typeof parts[parts.length - 1] === 'string') {
      parts[parts.length - 1] += part;
    } else if (part !== '') parts.push(part);
  }
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const text = parts[0];
    return () => text;
  }
  return (frame) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(frame);
    return out;
  };
}

function compileStatement(node: Statement, helpers: Record<string, Helper>): Part {
  switch (node.type) {
    case 'ContentStatement':
      return (node as hbs.AST.ContentStatement).value;
    case 'CommentStatement':
      return '';
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      if (m.hash) unsupported(m, 'hash arguments');
      const value =
        m.params.length === 0 && !isHelper(m.path, helpers)
          ? compilePath(pathOf(m.path), true)
          : compileCall(m.path, m.params, helpers);
      return (frame) => text(value(frame));
    }
    case 'BlockStatement':
      return compileBlock(node as hbs.AST.BlockStatement, helpers);
    default:
      return unsupported(node, node.type);
  }
}

function compileBlock(block: hbs.AST.BlockStatement, helpers: Record<string, Helper>): Part {
  const name = pathOf(block.path).original;
  if (block.hash || block.params.length !== 1 || block.program.blockParams) {
    unsupported(block, `this form of #${name}`);
  }
  const param = compileValue(block.params[0], helpers);
  const fn = compileProgram(block.program.body, helpers);
  const inverse = block.inverse ? compileProgram(block.inverse.body, helpers) : () => '';
  switch (name) {
    case 'if':
      return (frame) => (isEmpty(param(frame)) ? inverse(branch(frame)) : fn(branch(frame)));
    case 'unless':
      return (frame) => (isEmpty(param(frame)) ? fn(branch(frame)) : inverse(branch(frame)));
    case 'each':
      return (frame) => {
        const list = param(frame);
        if (list === null || typeof list !== 'object') return inverse(branch(frame));
        const keys: (string | number)[] = Array.isArray(list)
          ? list.map((_, i) => i)
          : Object.keys(list);
        if (keys.length === 0) return inverse(branch(frame));
        let out = '';
        keys.forEach((key, index) => {
          const data: Data = {
            root: frame.data.root,
            index,
            key,
            first: index === 0,
            last: index === keys.length - 1,
          };
          out += fn(enter(frame, (list as Record<string | number, unknown>)[key], data));
        });
        return out;
      };
    default:
      return unsupported(block, `the block helper #${name}`);
  }
}

function compileValue(node: Expression, helpers: Record<string, Helper>): Value {
  switch (node.type) {
    case 'PathExpression':
      return compilePath(node as hbs.AST.PathExpression, false);
    case 'SubExpression': {
      const sub = node as hbs.AST.SubExpression;
      if (sub.hash) unsupported(sub, 'hash arguments');
      return compileCall(sub.path, sub.params, helpers);
    }
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral': {
      const value = (node as hbs.AST.StringLiteral).value;
      return () => value;
    }
    default:
      return unsupported(node, node.type);
  }
}

function compileCall(
  path: hbs.AST.PathExpression | hbs.AST.Literal,
  params: Expression[],
  helpers: Record<string, Helper>,
): Value {
  const name = pathOf(path).original;
  if (!isHelper(path, helpers)) unsupported(path, `the unknown helper "${name}"`);
  const helper = helpers[name];
  const args = params.map((p) => compileValue(p, helpers));
  switch (args.length) {
    case 0:
      return () => helper();
    case 1: {
      const [a] = args;
      return (frame) => helper(a(frame));
    }
    case 2: {
      const [a, b] = args;
      return (frame) => helper(a(frame), b(frame));
    }
    default:
      return (frame) => helper(...args.map((arg) => arg(frame)));
  }
}

/**
 * A path's value, read as Handlebars' strict mode reads it: reading a name of nothing (null or
 * undefined) fails, and a value printed on its own (`terminal`) must exist, not only be undefined;
 * a helper's or a block's argument may end in a missing name. Only own properties are read, as
 * Handlebars' prototype-access rules do.
 */
function compilePath(path: hbs.AST.PathExpression, terminal: boolean): Value {
  const names = path.parts;
  const depth = path.depth;
  const fromData = path.data;
  if (fromData && depth > 0) unsupported(path, 'data of an outer block (@../)');
  const where = `${path.loc.start.line}:${path.loc.start.column}`;
  return (frame) => {
    let value: unknown = fromData ? frame.data : depth === 0 ? frame.context : frame.depths[depth];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (
        value === null ||
        value === undefined ||
        (terminal && i === names.length - 1 && !has(value, name))
      ) {
        throw new Error(`"${name}" not defined in ${String(value)} - ${where}`);
      }
      value = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
    }
    return value;
  };
}

function has(value: unknown, name: string): boolean {
  return value !== null && typeof value === 'object' && name in value;
}

function isHelper(path: hbs.AST.PathExpression | hbs.AST.Literal, helpers: Record<string, Helper>) {
  const p = path as hbs.AST.PathExpression;
  return (
    p.type === 'PathExpression' &&
    p.parts.length === 1 &&
    !p.data &&
    p.depth === 0 &&
    Object.hasOwn(helpers, p.parts[0])
  );
}

function pathOf(path: hbs.AST.PathExpression | hbs.AST.Literal): hbs.AST.PathExpression {
  if (path.type !== 'PathExpression') unsupported(path, 'a literal in place of a name');
  return path as hbs.AST.PathExpression;
}

/** What Handlebars appends for a value (noEscape): nothing for null and undefined. */
function text(value: unknown): string {
  return value === null || value === undefined ? '' : `${value as string}`;
}

/** Handlebars' #if test: false, 0, '', null, undefined, NaN and [] are empty. */
function isEmpty(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
}

function unsupported(node: hbs.AST.Node, what: string): never {
  throw new Error(
    `${what} (line ${node.loc.start.line}) is outside the Handlebars subset compile.ts renders`,
  );
}
