import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { UserError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import { isZip, readKerasArchive } from './keras-archive.js';
import { isKerasDocument, isObject, readKerasTopology, type KerasTopology } from './keras-config.js';
import { rememberSource } from './locate.js';
import { refuseDeepNesting } from './yaml-guard.js';
import { readSpec } from './yaml-spec.js';

/** YAML 1.2's core schema, plus the tuples Keras's to_yaml() wrote as !!python/tuple. */
const KERAS_YAML_SCHEMA = jsyaml.CORE_SCHEMA.extend([
  new jsyaml.Type('tag:yaml.org,2002:python/tuple', { kind: 'sequence', construct: (items: unknown[] | null) => items ?? [] }),
]);

/** Values a spec may reach through aliases; far beyond any model, far below a "billion laughs" bomb. */
const MAX_EXPANDED_VALUES = 1_000_000;

/** A model as read: a merge-summary spec, or a Keras / TF.js configuration. */
export type ModelSource = { kind: 'spec'; graph: ModelGraph } | { kind: 'keras'; topology: KerasTopology };

/**
 * Reads a model from a file, or from standard input when the path is "-",
 * knowing its kind from its content: a zip is a Keras 3 archive; JSON or
 * YAML with a Keras model configuration or a TF.js modelTopology is that
 * model; anything else must be a spec.
 */
export function readModel(path: string): ModelSource {
  const bytes = readBytes(path);
  const file = displayName(path);
  if (isZip(bytes)) {
    const archive = readKerasArchive(bytes, file);
    const member = `${file}:config.json`;
    const doc = parseJsonText(archive.config, member);
    if (!isKerasDocument(doc)) throw new UserError('config.json of the archive is not a Keras model configuration', { file: member, path: [] });
    const topology = readKerasTopology(doc as Record<string, unknown>, member);
    return { kind: 'keras', topology: { ...topology, kerasVersion: archiveVersion(archive.metadata) ?? topology.kerasVersion } };
  }
  return parseModelDocument(new TextDecoder().decode(bytes), path);
}

/** Reads a spec (the YAML format of ../shared/model-spec.md) from a file or standard input. */
export function readModelGraph(path: string): ModelGraph {
  const source = readModel(path);
  if (source.kind !== 'spec') throw new UserError('expected a merge-summary spec, not a Keras model', { file: displayName(path) });
  return source.graph;
}

export function parseModelText(text: string, source: string): ModelGraph {
  const model = parseModelDocument(text, source);
  if (model.kind !== 'spec') throw new UserError('expected a merge-summary spec, not a Keras model', { file: displayName(source) });
  return model.graph;
}

function parseModelDocument(text: string, source: string): ModelSource {
  const file = displayName(source);
  rememberSource(file, text);
  const first = text.trimStart()[0];
  const doc = first === '{' || first === '"' ? parseJsonText(text, file) : parseYamlText(text, file);
  if (isKerasDocument(doc)) return { kind: 'keras', topology: readKerasTopology(doc as Record<string, unknown>, file) };
  if (isObject(doc) && doc.inputs === undefined && doc.layers === undefined) {
    throw new UserError(
      'not a model: expected a merge-summary spec (with inputs and layers), a Keras model configuration (class_name and config), or a TF.js model.json (modelTopology)',
      { file, path: [] },
    );
  }
  return { kind: 'spec', graph: readSpec(doc, file, source) };
}

/** JSON, decoded twice when a file holds the model's JSON as a string (json.dump(model.to_json())). */
function parseJsonText(text: string, file: string): unknown {
  rememberSource(file, text);
  let doc = parseJson(text, file);
  if (typeof doc === 'string') {
    rememberSource(file, doc);
    doc = parseJson(doc, file);
  }
  return doc;
}

/** JSON.parse, with a syntax error located at its line and column. */
export function parseJson(text: string, file: string, what = 'not valid JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    const position = /position (\d+)/.exec(message);
    const before = text.slice(0, position ? Number(position[1]) : text.length).split('\n');
    const at = lineCol
      ? { file, line: Number(lineCol[1]), col: Number(lineCol[2]) }
      : { file, line: before.length, col: before[before.length - 1].length + 1 };
    throw new UserError(`${what}: ${message.replace(/ in JSON at position \d+.*$/, '')}`, at);
  }
}

function archiveVersion(metadata: string | undefined): string | undefined {
  if (!metadata) return undefined;
  try {
    const doc = JSON.parse(metadata) as { keras_version?: unknown };
    return typeof doc.keras_version === 'string' ? doc.keras_version : undefined;
  } catch {
    return undefined;
  }
}

export function displayName(source: string): string {
  return source === '-' ? '<stdin>' : source;
}

/**
 * Parses YAML (or JSON, which is YAML) quickly, without positions: a summary
 * never needs them, and errors find theirs later (locate.ts).
 */
export function parseYamlText(text: string, file: string): unknown {
  refuseDeepNesting(text, file);
  let document: unknown;
  try {
    document = jsyaml.load(text, { schema: KERAS_YAML_SCHEMA, filename: file });
  } catch (error) {
    if (error instanceof jsyaml.YAMLException) {
      const { line, column } = error.mark ?? { line: 0, column: 0 };
      throw new UserError(`YAML syntax error: ${error.reason}`, { file, line: line + 1, col: column + 1 });
    }
    throw error;
  }
  refuseAliasBombs(document, file);
  return document;
}

/**
 * The parser keeps an alias as a second reference to the same value, so a
 * bomb is small in memory until something walks it. Walk it here, counting
 * every value as often as aliases repeat it, and give up past the budget.
 */
function refuseAliasBombs(document: unknown, file: string): void {
  let budget = MAX_EXPANDED_VALUES;
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (--budget < 0) {
      throw new UserError(
        "the document expands to more than a million values through YAML aliases; refusing what looks like an alias bomb",
        { file, line: 1, col: 1 },
      );
    }
    if (Array.isArray(value)) stack.push(...value);
    else if (typeof value === 'object' && value !== null) stack.push(...Object.values(value));
  }
}

export function readSource(path: string): string {
  return new TextDecoder().decode(readBytes(path));
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'it is a directory, not a file'
      : code === 'EACCES' ? 'permission denied'
      : (error as Error).message;
    throw new UserError(`cannot read the model: ${why}`, { file: displayName(path) });
  }
}
