import { contractJsonSchema } from '../contract';
import { inventoryJsonSchema } from '../inventory/schema';

/** The inventory's JSON Schema, or with `contract` the schema of every JSON output. */
export function schemaDocument(contract: boolean): object {
  return contract ? contractJsonSchema() : inventoryJsonSchema();
}
