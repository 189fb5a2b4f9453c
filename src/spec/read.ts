import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import jsyaml from 'js-yaml';
import { UserError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import { hdf5SignatureOffset, isHdf5Bytes, loadHdf5Library, notAKerasModel, readKerasHdf5 } from './hdf5.js';
import { isZip, readKerasArchive } from './keras-archive.js';
import { isKerasDocument, isObject, manifestListing, readKerasTopology, type KerasTopology } from './keras-config.js';
import { rememberSource } from './locate.js';
import { readSavedModelFolder, type SubclassedModel } from './savedmodel.js';
import type { WeightListing } from './weights-check.js';
import { refuseDeepNesting } from './yaml-guard.js';
import { readSpec } from './yaml-spec.js';

/** YAML 1.2's core schema, plus the tuples Keras's to_yaml() wrote as !!python/tuple. */
const KERAS_YAML_SCHEMA = jsyaml.CORE_SCHEMA.extend([
  new jsyaml.Type('tag:yaml.org,2002:python/tuple', { kind: 'sequence', construct: (items: unknown[] | null) => items ?? [] }),
]);

/** Values a spec may reach through aliases; far beyond any model, far below a "billion laughs" bomb. */
const MAX_EXPANDED_VALUES = 1_000_000;

/** A model as read: a merge-summary spec, a Keras / TF.js configuration, or the layers of a subclassed model. */
export type ModelSource = { kind: 'spec'; graph: ModelGraph } | { kind: 'keras'; topology: KerasTopology } | { kind: 'subclassed'; model: SubclassedModel };

/**
 * Reads a model from a file, or from standard input when the path is "-",
 * knowing its kind from its content: a folder with saved_model.pb is a
 * TensorFlow SavedModel; the HDF5 signature makes a Keras .h5 file; a zip is
 * a Keras 3 archive; JSON or YAML with a Keras model configuration or a TF.js
 * modelTopology is that model; other text must be a spec, and other binary
 * content is refused.
 */
export function readModel(path: string): ModelSource {
  const file = displayName(path);
  const kind = path === '-' ? 'stream' : fileKind(path);
  if (kind === 'folder') return readSavedModel(path, file);
  if (kind === 'hdf5') return readHdf5Model(path, file);
  if (kind === 'other') refuseLargeBinary(path, file);
  const bytes = readBytes(path);
  if (isZip(bytes)) {
    const archive = readKerasArchive(bytes, file);
    const member = `${file}:config.json`;
    const doc = parseJsonText(archive.config, member);
    if (!isKerasDocument(doc)) throw new UserError('config.json of the archive is not a Keras model configuration', { file: member, path: [] });
    const topology = readKerasTopology(doc as Record<string, unknown>, member);
    return { kind: 'keras', topology: { ...topology, kerasVersion: archiveVersion(archive.metadata) ?? topology.kerasVersion } };
  }
  refuseBinary(bytes, file);
  return parseModelDocument(new TextDecoder().decode(bytes), path);
}

/**
 * Loads what reading these model files will need that only loads
 * asynchronously: the HDF5 library, when one of them is an HDF5 file. The
 * CLI calls it before running a command; everything after is synchronous.
 */
export async function prepareModelReaders(paths: string[]): Promise<void> {
  if (paths.some((path) => path !== '-' && fileKind(path) === 'hdf5')) await loadHdf5Library();
}

/** A folder, an HDF5 file, or another file (read whole); a missing or unreadable path is left to readBytes to report. */
function fileKind(path: string): 'folder' | 'hdf5' | 'other' {
  try {
    if (statSync(path).isDirectory()) return 'folder';
    return hdf5SignatureOffset(path) === undefined ? 'other' : 'hdf5';
  } catch {
    return 'other';
  }
}

/** A model saved as a Keras HDF5 file: its model_config attribute, with its weights' shapes to check the built model against. */
function readHdf5Model(path: string, file: string): ModelSource {
  const contents = readKerasHdf5(path, file);
  if (contents.layout !== 'model' || contents.modelConfig === undefined) throw new UserError(notAKerasModel(contents, file), { file });
  const member = `${file}:model_config`;
  const doc = parseJsonText(contents.modelConfig, member);
  if (!isKerasDocument(doc)) throw new UserError('the model_config attribute is not a Keras model configuration (class_name and config)', { file: member, path: [] });
  const topology = readKerasTopology(doc as Record<string, unknown>, member);
  return {
    kind: 'keras',
    topology: {
      ...topology,
      name: topology.name ?? basename(file).replace(/\.(h5|hdf5|keras)$/i, ''),
      kerasVersion: contents.kerasVersion ?? topology.kerasVersion,
      weights: { source: file, weights: contents.weights },
    },
  };
}

/** A folder: a TensorFlow SavedModel whose keras_metadata.pb holds the Keras configuration. */
function readSavedModel(dir: string, file: string): ModelSource {
  const contents = readSavedModelFolder(dir, file);
  if (contents.kind === 'subclassed') return contents;
  rememberSource(contents.member, contents.text);
  return { kind: 'keras', topology: { ...readKerasTopology(contents.doc, contents.member), weights: contents.weights } };
}

/**
 * A binary file that is none of the kinds above (a weights shard, a
 * protobuf, an image) is refused as such, never parsed as YAML.
 */
function refuseBinary(bytes: Uint8Array, file: string): void {
  const head = bytes.subarray(0, 8192);
  if (isHdf5Bytes(bytes)) {
    throw new UserError('an HDF5 file on standard input: HDF5 is read from a file, in place; pass its path', { file });
  }
  if (!head.includes(0)) return;
  const name = basename(file);
  const hint =
    name === 'saved_model.pb' || name === 'keras_metadata.pb' ? `; ${name} is part of a TensorFlow SavedModel: pass the folder that holds it`
    : /\.bin$|shard\d+of\d+/.test(name) ? '; TF.js weight shards hold values only: pass the model.json beside them'
    : '';
  const start = Array.from(head.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  throw new UserError(
    `not a model file merge-summary reads: binary content (it starts with ${start}) that is neither HDF5 (a Keras .h5 file) nor a zip (a .keras archive); expected one of these, a SavedModel folder, or a JSON / YAML model${hint}`,
    { file },
  );
}

/**
 * A file of weights given with --weights, to check the model against: a
 * Keras .h5 (save_weights, a Keras 3 .weights.h5, or a whole model, whose
 * model_weights are taken), a TF.js model.json with a weightsManifest, or a
 * weights manifest alone.
 */
export function readWeightsFile(path: string): WeightListing {
  const file = displayName(path);
  const kind = path === '-' ? 'stream' : fileKind(path);
  if (kind === 'hdf5') {
    const contents = readKerasHdf5(path, file);
    if (contents.layout === 'other') {
      throw new UserError(`--weights: an HDF5 file, but not Keras weights (root attributes: ${contents.rootAttributes.join(', ') || 'none'}; groups: ${contents.rootGroups.slice(0, 8).join(', ') || 'none'}); expected a file from save_weights or model.save`, { file });
    }
    return { source: file, weights: contents.weights };
  }
  if (kind === 'folder') throw new UserError('--weights: a folder; expected a weights file (.h5, .weights.h5) or a TF.js model.json / weights manifest', { file });
  if (kind === 'other') refuseLargeBinary(path, file);
  const bytes = readBytes(path);
  refuseBinary(bytes, file);
  const doc = parseJsonText(new TextDecoder().decode(bytes), file);
  const manifest = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.weightsManifest) ? doc.weightsManifest : undefined;
  if (!manifest) throw new UserError('--weights: JSON without a weights manifest; expected a TF.js model.json with "weightsManifest", or the manifest itself ([{"paths": ..., "weights": [...]}])', { file, path: [] });
  return manifestListing(manifest, file);
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

/** A binary file is known from its first bytes: refused before a large one is read whole (a zip is read whole, as archives are). */
function refuseLargeBinary(path: string, file: string): void {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(8192);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return;
  }
  if (!isZip(head)) refuseBinary(head, file);
}
