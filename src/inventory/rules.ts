/**
 * Naming rules for every inventory value that reaches a script. Two tiers:
 * - the general rules apply to every output (Windows naming rules plus what keeps a value from
 *   turning into a switch, a wildcard or a second argument of a native command);
 * - the cmd allow-lists apply only to values written into a .cmd script, because cmd has no safe
 *   quoting for arbitrary strings (see README "Security").
 * A rule returns the problem as a sentence that ends with a valid example, or undefined.
 */
import type { ClusterConfig, SettingName } from './types';

/** A field's rule: the check and the example shown with every problem. */
export interface FieldRule {
  check(value: string): string | undefined;
  example: string;
}

const RESERVED_DEVICE = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;
/** Control, format (Trojan Source), line/paragraph separators and byte-order marks. */
export const INVISIBLE =
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/u;

/** `'&' (U+0026) at position 6`, so invisible characters can be found. */
export function describeChar(value: string, index: number): string {
  const cp = value.codePointAt(index) ?? 0;
  const ch = String.fromCodePoint(cp);
  const shown = INVISIBLE.test(ch) || cp > 0xffff ? '' : `'${ch}' `;
  return `character ${shown}(U+${cp.toString(16).toUpperCase().padStart(4, '0')}) at position ${index + 1}`;
}

/** The first character not matching `allowed`, described, or undefined. */
function firstOutside(value: string, allowed: RegExp): string | undefined {
  if (wholly(allowed).test(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    if (!allowed.test(value[i])) return describeChar(value, i);
  }
  return undefined;
}

const whole = new Map<string, RegExp>();

/**
 * `^[...]*$` for a one-character class: one test of a whole value, where most values pass, before
 * the search for the first character outside it (a regular expression per character).
 */
function wholly(charClass: RegExp): RegExp {
  let re = whole.get(charClass.source);
  if (!re) whole.set(charClass.source, (re = new RegExp(`^${charClass.source}*$`)));
  return re;
}

/** Problems every text field has in common: ill-formed UTF-16, control and invisible characters. */
function hygiene(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (!value.isWellFormed()) {
    const i = [...value].findIndex((c) => c.length === 1 && /[\uD800-\uDFFF]/.test(c));
    return `has a lone surrogate ${describeChar(value, Math.max(i, 0))}`;
  }
  const m = INVISIBLE.exec(value);
  if (m) return `has the invisible or control ${describeChar(value, m.index)}`;
  if (value.trim() !== value) return 'has leading or trailing white space';
  return undefined;
}

function rule(example: string, check: (v: string) => string | undefined): FieldRule {
  return { example, check: (v) => hygiene(v) ?? check(v) };
}

const NETBIOS = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?$/;

function netbios(what: string, example: string): FieldRule {
  return rule(example, (v) => {
    if (v.length > 15) return `is ${v.length} characters; a ${what} has at most 15 (NetBIOS)`;
    if (RESERVED_DEVICE.test(v))
      return `is the reserved device name '${v}': Windows can make no file or folder of that name`;
    const bad = firstOutside(v, /[A-Za-z0-9-]/);
    if (bad) return `is not a NetBIOS ${what}: ${bad} (letters, digits and '-' only)`;
    if (!NETBIOS.test(v))
      return `is not a NetBIOS ${what}: it must start and end with a letter or digit`;
    if (/^[0-9]+$/.test(v)) return `is not a NetBIOS ${what}: it may not be all digits`;
    return undefined;
  });
}

/** Path components shared by the registry key and log folder rules. */
function componentProblem(c: string, what: string): string | undefined {
  if (c.length === 0) return `has an empty ${what} component (a doubled or trailing '\\')`;
  if (c === '.' || c === '..')
    return `has a '${c}' component; give the path without relative parts`;
  return undefined;
}

/** General rules, one per inventory field that reaches a script. */
export const RULES = {
  clusterName: netbios('cluster name', 'EXCL01'),
  nodeName: netbios('node name', 'EXNODE1'),
  serviceName: rule('MSExchangeDS', (v) => {
    // The SCM allows 256, but the service's registry key name may hold only 255.
    if (v.length > 255)
      return `is ${v.length} characters; a service name has at most 255 (its registry key's limit)`;
    const bad = firstOutside(v, /[A-Za-z0-9_.$-]/);
    if (bad) return `is not a service name: ${bad} (letters, digits and _ . $ - only)`;
    if (!/^[A-Za-z0-9]/.test(v))
      return 'is not a service name: it must start with a letter or digit';
    // The name also names files (the log, the key backup): NUL.x would be a device.
    if (RESERVED_DEVICE.test(v)) return `starts with the reserved device name '${v.split('.')[0]}'`;
    return undefined;
  }),
  resourceName: rule('Microsoft Exchange Directory', (v) => {
    if (v.length > 128) return `is ${v.length} characters; clusrestore accepts at most 128`;
    if (!/^[\p{L}\p{N}]/u.test(v))
      return 'must start with a letter or digit, so it cannot be read as a switch';
    // " ends a native command's argument and * ? [ ] are wildcards for -Name parameters.
    const m = /["\u201C-\u201E*?[\]]/.exec(v);
    if (m)
      return `has ${describeChar(v, m.index)}, which cannot be passed safely to cluster.exe or a -Name parameter`;
    // A trailing \ would escape the closing quote that cluster.exe's argument parser sees.
    if (v.endsWith('\\'))
      return 'ends with a backslash, which cannot be passed safely to cluster.exe';
    if (v.endsWith('.')) return 'ends with a dot';
    return undefined;
  }),
  restoreKey: rule(
    'SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress',
    (v) => {
      const rel = stripHive(v);
      if (rel === undefined)
        return 'must be under HKEY_LOCAL_MACHINE: give it relative to HKLM or starting with HKLM\\';
      if (rel.length > 512) return `is ${rel.length} characters; clusrestore accepts at most 512`;
      for (const c of rel.split('\\')) {
        const p = componentProblem(c, 'key');
        if (p) return p;
        if (c.length > 255)
          return `has a key name of ${c.length} characters; the registry allows 255`;
      }
      const m = /["*?]/.exec(rel);
      if (m) return `has ${describeChar(rel, m.index)}, which reg.exe cannot take safely`;
      return undefined;
    },
  ),
  logFolder: rule('C:\\clusrestore\\logs', (v) => {
    const m = /^(?:[A-Za-z]:\\|\\\\[A-Za-z0-9][A-Za-z0-9.-]*\\[^\\]+\\)(.+)$/.exec(v);
    if (!m)
      return 'is not an absolute folder path below a drive (C:\\...) or a share (\\\\server\\share\\...)';
    if (v.length > 200)
      return `is ${v.length} characters; at most 200 leave room for the file names below it`;
    for (const c of m[1].split('\\')) {
      const p = componentProblem(c, 'folder');
      if (p) return p;
      const bad = firstOutside(c, /[^<>:"/|?*]/);
      if (bad) return `has ${bad}, which Windows does not allow in a file name`;
      if (RESERVED_DEVICE.test(c)) return `has the folder '${c}', a reserved device name`;
      if (/[. ]$/.test(c)) return `has the folder '${c}', which ends with a dot or space`;
    }
    return undefined;
  }),
} satisfies Record<string, FieldRule>;

/** Cmd allow-lists: what a value may hold to be written into a .cmd script. */
export const CMD_RULES = {
  clusterName: { allowed: /[A-Za-z0-9-]/, text: 'A-Z a-z 0-9 -' },
  nodeName: { allowed: /[A-Za-z0-9-]/, text: 'A-Z a-z 0-9 -' },
  serviceName: { allowed: /[A-Za-z0-9_.$-]/, text: 'A-Z a-z 0-9 _ . $ -' },
  resourceName: { allowed: /[A-Za-z0-9 _.,:#()-]/, text: 'A-Z a-z 0-9 space _ . , : # ( ) -' },
  restoreKey: {
    allowed: /[A-Za-z0-9 _.(){}$\\-]/,
    text: 'A-Z a-z 0-9 space _ . ( ) { } $ - and \\ between keys',
  },
  logFolder: {
    allowed: /[A-Za-z0-9 _.():\\-]/,
    text: 'A-Z a-z 0-9 space _ . ( ) - and the drive colon and \\',
  },
} as const;

export type CmdField = keyof typeof CMD_RULES;

/** The settings a .cmd script holds, each with the allow-list its values must pass. */
export const CMD_FIELDS: {
  setting: SettingName;
  field: CmdField;
  values: (c: ClusterConfig) => string[];
}[] = [
  { setting: 'name', field: 'clusterName', values: (c) => [c.name] },
  { setting: 'nodes', field: 'nodeName', values: (c) => c.nodes },
  { setting: 'serviceName', field: 'serviceName', values: (c) => [c.serviceName] },
  { setting: 'resourceName', field: 'resourceName', values: (c) => [c.resourceName] },
  { setting: 'restoreKey', field: 'restoreKey', values: (c) => [c.restoreKey] },
  { setting: 'logFolder', field: 'logFolder', values: (c) => [c.logFolder] },
];

/** True when a value of the cluster is outside its cmd allow-list: it gets no .cmd. */
export function cmdRefused(c: ClusterConfig): boolean {
  return CMD_FIELDS.some(({ field, values }) => values(c).some((v) => cmdProblem(field, v)));
}

/**
 * Why `value` cannot be written into a .cmd script, or undefined. Called after the general rules
 * passed, so only the allow-list is left to check.
 */
export function cmdProblem(field: CmdField, value: string): string | undefined {
  const { allowed, text } = CMD_RULES[field];
  const bad = firstOutside(value, allowed);
  if (bad) {
    return `${bad} is not allowed in values written to .cmd scripts (cmd cannot quote it safely). Allowed: ${text}`;
  }
  if (field === 'logFolder' && value.indexOf(':') !== 1 && value.includes(':')) {
    return `character ':' (U+003A) at position ${value.lastIndexOf(':') + 1} is only allowed after the drive letter in values written to .cmd scripts`;
  }
  return undefined;
}

/** The key relative to HKLM, or undefined when it names another hive. */
export function stripHive(key: string): string | undefined {
  const m = /^(?:HKLM|HKEY_LOCAL_MACHINE)(?:\\|$)/i.exec(key);
  if (m) return key.slice(m[0].length);
  if (/^(HK[A-Z_]*|Registry::)/i.test(key) || key.startsWith('\\')) return undefined;
  return key;
}
