import type { Format } from '../inventory/presets';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Encoding and line endings, applied in this one place:
 * - .ps1: UTF-8 with BOM (Windows PowerShell 5.1 reads BOM-less files as ANSI, where some UTF-8
 *   bytes become quote characters) and CRLF;
 * - .cmd: ASCII and CRLF (cmd loses labels in LF files and reads bytes in the console code page);
 * - runbook: UTF-8, LF, as prettier writes Markdown.
 */
export function encodeOutput(format: Format, text: string): Buffer {
  switch (format) {
    case 'ps1': {
      const body = crlf(text);
      const out = Buffer.allocUnsafe(BOM.length + Buffer.byteLength(body, 'utf8'));
      BOM.copy(out, 0);
      out.write(body, BOM.length, 'utf8');
      return out;
    }
    case 'cmd':
      return Buffer.from(crlf(text), 'latin1');
    case 'runbook':
      return Buffer.from(text.includes('\r') ? text.replace(/\r\n/g, '\n') : text, 'utf8');
  }
}

/** The engine renders scripts with CRLF already (engine.ts); text with LF only is converted. */
function crlf(text: string): string {
  return text.includes('\r') ? text : text.replace(/\n/g, '\r\n');
}
