import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The JSON Schemas of schemas/, compiled once for the whole test run. Every
 * --json document a test gets from the CLI is validated here (runCli and
 * spawnCli do it), against a stricter copy of its schema: the shipped
 * schemas let a document hold fields they do not list (the contract adds
 * fields), the copy does not, so a field the CLI prints and neither the
 * schema nor docs/json.md describes fails the tests.
 */
const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

export const OUTPUT_SCHEMAS: Record<string, string> = {
  'merge-summary/1': 'merge-summary.schema.json',
  'merge-summary-diff/1': 'merge-summary-diff.schema.json',
  'merge-summary-check/1': 'merge-summary-check.schema.json',
  'merge-summary-profile/1': 'merge-summary-profile.schema.json',
};

export function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
}

/** An Ajv that knows the keywords editors read (doNotSuggest) and type unions like ["integer", "null"]. */
export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'doNotSuggest' });
  return ajv;
}

/** The schema with additionalProperties: false on every object schema that lists properties. */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)])) : closed(value);
  if (out.type === 'object' && out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const validators = new Map<string, { open: ValidateFunction; strict: ValidateFunction }>();

function validatorsFor(schemaName: string): { open: ValidateFunction; strict: ValidateFunction } {
  const file = OUTPUT_SCHEMAS[schemaName];
  assert.ok(file, `no schema for a document of schema ${JSON.stringify(schemaName)}`);
  let found = validators.get(file);
  if (!found) {
    const schema = readSchema(file);
    const strict = { ...(closed(schema) as object), $id: `${String(schema.$id)}#closed` };
    found = { open: newAjv().compile(schema), strict: newAjv().compile(strict) };
    validators.set(file, found);
  }
  return found;
}

/** Fails unless `doc` is valid against the schema its "schema" field names, with no field the schema leaves out. */
export function assertValidOutput(doc: unknown): void {
  const schemaName = (doc as { schema?: unknown } | null)?.schema;
  const { open, strict } = validatorsFor(String(schemaName));
  for (const [what, validate] of [['its schema', open], ['its schema (no undocumented field)', strict]] as const) {
    if (!validate(doc)) {
      const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
      assert.fail(`the ${String(schemaName)} document does not match ${what}:\n  ${errors.join('\n  ')}`);
    }
  }
}
