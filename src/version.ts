import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package folder (holds templates/, sim/, package.json), from dist/ or src/ alike. */
export function packageRoot(): string {
  return join(__dirname, '..');
}

/** clusrestore's version, from package.json. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
).version;
