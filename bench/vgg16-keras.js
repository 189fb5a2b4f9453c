// Writes a VGG16 saved with its weights as a Keras 3 .keras archive (about
// 528 MB), for the bench, as Keras 3.15's model.save("x.keras") lays it out:
// a zip whose members are stored, not compressed (metadata.json, config.json,
// then model.weights.h5), config.json being Keras's own to_json() of
// keras.applications.VGG16 (bench/specs/vgg16.keras.json, written by
// tools/keras-files.py; Keras 3 writes the same JSON in both places), and
// model.weights.h5 in Keras 3's layout: layers/<key>/vars/<i>, each key the
// snake_case class name numbered in the order of the model's layers, the
// layer's name on its vars group. Every weight is a zero-filled float32
// dataset of the right shape. Written with h5wasm, so the bench needs no
// Python; never committed (bench/out/ is ignored).
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import zlib from 'node:zlib';
import { VGG16_PARAMS, chainWeights } from './vgg16-h5.js';

/** The keys Keras 3 saves VGG16's layers under: the snake_case of each class name (numbered _1, _2, ... after the first). */
const SAVED_KEYS = { InputLayer: 'input_layer', Conv2D: 'conv2d', MaxPooling2D: 'max_pooling2d', Flatten: 'flatten', Dense: 'dense' };

export async function writeVgg16Keras(jsonPath, outPath) {
  const json = readFileSync(jsonPath, 'utf8');
  const config = JSON.parse(json);
  const { weights } = chainWeights(config);
  const total = weights.flatMap((w) => w.shapes).reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  if (total !== VGG16_PARAMS) throw new Error(`the VGG16 shapes add up to ${total}, not Keras's ${VGG16_PARAMS}`);

  const weightsPath = `${outPath}.weights.h5.part`;
  await writeKeras3Weights(config, weights, weightsPath);
  try {
    writeStoredZip(outPath, [
      { name: 'metadata.json', bytes: Buffer.from(JSON.stringify({ keras_version: '3.15.1', date_saved: '2026-11-28@00:00:00' })) },
      { name: 'config.json', bytes: Buffer.from(json) },
      { name: 'model.weights.h5', path: weightsPath },
    ]);
  } finally {
    rmSync(weightsPath, { force: true });
  }
  return statSync(outPath).size;
}

async function writeKeras3Weights(config, weights, path) {
  const h5wasm = await import('h5wasm/node');
  const module = await h5wasm.ready;
  module.activate_throwing_error_handler();
  const file = new h5wasm.File(path, 'w');
  try {
    file.create_group('vars').create_attribute('name', config.config.name);
    const layers = file.create_group('layers');
    const used = new Map();
    for (const layer of config.config.layers) {
      const base = SAVED_KEYS[layer.class_name];
      if (!base) throw new Error(`unexpected layer class ${layer.class_name} in VGG16`);
      const seen = used.get(base) ?? 0;
      used.set(base, seen + 1);
      const vars = layers.create_group(seen === 0 ? base : `${base}_${seen}`).create_group('vars');
      vars.create_attribute('name', layer.config.name);
      const entry = weights.find((w) => w.layer === layer.config.name);
      entry?.shapes.forEach((shape, i) => {
        vars.create_dataset({ name: String(i), data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, dtype: '<f' });
      });
    }
  } finally {
    file.close();
  }
}

/**
 * A zip of stored members, as Python's zipfile writes one (local header with
 * the CRC and sizes, no data descriptor, then the central directory); file
 * members are copied in slices, never held whole.
 */
function writeStoredZip(outPath, members) {
  const out = openSync(outPath, 'w');
  const central = [];
  let offset = 0;
  const write = (bytes) => {
    writeSync(out, bytes);
    offset += bytes.length;
  };
  try {
    for (const member of members) {
      const name = Buffer.from(member.name);
      const size = member.bytes ? member.bytes.length : statSync(member.path).size;
      if (size >= 0xffffffff) throw new Error(`${member.name}: ZIP64 is not written here`);
      const crc = member.bytes ? crc32(member.bytes, 0) : eachSlice(member.path, (slice, crc) => crc32(slice, crc), 0);
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(0x21, 12); // DOS date: 1980-01-01
      header.writeUInt32LE(crc, 14);
      header.writeUInt32LE(size, 18);
      header.writeUInt32LE(size, 22);
      header.writeUInt16LE(name.length, 26);
      const headerOffset = offset;
      write(header);
      write(name);
      if (member.bytes) write(member.bytes);
      else eachSlice(member.path, (slice) => write(slice));
      const entry = Buffer.alloc(46);
      entry.writeUInt32LE(0x02014b50, 0);
      entry.writeUInt16LE(0x0314, 4); // made by Unix, version 2.0
      entry.writeUInt16LE(20, 6);
      entry.writeUInt16LE(0x21, 14);
      entry.writeUInt32LE(crc, 16);
      entry.writeUInt32LE(size, 20);
      entry.writeUInt32LE(size, 24);
      entry.writeUInt16LE(name.length, 28);
      entry.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      entry.writeUInt32LE(headerOffset, 42);
      central.push(entry, name);
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(members.length, 8);
    end.writeUInt16LE(members.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    write(directory);
    write(end);
  } finally {
    closeSync(out);
  }
}

/** Folds fn over a file's bytes, 8 MiB at a time. */
function eachSlice(path, fn, initial) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(8 << 20);
  let value = initial;
  try {
    for (let position = 0; ; ) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) return value;
      value = fn(buffer.subarray(0, read), value);
      position += read;
    }
  } finally {
    closeSync(fd);
  }
}

let table;
/** zip's CRC-32: Node's own where it has one (20.15 and later), else by table. */
function crc32(bytes, crc) {
  if (zlib.crc32) return zlib.crc32(bytes, crc);
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = ~crc;
  for (const byte of bytes) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
