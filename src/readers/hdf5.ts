import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import v8 from 'node:v8';
import { UserError } from '../core/errors.js';
import type { ListedWeight } from './weight-listing.js';

type H5wasm = typeof import('h5wasm/node');
type H5Group = import('h5wasm/node').Group;

/** The 8 bytes every HDF5 file starts with (after its user block, if any). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

let h5: H5wasm | undefined;

/**
 * How ES modules are imported. On Node 20 the CLI's bundle runs under
 * v8-compile-cache, which compiles it without a dynamic-import callback, so
 * the CLI's entry point (an ES module) lends its own import().
 */
let importModule: (specifier: string) => Promise<unknown> = (specifier) => import(specifier);

export function setModuleImporter(importer: (specifier: string) => Promise<unknown>): void {
  importModule = importer;
}

/**
 * Loads h5wasm (HDF5 compiled to WebAssembly), once. Its Node build reads
 * files through Node's file system, only the parts it needs: the attributes
 * and the dataset headers, never the weights. It is loaded only when an HDF5
 * file is read (about 0.1 s), and asynchronously, as WebAssembly instantiates;
 * after that every read is synchronous.
 */
export async function loadHdf5Library(): Promise<void> {
  if (h5) return;
  // HDF5's 3 MB of WebAssembly runs for a few milliseconds here: V8's baseline
  // compiler alone is enough, and skipping the optimising tier saves ~0.15 s
  // and ~25 MiB on a 2-core machine. Only this module is compiled so.
  v8.setFlagsFromString('--liftoff-only');
  let module: Awaited<H5wasm['ready']>;
  let library: H5wasm;
  try {
    library = (await importModule('h5wasm/node')) as H5wasm;
    module = await library.ready;
  } finally {
    v8.setFlagsFromString('--no-liftoff-only');
  }
  // HDF5's errors as exceptions carrying HDF5's message, not text on the console.
  module.activate_throwing_error_handler();
  h5 = library;
}

/**
 * Where the HDF5 signature is, if the file is HDF5: at offset 0, or after a
 * user block of 512, 1024, 2048, ... bytes, where HDF5 itself looks. Reads a
 * few bytes, never the file.
 */
export function hdf5SignatureOffset(path: string): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, head, 0, head.length, offset) === head.length && isSignature(head)) return offset;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Bytes in memory (standard input): HDF5 if they start with the signature, or have it after a user block. */
export function isHdf5Bytes(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + SIGNATURE.length <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (isSignature(bytes.subarray(offset, offset + SIGNATURE.length))) return true;
  }
  return false;
}

function isSignature(bytes: Uint8Array): boolean {
  return SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/**
 * What a Keras HDF5 file holds:
 * - `model`: model.save("x.h5") (Keras 2, tf.keras, and Keras 3's legacy
 *   format): the architecture in the root attribute model_config, the weights
 *   under model_weights/<layer>/...;
 * - `save-weights`: model.save_weights("x.h5") of Keras 2 / tf.keras: the
 *   root attribute layer_names and one group per layer at the root, no
 *   architecture;
 * - `keras3-weights`: Keras 3's model.save_weights("x.weights.h5"), also the
 *   model.weights.h5 of a .keras archive: weights under layers/..., no
 *   architecture;
 * - `other`: HDF5, but none of these.
 */
export type KerasHdf5Layout = 'model' | 'save-weights' | 'keras3-weights' | 'other';

export interface KerasHdf5 {
  layout: KerasHdf5Layout;
  /** The root attribute model_config: the JSON of the model's configuration, as to_json() writes it. */
  modelConfig?: string;
  kerasVersion?: string;
  backend?: string;
  /** layer_names of a save_weights file (or of model_weights/). */
  layerNames?: string[];
  /** Every weight's shape (never its values), and the layer it belongs to. */
  weights: ListedWeight[];
  /** For messages about files that are none of the above. */
  rootGroups: string[];
  rootAttributes: string[];
}

/** A part of a file that is an HDF5 file of its own: the model.weights.h5 member a .keras archive stores uncompressed. */
export interface FileRange {
  path: string;
  /** Where the HDF5 file's first byte is in the file. */
  offset: number;
  length: number;
}

/**
 * Reads the attributes and the weights' shapes of a Keras HDF5 file, lazily:
 * the file is never read whole, and no weight value is read. The file may
 * be a part of another file (a stored member of a .keras archive), which
 * HDF5 then reads as if it were a file of its own. A file HDF5 cannot open
 * (truncated, damaged) is a user error with HDF5's reason.
 */
export function readKerasHdf5(location: string | FileRange, file: string): KerasHdf5 {
  if (!h5) throw new Error('the HDF5 library is not loaded: await loadHdf5Library() before reading an HDF5 file');
  const library = h5;
  const range = typeof location === 'string' ? undefined : openRange(library, location);
  try {
    let handle: InstanceType<H5wasm['File']>;
    try {
      handle = new library.File(range ? range.name : resolve(location as string), 'r');
    } catch (error) {
      throw new UserError('not-a-model', `an HDF5 file that cannot be read (truncated or damaged?): ${hdf5Reason(error)}`, { file });
    }
    try {
      return describeFile(library, handle);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError('not-a-model', `an HDF5 file that cannot be read (truncated or damaged?): ${hdf5Reason(error)}`, { file });
    } finally {
      handle.close();
    }
  } finally {
    range?.close();
  }
}

/**
 * The part of h5wasm's Emscripten file system a file range is served
 * through. Its Node build (NODERAWFS) sends every path to Node's file
 * system; a stream with its own stream_ops is read through them instead.
 * HDF5 opens a file, asks its size (fstat), stats its name, then reads it
 * at positions (pread).
 */
interface EmscriptenFs {
  open(path: string, flags: number, mode?: number): unknown;
  stat(path: string, dontFollow?: boolean): unknown;
  fstat(fd: number): unknown;
  createStream(stream: object, fd?: number): unknown;
  getStream(fd: number): { rangeFile?: RangeFile } | null | undefined;
  ErrnoError: new (errno: number) => Error;
}

interface RangeFile {
  fd: number;
  offset: number;
  length: number;
  /** What stat and fstat say of it: the host file's, with the range's size and an inode of its own (HDF5 tells files apart by device and inode). */
  stats: Stats;
}

/** Emscripten's (WASI's) errno values. */
const EACCES = 2;
const EINVAL = 28;

/** File ranges open now, by the name HDF5 was given for them. */
const rangeFiles = new Map<string, RangeFile>();
let rangeServing = false;
let rangeCount = 0;

/**
 * Makes a byte range of a file readable by HDF5 under a name of its own,
 * until closed: every read HDF5 makes is one positioned read of the host
 * file, so HDF5 reads what it reads of a file (its metadata), nothing else.
 */
function openRange(library: H5wasm, range: FileRange): { name: string; close(): void } {
  const fs = library.FS as unknown as EmscriptenFs;
  if (!rangeServing) serveRanges(fs);
  const fd = openSync(range.path, 'r');
  const stats = fstatSync(fd);
  rangeCount += 1;
  Object.assign(stats, { size: range.length, ino: 2 ** 52 + rangeCount });
  // A name no file has: the host's path, a NUL-free mark, the range.
  const name = `${resolve(range.path)}#merge-summary-range-${rangeCount}`;
  rangeFiles.set(name, { fd, offset: range.offset, length: range.length, stats });
  return {
    name,
    close: () => {
      rangeFiles.delete(name);
      closeSync(fd);
    },
  };
}

function serveRanges(fs: EmscriptenFs): void {
  const { open, stat, fstat } = fs;
  fs.open = (path, flags, mode) => {
    const rangeFile = rangeFiles.get(path);
    if (!rangeFile) return open.call(fs, path, flags, mode);
    // O_RDONLY is 0: a range is only ever read.
    if ((flags & 3) !== 0) throw new fs.ErrnoError(EACCES);
    return fs.createStream({ path, flags, seekable: true, position: 0, node: { id: rangeFile.stats.ino, mode: rangeFile.stats.mode }, stream_ops: rangeStreamOps(fs, rangeFile), rangeFile });
  };
  fs.stat = (path, dontFollow) => rangeFiles.get(path)?.stats ?? stat.call(fs, path, dontFollow);
  fs.fstat = (fd) => fs.getStream(fd)?.rangeFile?.stats ?? fstat.call(fs, fd);
  rangeServing = true;
}

function rangeStreamOps(fs: EmscriptenFs, rangeFile: RangeFile) {
  return {
    read(_stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const count = Math.max(0, Math.min(length, rangeFile.length - position));
      return count === 0 ? 0 : readSync(rangeFile.fd, buffer, offset, count, rangeFile.offset + position);
    },
    llseek(stream: { position: number }, offset: number, whence: number): number {
      const position = offset + (whence === 1 ? stream.position : whence === 2 ? rangeFile.length : 0);
      if (position < 0) throw new fs.ErrnoError(EINVAL);
      return position;
    },
  };
}

function describeFile(library: H5wasm, root: H5Group): KerasHdf5 {
  const rootAttributes = Object.keys(root.attrs);
  const rootGroups = root.keys();
  const modelConfig = stringAttribute(root, 'model_config');
  const common = { kerasVersion: stringAttribute(root, 'keras_version'), backend: stringAttribute(root, 'backend'), rootGroups, rootAttributes };
  if (modelConfig !== undefined) {
    const modelWeights = rootGroups.includes('model_weights') ? asGroup(library, root.get('model_weights')) : undefined;
    return {
      layout: 'model',
      modelConfig,
      ...common,
      layerNames: modelWeights ? stringList(modelWeights, 'layer_names') : undefined,
      weights: modelWeights ? namedWeights(library, modelWeights, []) : [],
    };
  }
  const layerNames = stringList(root, 'layer_names');
  if (layerNames !== undefined) {
    const groups = rootGroups.filter((name) => name !== 'optimizer_weights');
    const weights = groups.flatMap((name) => {
      const group = asGroup(library, root.get(name));
      return group ? namedWeights(library, group, [name]) : [];
    });
    return { layout: 'save-weights', ...common, layerNames, weights };
  }
  if (rootGroups.includes('layers')) {
    const layers = asGroup(library, root.get('layers'));
    return { layout: 'keras3-weights', ...common, weights: layers ? savedWeights(library, layers, ['layers']) : [] };
  }
  return { layout: 'other', ...common, weights: [] };
}

/**
 * Keras 2 and legacy .h5 weights: each dataset under a layer's group, named
 * by its weight's name (`dense_1/kernel:0`, `sequential_9/Conv1/kernel:0`,
 * `sequential_2/gru/gru_cell/bias`); the names on its path locate its layer.
 */
function namedWeights(library: H5wasm, group: H5Group, path: string[]): ListedWeight[] {
  const weights: ListedWeight[] = [];
  for (const key of group.keys()) {
    const item = group.get(key);
    const itemPath = [...path, key];
    if (item instanceof library.Dataset) {
      weights.push({ name: itemPath.join('/'), shape: item.shape ?? [], locator: { kind: 'names', names: itemPath.slice(0, -1) } });
    } else if (item instanceof library.Group) {
      weights.push(...namedWeights(library, item, itemPath));
    }
  }
  return weights;
}

/**
 * Keras 3 weights files: `layers/<key>/layers/<key>/.../vars/<i>`, each key
 * the saved name of a layer inside the previous one; Keras 3.10 and later
 * also record the layer's own name as the `name` attribute of its `vars`.
 */
function savedWeights(library: H5wasm, group: H5Group, path: string[]): ListedWeight[] {
  const weights: ListedWeight[] = [];
  const layerNames = new Map<string, string | undefined>();
  const walk = (current: H5Group, currentPath: string[]) => {
    for (const key of current.keys()) {
      const item = current.get(key);
      const itemPath = [...currentPath, key];
      if (item instanceof library.Group) walk(item, itemPath);
      else if (item instanceof library.Dataset) {
        const steps: { key: string; layerName?: string }[] = [];
        for (let i = 0; i + 2 < itemPath.length && itemPath[i] === 'layers'; i += 2) {
          const prefix = itemPath.slice(0, i + 2).join('/');
          if (!layerNames.has(prefix)) {
            const owner = asGroup(library, group.get(`/${prefix}`));
            const vars = owner?.keys().includes('vars') ? asGroup(library, owner.get('vars')) : undefined;
            layerNames.set(prefix, vars ? stringAttribute(vars, 'name') : undefined);
          }
          steps.push({ key: itemPath[i + 1], layerName: layerNames.get(prefix) });
        }
        weights.push({ name: itemPath.join('/'), shape: item.shape ?? [], locator: { kind: 'saved', steps } });
      }
    }
  };
  walk(group, path);
  return weights;
}

function asGroup(library: H5wasm, item: unknown): H5Group | undefined {
  return item instanceof library.Group ? item : undefined;
}

function stringAttribute(group: H5Group, name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(group.attrs, name)) return undefined;
  const value = group.attrs[name].value;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

/**
 * A list of strings kept as an attribute: variable- or fixed-length (`|S18`),
 * or, when too long for one attribute, split by Keras over name0, name1, ...
 */
function stringList(group: H5Group, name: string): string[] | undefined {
  const attrs = group.attrs;
  const names = Object.keys(attrs);
  const parts = names.includes(name) ? [name] : names.filter((n) => new RegExp(`^${name}\\d+$`).test(n)).sort((a, b) => Number(a.slice(name.length)) - Number(b.slice(name.length)));
  if (parts.length === 0) return undefined;
  return parts.flatMap((part) => {
    const value = attrs[part].value;
    if (typeof value === 'string') return [value];
    return Array.isArray(value) ? value.map(String) : [];
  });
}

/** HDF5's own reason, from the innermost entry of its error stack ("truncated file: eof = 2000, ..."). */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const entries = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((match) => match[1].trim());
  return entries.at(-1) ?? text.split('\n')[0];
}

/** Why an HDF5 file without model_config cannot be summarised alone, and what to pass. */
export function notAKerasModel(contents: KerasHdf5, file: string): string {
  const size = contents.weights.reduce((sum, w) => sum + w.shape.reduce((product, dim) => product * dim, 1), 0);
  const holds = `${contents.weights.length} weights, ${size.toLocaleString('en-US')} values`;
  const version = contents.kerasVersion ? `, Keras ${contents.kerasVersion}` : '';
  if (contents.layout === 'save-weights' || contents.layout === 'keras3-weights') {
    const what = contents.layout === 'save-weights' ? `save_weights${version}: ${contents.layerNames?.length ?? 0} layers, ${holds}` : `Keras 3 save_weights: ${holds}`;
    return `this is a weights file (${what}) and holds no architecture; pass the architecture with it: merge-summary ARCH --weights ${file}`;
  }
  const attributes = contents.rootAttributes.length > 0 ? contents.rootAttributes.join(', ') : 'none';
  const groups = contents.rootGroups.length > 0 ? contents.rootGroups.slice(0, 8).join(', ') + (contents.rootGroups.length > 8 ? ', …' : '') : 'none';
  return `an HDF5 file, but not a Keras model: it has no model_config attribute (root attributes: ${attributes}; groups: ${groups}); expected a file written by Keras's model.save("model.h5"), or a weights file with --weights`;
}
