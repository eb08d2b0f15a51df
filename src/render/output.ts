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
  return Buffer.from(encodeOutputInto(format, text, shared));
}

/** A buffer reused across encodings, so that rendering 10,000 clusters does not feed the GC. */
export class Scratch {
  bytes = Buffer.allocUnsafe(0);

  /** The buffer, at least `size` bytes long (its contents are not kept when it grows). */
  take(size: number): Buffer {
    if (this.bytes.length < size) this.bytes = Buffer.allocUnsafe(Math.max(size, 256 * 1024));
    return this.bytes;
  }
}

const shared = new Scratch();

/**
 * encodeOutput into `scratch`: the returned bytes are a view of it, valid until the scratch's
 * next use. Whoever keeps them copies them.
 */
export function encodeOutputInto(format: Format, text: string, scratch: Scratch): Buffer {
  switch (format) {
    case 'ps1': {
      const body = crlf(text);
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      const out = scratch.take(BOM.length + body.length * 3);
      BOM.copy(out, 0);
      const length = out.write(body, BOM.length, 'utf8');
      return out.subarray(0, BOM.length + length);
    }
    case 'cmd': {
      const body = crlf(text);
      const out = scratch.take(body.length);
      return out.subarray(0, out.write(body, 0, 'latin1'));
    }
    case 'runbook': {
      const body = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
      const out = scratch.take(body.length * 3);
      return out.subarray(0, out.write(body, 0, 'utf8'));
    }
  }
}

/** The engine renders scripts with CRLF already (engine.ts); text with LF only is converted. */
function crlf(text: string): string {
  return text.includes('\r') ? text : text.replace(/\n/g, '\r\n');
}
