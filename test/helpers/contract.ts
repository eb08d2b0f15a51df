import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli';

export const CONTRACT_SCHEMA = join(ROOT, 'schema', 'contract-v1.schema.json');

let compiled: ((doc: unknown) => string[]) | undefined;

/**
 * Validates a document with a real JSON Schema validator against the contract file the package
 * ships; returns the problems (empty when valid).
 */
export function checkContract(doc: unknown): string[] {
  if (!compiled) {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(CONTRACT_SCHEMA, 'utf8')),
    );
    compiled = (d) =>
      validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
  return compiled(doc);
}

/** The same check as a function factory, for callers that hold a validator. */
export function contractValidator(): (doc: unknown) => string[] {
  return checkContract;
}
