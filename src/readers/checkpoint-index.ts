import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';

const require = createRequire(import.meta.url);

/** The last 8 bytes of a LevelDB-format table (TensorFlow's checkpoint index is one). */
const TABLE_MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
const FOOTER_BYTES = 48;

/**
 * tensorflow/core/protobuf/tensor_bundle.proto's BundleEntryProto, the value
 * of each variable in the index, as far as it is read here: dtype 1, shape 2
 * (TensorShapeProto: dim 2, each with size 1; unknown_rank 3).
 */
const BUNDLE_ENTRY = {
  nested: {
    BundleEntryProto: { fields: { dtype: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 }, unknown_rank: { type: 'bool', id: 3 } } },
    Dim: { fields: { size: { type: 'int64', id: 1 } } },
  },
};

/** Checkpoint entries that are never model parameters: the object graph, the optimizer and its slots, the save counter, compiled metrics. */
const NOT_PARAMETERS = /^(_CHECKPOINTABLE_OBJECT_GRAPH$|optimizer\/|save_counter\/|keras_api\/)|\/\.OPTIMIZER_SLOT\//;

/** The variables of a checkpoint that can be the model's parameters (metrics held as model attributes still among them). */
export function parameterVariables(variables: CheckpointVariable[]): CheckpointVariable[] {
  return variables.filter((v) => !NOT_PARAMETERS.test(v.key));
}

export interface CheckpointVariable {
  /** The object-graph path of the variable: `conv0/kernel/.ATTRIBUTES/VARIABLE_VALUE`. */
  key: string;
  shape: number[];
}

/**
 * Every variable a TensorFlow checkpoint holds, with its shape, read from its
 * `variables.index` alone (the values live in the data shards, never read).
 * The index is a LevelDB-format table: a footer pointing at an index block,
 * which points at data blocks of prefix-compressed keys.
 */
export function readCheckpointIndex(path: string, file: string): CheckpointVariable[] {
  const bytes = readFileSync(path);
  const fail = (why: string) => new UserError('not-a-model', `variables/variables.index is not a TensorFlow checkpoint index (${why})`, { file });
  if (bytes.length < FOOTER_BYTES || !TABLE_MAGIC.every((byte, i) => bytes[bytes.length - 8 + i] === byte)) throw fail('no table footer');
  const footer = new Cursor(bytes, bytes.length - FOOTER_BYTES);
  footer.varint(); // the metaindex block: unused
  footer.varint();
  const indexHandle = { offset: footer.varint(), size: footer.varint() };
  const protobuf = require('protobufjs/light') as typeof import('protobufjs/light.js');
  const entryType = protobuf.Root.fromJSON(BUNDLE_ENTRY).lookupType('BundleEntryProto');
  const variables: CheckpointVariable[] = [];
  for (const { value } of blockEntries(bytes, indexHandle, fail)) {
    const handle = new Cursor(value, 0);
    for (const { key, value: entry } of blockEntries(bytes, { offset: handle.varint(), size: handle.varint() }, fail)) {
      if (key.length === 0) continue; // the bundle's header
      const decoded = entryType.toObject(entryType.decode(entry), { longs: Number }) as { shape?: { dim?: { size?: number }[] } };
      variables.push({ key: new TextDecoder().decode(key), shape: (decoded.shape?.dim ?? []).map((dim) => dim.size ?? 0) });
    }
  }
  return variables;
}

/** The entries of one block: its keys share prefixes with the previous key; restart points and a trailer follow. */
function blockEntries(bytes: Uint8Array, handle: { offset: number; size: number }, fail: (why: string) => Error): { key: Uint8Array; value: Uint8Array }[] {
  const end = handle.offset + handle.size;
  if (end + 5 > bytes.length) throw fail('a block beyond the end of the file: truncated?');
  if (bytes[end] !== 0) throw fail(`a block compressed with method ${bytes[end]}, which is not read here`);
  const block = bytes.subarray(handle.offset, end);
  const restarts = new DataView(block.buffer, block.byteOffset, block.byteLength).getUint32(block.length - 4, true);
  const entriesEnd = block.length - 4 - 4 * restarts;
  const cursor = new Cursor(block, 0);
  const entries: { key: Uint8Array; value: Uint8Array }[] = [];
  let previous = new Uint8Array(0);
  while (cursor.position < entriesEnd) {
    const shared = cursor.varint();
    const unshared = cursor.varint();
    const valueLength = cursor.varint();
    const key = new Uint8Array(shared + unshared);
    key.set(previous.subarray(0, shared));
    key.set(cursor.take(unshared), shared);
    entries.push({ key, value: cursor.take(valueLength) });
    previous = key;
  }
  return entries;
}

class Cursor {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
  ) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.position++];
      if (byte === undefined) throw new Error('varint past the end of the block');
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  }

  take(length: number): Uint8Array {
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }
}
