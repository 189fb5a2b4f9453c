import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FileReadError, UserError, isObject, type FileProblem } from '../core/errors.js';
import { formatBytes } from '../core/numbers.js';
import type { ModelGraph } from './graph.js';
import { isZip, readKerasArchive } from './keras-archive.js';
import { isKerasDocument, readKerasTopology, type KerasTopology } from './keras-topology.js';
import { rememberSource } from './locate.js';
import { parseJsonDocument, parseYaml } from './parse.js';
import { readSpec } from './spec.js';

/** A model as read: a merge-summary spec, or a Keras / TF.js configuration. */
export type ModelSource = { kind: 'spec'; graph: ModelGraph } | { kind: 'keras'; topology: KerasTopology };

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
 * knowing its kind from its content: a zip is a Keras 3 archive; JSON or
 * YAML with a Keras model configuration or a TF.js modelTopology is that
 * model; anything else must be a spec.
 */
export function readModel(path: string, options: ReadOptions = {}): ModelSource {
  return modelFromBytes(readInput(path, options), path, options);
}

/** A model from the bytes of its file (read by readInput), known by its content. */
export function modelFromBytes(bytes: Uint8Array, path: string, options: ReadOptions = {}): ModelSource {
  const file = displayName(path);
  if (isZip(bytes)) {
    const archive = readKerasArchive(bytes, file, options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
    const member = `${file}:config.json`;
    const doc = parseJsonDocument(archive.config, member);
    if (!isKerasDocument(doc)) throw new UserError('not-a-model', 'config.json of the archive is not a Keras model configuration', { file: member, path: [] });
    const topology = readKerasTopology(doc, member);
    return { kind: 'keras', topology: { ...topology, kerasVersion: archiveVersion(archive.metadata) ?? topology.kerasVersion } };
  }
  refuseBinary(bytes, file);
  return parseModelDocument(new TextDecoder().decode(bytes), path);
}

/** How many layers (and inputs) a model has, nested models' layers included: how deep its build may recurse. */
export function layerCount(source: ModelSource): number {
  if (source.kind === 'spec') return source.graph.inputs.length + source.graph.calls.length;
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
 * Text model files hold no NUL bytes; a file that does is some binary
 * format, and saying so beats a YAML syntax error about a null byte.
 */
function refuseBinary(bytes: Uint8Array, file: string): void {
  const head = bytes.subarray(0, 4096);
  if (!head.includes(0)) return;
  throw new UserError(
    'not-a-model',
    'this is a binary file, not a model this tool reads: expected a YAML or JSON spec, a Keras to_json / config.json, a .keras archive, or a TF.js model.json',
    { file },
  );
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
  return new TextDecoder().decode(readInput(path, options));
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
