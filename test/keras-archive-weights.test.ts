import assert from 'node:assert/strict';
import fs, { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { analyzeFile } from '../src/pipeline.js';
import { readModel } from '../src/readers/read.js';
import { ROOT, countingBytesRead, h5wasmForTests, runCli, spawnCli, writeTemp, type H5wasm } from './helpers.js';

/**
 * The weights of a Keras 3 .keras archive: its model.weights.h5, stored
 * uncompressed by Keras, is read by HDF5 in place, in the archive, and its
 * shapes checked layer by layer against the model built from config.json.
 * Files by Keras 3.15 through tools/keras-files.py: merges.keras as
 * model.save() wrote it, merges-tampered.keras with "dense"'s kernel given
 * one more row.
 */
const FILES = join(ROOT, 'test', 'golden', 'keras-files');
const file = (name: string) => join(FILES, name);
const KERAS = JSON.parse(readFileSync(file('totals.json'), 'utf8')) as { models: Record<string, { params: number }> };

let h5: H5wasm;

before(async () => {
  h5 = await h5wasmForTests();
});

// Hand count of "dense" (GlobalAveragePooling2D of 4 + 2 channels, then 3 units): kernel 6 × 3, bias 3;
// tools/keras-files.py gave its kernel one more row: 7 × 3.
const DENSE = 6 * 3 + 3;
const TAMPERED = 7 * 3 + 3;
const tamperedWarning = (archive: string) =>
  `warning: layer "dense" (Dense) counts ${DENSE} parameters but ${archive}:model.weights.h5 lists ${TAMPERED} for it: shapes (6, 3), (3,) here, (7, 3), (3,) in the file; the model built here differs from the file's`;

/** The members of an archive, zipped again: each stored or deflated as asked. */
function rezip(archive: string, deflated: string[], as: string): string {
  const members = unzipSync(readFileSync(archive));
  const zippable = Object.fromEntries(Object.entries(members).map(([name, bytes]) => [name, [bytes, { level: deflated.includes(name) ? 6 : 0 }] as [Uint8Array, { level: 0 | 6 }]]));
  return writeTemp(as, Buffer.from(zipSync(zippable)));
}

describe('.keras archives: the weights in model.weights.h5 checked against the model', () => {
  it('merges.keras lists every weight Keras saved, and they fit the model built from its config.json', () => {
    const source = readModel(file('merges.keras'));
    assert.ok(source.kind === 'keras' && source.topology.weights);
    const listed = source.topology.weights.weights;
    assert.equal(listed.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0), KERAS.models.merges.params, 'the listed shapes add up to Keras\'s count_params');
    assert.deepEqual(analyzeFile(file('merges.keras')).warnings, []);
  });

  it('a tampered dataset: a warning naming the layer, both counts, both shapes; exit 0', async () => {
    const archive = file('merges-tampered.keras');
    const result = await runCli([archive]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), tamperedWarning(archive), 'only the tampered layer is named');
    const json = JSON.parse((await runCli([archive, '--json'])).stdout);
    assert.deepEqual(json.warnings.map((w: { layer: string }) => w.layer), ['dense']);
    assert.equal(json.note, undefined);
  });

  it('the same archive given as --weights to the model\'s to_json() twin', async () => {
    const archive = file('merges-tampered.keras');
    const result = await runCli([file('merges.json'), '--weights', archive]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), tamperedWarning(archive));
    assert.deepEqual(analyzeFile(file('merges.json'), { weights: file('merges.keras') }).warnings, []);
  });

  it('a ZIP64 archive (sizes and offsets in ZIP64 fields, local headers longer than the central directory says, a ZIP64 end record)', async () => {
    const members = Object.entries(unzipSync(readFileSync(file('merges-tampered.keras'))));
    const archive = writeTemp('zip64.keras', zip64Archive(members, Buffer.alloc(0)));
    assert.equal((await runCli([archive])).stderr.trim(), tamperedWarning(archive));
  });

  it('an archive after another zip in the same file: offsets counted from where it starts, as Python\'s zipfile counts them', async () => {
    const members = Object.entries(unzipSync(readFileSync(file('merges-tampered.keras'))));
    const before = Buffer.from(zipSync({ 'readme.txt': Buffer.from('an archive before the archive') }));
    const archive = writeTemp('after-another.keras', zip64Archive(members, before));
    assert.equal((await runCli([archive])).stderr.trim(), tamperedWarning(archive));
  });

  it('reads the archive\'s metadata, never its weights: a .keras with 16 MB of weights is summarised reading a few KB of it', async () => {
    const archive = wideArchive();
    const size = fs.statSync(archive).size;
    assert.ok(size > 16 * 1024 * 1024, `the archive holds the kernel's 2048 × 2048 float32 values (${size} bytes)`);
    const { result: summary, bytesRead } = countingBytesRead(() => analyzeFile(archive));
    assert.equal(summary.totals.params, 2048 * 2048 + 2048);
    assert.deepEqual(summary.warnings, []);
    assert.ok(bytesRead > 0 && bytesRead < 256 * 1024, `${bytesRead} bytes read of ${size}`);
  });
});

describe('.keras archives whose weights are not read in place: said under the title, never inflated', () => {
  const NOTE = 'The weights were not checked against the model: model.weights.h5 is compressed (deflate) in this archive, and merge-summary never inflates weights (Keras stores them uncompressed).';

  it('a deflated model.weights.h5 (an archive zipped by hand): a note, no warning, exit 0, even with a tampered dataset', async () => {
    const archive = rezip(file('merges-tampered.keras'), ['model.weights.h5'], 'deflated-weights.keras');
    const result = await runCli([archive]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    // Under the title, wrapped to the width (160 piped): the lines before the table, joined, are the note.
    const [title, ...rest] = result.stdout.split('\n');
    assert.equal(title, 'Model: "merges"');
    assert.equal(rest.slice(0, rest.findIndex((line) => line.startsWith('┏'))).join(' '), NOTE);
    const json = JSON.parse((await runCli([archive, '--json'])).stdout);
    assert.equal(json.note, NOTE);
    assert.deepEqual(json.warnings, []);
    assert.equal(json.totals.params, KERAS.models.merges.params);
  });

  it('config.json deflated and the weights stored: the weights are checked', async () => {
    const archive = rezip(file('merges-tampered.keras'), ['config.json', 'metadata.json'], 'deflated-config.keras');
    assert.equal((await runCli([archive])).stderr.trim(), tamperedWarning(archive));
  });

  it('--weights with a deflated weights member is refused: the check asked for cannot be made', async () => {
    const archive = rezip(file('merges.keras'), ['model.weights.h5'], 'deflated-weights-option.keras');
    const result = await runCli([file('merges.json'), '--weights', archive]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /deflated-weights-option\.keras: --weights: model\.weights\.h5 is compressed \(deflate\) in this archive, and merge-summary never inflates weights/);
  });

  it('an archive on standard input: summarised, its weights not checked, and the note says how to have them checked', () => {
    const result = spawnCli(['-'], { input: readFileSync(file('merges-tampered.keras')) });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const [, ...rest] = result.stdout.split('\n');
    const note = rest.slice(0, rest.findIndex((line) => line.startsWith('┏'))).join(' ');
    assert.equal(note, "The weights were not checked against the model: the archive came on standard input, and model.weights.h5 is read in place; pass the archive's path to check them.");
  });
});

describe('.keras archives with a weights member that is not Keras 3 weights: refused (exit 2)', () => {
  const refused = async (archive: string, message: RegExp) => {
    const result = await runCli([archive]);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  };
  const members = () => unzipSync(readFileSync(file('merges.keras')));

  it('a model.weights.h5 that is not HDF5', async () => {
    const archive = writeTemp('garbage-weights.keras', Buffer.from(zipSync({ ...members(), 'model.weights.h5': new Uint8Array(4096).fill(7) }, { level: 0 })));
    await refused(archive, /garbage-weights\.keras:model\.weights\.h5: an HDF5 file that cannot be read \(truncated or damaged\?\): /);
  });

  it('a model.weights.h5 cut short', async () => {
    const weights = members()['model.weights.h5'];
    const archive = writeTemp('short-weights.keras', Buffer.from(zipSync({ ...members(), 'model.weights.h5': weights.subarray(0, 2000) }, { level: 0 })));
    await refused(archive, new RegExp(`short-weights\\.keras:model\\.weights\\.h5: an HDF5 file that cannot be read \\(truncated or damaged\\?\\): truncated file: eof = 2000, .*stored_eof = ${weights.length}`));
  });

  it('an HDF5 model.weights.h5 without the layers/ group Keras 3 writes', async () => {
    const archive = writeTemp('legacy-weights.keras', Buffer.from(zipSync({ ...members(), 'model.weights.h5': readFileSync(file('merges.h5')) }, { level: 0 })));
    await refused(archive, /legacy-weights\.keras:model\.weights\.h5: HDF5, but not the weights Keras 3 writes: no layers\/ group \(groups: model_weights/);
  });

  it('a central directory that puts the weights past the end of the file', async () => {
    const bytes = Buffer.from(readFileSync(file('merges.keras')));
    const directory = bytes.lastIndexOf(Buffer.from('model.weights.h5')) - 46;
    assert.equal(bytes.readUInt32LE(directory), 0x02014b50, 'the central directory entry of model.weights.h5');
    bytes.writeUInt32LE(bytes.length, directory + 42);
    await refused(writeTemp('weights-past-end.keras', bytes), /weights-past-end\.keras: not a readable zip archive \(truncated or damaged\?\): it ends early/);
  });
});

/**
 * An archive as Python's zipfile writes one whose members pass 4 GiB: every
 * size and offset in ZIP64 extra fields, a ZIP64 end record and its locator,
 * here behind `prefix`. Built by hand: no tool here writes ZIP64 for small
 * members (zipfile only marks the local headers, with force_zip64).
 */
function zip64Archive(members: [string, Uint8Array][], prefix: Buffer): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const header = Buffer.alloc(30 + nameBytes.length + 20);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(45, 4);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(0xffffffff, 18);
    header.writeUInt32LE(0xffffffff, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(20, 28);
    nameBytes.copy(header, 30);
    header.writeUInt16LE(1, 30 + nameBytes.length);
    header.writeUInt16LE(16, 32 + nameBytes.length);
    header.writeBigUInt64LE(BigInt(data.length), 34 + nameBytes.length);
    header.writeBigUInt64LE(BigInt(data.length), 42 + nameBytes.length);
    local.push(header, Buffer.from(data));
    const entry = Buffer.alloc(46 + nameBytes.length + 28);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(45, 4);
    entry.writeUInt16LE(45, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(0xffffffff, 20);
    entry.writeUInt32LE(0xffffffff, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt16LE(28, 30);
    entry.writeUInt32LE(0xffffffff, 42);
    nameBytes.copy(entry, 46);
    const extra = 46 + nameBytes.length;
    entry.writeUInt16LE(1, extra);
    entry.writeUInt16LE(24, extra + 2);
    entry.writeBigUInt64LE(BigInt(data.length), extra + 4);
    entry.writeBigUInt64LE(BigInt(data.length), extra + 12);
    entry.writeBigUInt64LE(BigInt(offset), extra + 20);
    central.push(entry);
    offset += header.length + data.length;
  }
  const directory = Buffer.concat(central);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(members.length), 24);
  record.writeBigUInt64LE(BigInt(members.length), 32);
  record.writeBigUInt64LE(BigInt(directory.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([prefix, ...local, directory, record, locator, end]);
}

/** zip's CRC-32 (the IEEE polynomial, reflected), bit by bit: enough for a few KB. */
function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/**
 * A Keras 3 archive of Input(2048) → Dense(2048) named "wide", stored: its
 * config.json in Keras 3's form and a model.weights.h5 in Keras 3's layout
 * (layers/dense/vars/0 and 1, the layer's name on vars), written with h5wasm.
 */
function wideArchive(): string {
  const config = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'wide',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2048], dtype: 'float32', name: 'x' } },
        { module: 'keras.layers', class_name: 'Dense', config: { name: 'wide_dense', units: 2048, activation: 'linear', use_bias: true } },
      ],
    },
  };
  const weightsPath = writeTemp('wide.weights.h5', '');
  const weights = new h5.File(weightsPath, 'w');
  weights.create_group('vars').create_attribute('name', 'wide');
  weights.create_group('layers');
  weights.create_group('layers/input_layer').create_group('vars').create_attribute('name', 'x');
  const dense = weights.create_group('layers/dense').create_group('vars');
  dense.create_attribute('name', 'wide_dense');
  dense.create_dataset({ name: '0', data: new Float32Array(2048 * 2048), shape: [2048, 2048], dtype: '<f' });
  dense.create_dataset({ name: '1', data: new Float32Array(2048), shape: [2048], dtype: '<f' });
  weights.close();
  const archive = zipSync(
    { 'metadata.json': Buffer.from('{"keras_version": "3.15.1"}'), 'config.json': Buffer.from(JSON.stringify(config)), 'model.weights.h5': readFileSync(weightsPath) },
    { level: 0 },
  );
  return writeTemp('wide.keras', Buffer.from(archive));
}
