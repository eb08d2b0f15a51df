/**
 * The only way a value reaches the report's HTML or SVG: `html()` escapes the five characters
 * HTML gives meaning to, in text and in quoted attributes alike, after `visible()` has shown
 * every character a reader could not see or that reorders text (Trojan Source) as `<U+XXXX>`.
 */

/** Control, bidirectional, zero-width and other invisible characters, and lone surrogates. */
const INVISIBLE =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value with each invisible character written out as `<U+XXXX>` (tabs and newlines kept). */
export function visible(value: string): string {
  return value.replace(
    INVISIBLE,
    (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML or SVG content or a double-quoted attribute value. */
export function html(value: string | number): string {
  return visible(String(value)).replace(/[&<>"']/g, (c) => ENTITY[c]);
}
