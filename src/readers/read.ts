import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { FileReadError, UserError, isObject, type FileProblem } from '../core/errors.js';
import { formatBytes } from '../core/numbers.js';
import type { ModelGraph } from './graph.js';
import { hdf5SignatureOffset, isHdf5Bytes, loadHdf5Library, notAKerasModel, readKerasHdf5 } from './hdf5.js';
import { archiveWeightListing, fileSource, isZip, memorySource, readKerasArchive, type ByteSource } from './keras-archive.js';
import { isKerasDocument, manifestListing, readKerasTopology, type KerasTopology } from './keras-topology.js';
import { readSavedModelFolder, type SubclassedModel } from './savedmodel.js';
import type { WeightListing } from './weight-listing.js';
import { rememberSource } from './locate.js';
import { parseJsonDocument, parseYaml } from './parse.js';
import { readSpec } from './spec.js';
import { decodeUtf8 } from './utf8.js';

/** A model as read: a merge-summary spec, a Keras / TF.js configuration, or the layers of a subclassed model. */
export type ModelSource = { kind: 'spec'; graph: ModelGraph } | { kind: 'keras'; topology: KerasTopology } | { kind: 'subclassed'; model: SubclassedModel };

/**
 * The most a text input may hold unless the user raises it: far beyond any
 * model file (DeepDanbooru's 590-layer TF.js model.json is 350 KB), far
 * below what would exhaust memory (`merge-summary /dev/zero`).
 */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface ReadOptions {
  /** Refuse inputs larger than this many bytes. */
  maxInputBytes?: number;
  /** What the input is, for messages: "the model", "the baseline". */
  what?: string;
}

/**
 * Reads a model from a file, or from standard input when the path is "-",
 * knowing its kind from its content: a folder with saved_model.pb is a
 * TensorFlow SavedModel; the HDF5 signature makes a Keras .h5 file; a zip is
 * a Keras 3 archive; JSON or YAML with a Keras model configuration or a TF.js
 * modelTopology is that model; other text must be a spec, and other binary
 * content is refused.
 */
export function readModel(path: string, options: ReadOptions = {}): ModelSource {
  if (path === '-') return modelFromBytes(readInput(path, options), path, options);
  const file = displayName(path);
  const kind = fileKind(path);
  if (kind === 'folder') return readSavedModel(path, file);
  if (kind === 'hdf5') return readHdf5Model(path, file);
  if (kind === 'zip') return withFile(path, file, (source) => readArchiveModel(source, path, file, options));
  refuseLargeBinary(path, file);
  return modelFromBytes(readInput(path, options), path, options);
}

/** A model from the bytes of a file read whole (standard input, a text file), known by its content. */
export function modelFromBytes(bytes: Uint8Array, path: string, options: ReadOptions = {}): ModelSource {
  const file = displayName(path);
  if (isZip(bytes)) return readArchiveModel(memorySource(bytes), undefined, file, options);
  refuseBinary(bytes, file);
  return parseModelDocument(decodeUtf8(bytes, file), path);
}

/** How many layers (and inputs) a model has, nested models' layers included: how deep its build may recurse. */
export function layerCount(source: ModelSource): number {
  if (source.kind === 'spec') return source.graph.inputs.length + source.graph.calls.length;
  if (source.kind === 'subclassed') return source.model.layers.length;
  let count = 0;
  const stack: unknown[] = [source.topology.model];
  while (stack.length > 0) {
    const model = stack.pop();
    const layers = isObject(model) && isObject(model.config) && Array.isArray(model.config.layers) ? model.config.layers : [];
    count += layers.length;
    for (const layer of layers) if (isObject(layer) && isObject(layer.config) && Array.isArray(layer.config.layers)) stack.push(layer);
  }
  return count;
}

/** Reads a spec (the YAML format of docs/model-spec.md) from text; for tests and tools. */
export function parseModelText(text: string, source: string): ModelGraph {
  const model = parseModelDocument(text, source);
  if (model.kind !== 'spec') throw new UserError('not-a-model', 'expected a merge-summary spec, not a Keras model', { file: displayName(source) });
  return model.graph;
}

function parseModelDocument(text: string, source: string): ModelSource {
  const file = displayName(source);
  rememberSource(file, text);
  const first = text.trimStart()[0];
  const doc = first === '{' || first === '"' ? parseJsonDocument(text, file) : parseYaml(text, file);
  if (isKerasDocument(doc)) return { kind: 'keras', topology: readKerasTopology(doc, file) };
  if (isObject(doc) && doc.inputs === undefined && doc.layers === undefined) {
    throw new UserError(
      'not-a-model',
      'not a model: expected a merge-summary spec (with inputs and layers), a Keras model configuration (class_name and config), or a TF.js model.json (modelTopology)',
      { file, path: [] },
    );
  }
  return { kind: 'spec', graph: readSpec(doc, file, source) };
}

/**
 * Loads what reading these model files will need that only loads
 * asynchronously: the HDF5 library, when one of them is an HDF5 file or a
 * zip (a .keras archive, whose weights are HDF5). The CLI calls it before
 * running a command; everything after is synchronous.
 */
export async function prepareModelReaders(paths: string[]): Promise<void> {
  if (paths.some((path) => path !== '-' && ['hdf5', 'zip'].includes(fileKind(path)))) await loadHdf5Library();
}

/**
 * A folder, an HDF5 file, a zip (read in place), or another file (read
 * whole); a missing or unreadable path is left to readInput to report.
 */
function fileKind(path: string): 'folder' | 'hdf5' | 'zip' | 'other' {
  try {
    if (statSync(path).isDirectory()) return 'folder';
    if (startsLikeZip(path)) return 'zip';
    return hdf5SignatureOffset(path) === undefined ? 'other' : 'hdf5';
  } catch {
    return 'other';
  }
}

function startsLikeZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, head.length, 0) === head.length && isZip(head);
  } finally {
    closeSync(fd);
  }
}

/** Runs `read` on a file read in place, at positions, never whole. */
function withFile<T>(path: string, file: string, read: (source: ByteSource) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw readError(file, error, 'the model');
  }
  try {
    return read(fileSource(fd, fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
}

/**
 * A Keras 3 .keras archive: its config.json, with the weights' shapes in its
 * model.weights.h5 to check the built model against. `path` is the archive's
 * when it is a file HDF5 can read in place (not standard input).
 */
function readArchiveModel(source: ByteSource, path: string | undefined, file: string, options: ReadOptions): ModelSource {
  const archive = readKerasArchive(source, file, options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
  const member = `${file}:config.json`;
  const doc = parseJsonDocument(archive.config, member);
  if (!isKerasDocument(doc)) throw new UserError('not-a-model', 'config.json of the archive is not a Keras model configuration', { file: member, path: [] });
  const topology = readKerasTopology(doc, member);
  return {
    kind: 'keras',
    topology: { ...topology, kerasVersion: archiveVersion(archive.metadata) ?? topology.kerasVersion, weights: archiveWeightListing(archive, path, file) },
  };
}

/** A model saved as a Keras HDF5 file: its model_config attribute, with its weights' shapes to check the built model against. */
function readHdf5Model(path: string, file: string): ModelSource {
  const contents = readKerasHdf5(path, file);
  if (contents.layout !== 'model' || contents.modelConfig === undefined) throw new UserError('not-a-model', notAKerasModel(contents, file), { file });
  const member = `${file}:model_config`;
  const doc = parseJsonDocument(contents.modelConfig, member);
  if (!isKerasDocument(doc)) throw new UserError('not-a-model', 'the model_config attribute is not a Keras model configuration (class_name and config)', { file: member, path: [] });
  const topology = readKerasTopology(doc, member);
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
    throw new UserError('not-a-model', 'an HDF5 file on standard input: HDF5 is read from a file, in place; pass its path', { file });
  }
  if (!isBinary(head)) return;
  const name = basename(file);
  const hint =
    name === 'saved_model.pb' || name === 'keras_metadata.pb' ? `; ${name} is part of a TensorFlow SavedModel: pass the folder that holds it`
    : /\.bin$|shard\d+of\d+/.test(name) ? '; TF.js weight shards hold values only: pass the model.json beside them'
    : '';
  const start = Array.from(head.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  throw new UserError(
    'not-a-model',
    `not a model file merge-summary reads: binary content (it starts with ${start}) that is neither HDF5 (a Keras .h5 file) nor a zip (a .keras archive); expected one of these, a SavedModel folder, or a JSON / YAML model${hint}`,
    { file },
  );
}

/**
 * Whether the start of a file is binary rather than text: a byte YAML and
 * JSON never hold (a control character other than tab, line feed, carriage
 * return). A NUL alone would let most binary files through to the YAML
 * parser, whose "syntax error at 2:1" says nothing. Text in another encoding
 * than UTF-8 (Latin-1) is not binary: decodeUtf8 refuses it at the byte.
 */
function isBinary(head: Uint8Array): boolean {
  return head.some((byte) => (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f);
}

/** A binary file is known from its first bytes: refused before a large one is read whole. */
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
  refuseBinary(head, file);
}

/**
 * A file of weights given with --weights, to check the model against: a
 * Keras .h5 (save_weights, a Keras 3 .weights.h5, or a whole model, whose
 * model_weights are taken), a .keras archive (its model.weights.h5), a TF.js
 * model.json with a weightsManifest, or a weights manifest alone.
 */
export function readWeightsFile(path: string, options: ReadOptions = {}): WeightListing {
  const file = displayName(path);
  const kind = path === '-' ? 'stream' : fileKind(path);
  if (kind === 'hdf5') {
    const contents = readKerasHdf5(path, file);
    if (contents.layout === 'other') {
      throw new UserError('not-a-model', `--weights: an HDF5 file, but not Keras weights (root attributes: ${contents.rootAttributes.join(', ') || 'none'}; groups: ${contents.rootGroups.slice(0, 8).join(', ') || 'none'}); expected a file from save_weights or model.save`, { file });
    }
    return { source: file, weights: contents.weights };
  }
  if (kind === 'zip') {
    const archive = withFile(path, file, (source) => readKerasArchive(source, file, options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES));
    const weights = archive.weights;
    if (weights?.kind !== 'stored') {
      const why = weights ? weights.why : 'a .keras archive without model.weights.h5, saved without its weights';
      throw new UserError('not-a-model', `--weights: ${why}; expected an archive with its weights, or a weights file`, { file });
    }
    return archiveWeightListing(archive, path, file) as WeightListing;
  }
  if (kind === 'folder') throw new UserError('usage', '--weights: a folder; expected a weights file (.h5, .weights.h5) or a TF.js model.json / weights manifest', { file });
  if (kind === 'other') refuseLargeBinary(path, file);
  const bytes = readInput(path, { ...options, what: 'the weights' });
  if (isZip(bytes)) throw new UserError('not-a-model', "--weights: a .keras archive on standard input; its weights are read in place, in the archive: pass the archive's path", { file });
  refuseBinary(bytes, file);
  const doc = parseJsonDocument(decodeUtf8(bytes, file), file);
  const manifest = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.weightsManifest) ? doc.weightsManifest : undefined;
  if (!manifest) throw new UserError('not-a-model', '--weights: JSON without a weights manifest; expected a TF.js model.json with "weightsManifest", or the manifest itself ([{"paths": ..., "weights": [...]}])', { file, path: [] });
  return manifestListing(manifest, file, Array.isArray(doc) ? [] : ['weightsManifest'], file);
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

/** The text of a file (or standard input), bounded like every input. */
export function readText(path: string, options: ReadOptions = {}): string {
  return decodeUtf8(readInput(path, options), displayName(path));
}

/**
 * Reads a whole input, refusing it as soon as it passes the size limit:
 * a regular file by its size, a pipe or device (standard input,
 * /dev/zero) by counting while reading, so nothing unbounded is held.
 */
export function readInput(path: string, options: ReadOptions = {}): Uint8Array {
  const limit = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const file = displayName(path);
  let fd: number;
  const what = options.what ?? 'the model';
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
  } catch (error) {
    throw readError(file, error, what);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileReadError(file, 'directory', 'it is a directory, not a file', what);
    if (stat.isFile() && stat.size > limit) throw tooLarge(file, limit);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(stat.isFile() ? Math.max(1, Math.min(stat.size - total + 1, limit + 1 - total)) : 1 << 16);
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw readError(file, error, what);
      }
      if (read === 0) break;
      total += read;
      if (total > limit) throw tooLarge(file, limit);
      chunks.push(chunk.subarray(0, read));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

function tooLarge(file: string, limit: number): UserError {
  return new UserError('too-large', `the input is larger than ${formatBytes(limit)}, more than any model file needs; if it really is one, raise the limit with --max-input-size`, { file });
}

function readError(file: string, error: unknown, what: string): FileReadError {
  if (error instanceof FileReadError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const [problem, detail]: [FileProblem, string] =
    code === 'ENOENT' ? ['missing', 'no such file']
    : code === 'EISDIR' ? ['directory', 'it is a directory, not a file']
    : code === 'EACCES' || code === 'EPERM' ? ['permission', 'permission denied']
    : ['other', (error as Error).message];
  return new FileReadError(file, problem, detail, what);
}
