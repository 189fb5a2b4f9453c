import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { ROOT, fixture, runCli, spawnCli, writeTemp } from './helpers.js';

/**
 * Each input of issue 15 that hung, crashed or printed an internal error,
 * in its smallest form: every one must be exit 2 with a located message in
 * the user's terms, and no stack trace.
 */
type Json = Record<string, unknown>;

const KERAS3 = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'), 'utf8');

/** The Keras 3 seed model with one change made to its parsed JSON. */
function keras3(change: (model: Json & { config: Json & { layers: Json[] } }) => void): string {
  const model = JSON.parse(KERAS3);
  change(model);
  return JSON.stringify(model);
}

async function refused(name: string, content: string, message: RegExp, args: string[] = []): Promise<string> {
  const result = await runCli([writeTemp(name, content), ...args]);
  assert.equal(result.status, 2, `exit 2 expected; stdout: ${result.stdout.slice(0, 300)}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  return result.stderr;
}

/** A FILE:LINE:COL prefix that is not the top of the file. */
const LOCATED_INSIDE = /^[^\n]*\.json:1:(?!1:)\d+: /;

describe('Keras wiring that tfjs would loop on or crash on', () => {
  const conv = 2; // the entry of layer "conv2d", which takes the first input
  const cases: [string, (model: Json & { config: Json & { layers: Json[] } }) => void, RegExp][] = [
    ['an empty call', (m) => void (m.config.layers[conv].inbound_nodes = [[]]), /layer "conv2d": call 0 takes no input tensors/],
    ['a Keras 3 call without arguments', (m) => void (m.config.layers[conv].inbound_nodes = [{ args: [], kwargs: {} }]), /layer "conv2d": call 0 takes no input tensors/],
    ['a Keras 3 call with null arguments', (m) => void (m.config.layers[conv].inbound_nodes = [{ args: null }]), /layer "conv2d": call 0 takes no input tensors/],
    ['a call that is a string', (m) => void (m.config.layers[conv].inbound_nodes = ['x']), /layer "conv2d": call 0 must be a list of \[layer, call, output\] references, not "x"/],
    ['a call that is null', (m) => void (m.config.layers[conv].inbound_nodes = [null]), /call 0 must be a list .*, not null/],
    ['calls that are no list', (m) => void (m.config.layers[conv].inbound_nodes = 7), /"inbound_nodes" must be a list of calls, not 7/],
    ['a reference of the wrong kind', (m) => void (m.config.layers[conv].inbound_nodes = [[['inputs1', 'first', 0, {}]]]), /takes \["inputs1","first",0,\{\}\], which is not a \[layer, call, output\] reference/],
    ['output layers that are a string', (m) => void (m.config.output_layers = 'd'), /a functional model needs "output_layers", .*found "d"/],
    ['no output layers', (m) => void delete m.config.output_layers, /a functional model needs "output_layers", .*found nothing/],
    ['a duplicated layer entry', (m) => void m.config.layers.splice(conv + 1, 0, structuredClone(m.config.layers[conv])), /the name "conv2d" is used by layers 3 and 4; Keras rejects/],
    [
      'two layers of one name',
      (m) => {
        const other = m.config.layers[conv + 1] as Json & { config: Json };
        other.name = 'conv2d';
        other.config.name = 'conv2d';
      },
      /the name "conv2d" is used by layers 3 and 4/,
    ],
    [
      'a layer without a name',
      (m) => {
        delete m.config.layers[conv].name;
        delete (m.config.layers[conv].config as Json).name;
      },
      /layer 3 has no name; a functional model's wiring refers to its layers by name/,
    ],
  ];
  for (const [problem, change, message] of cases) {
    it(problem, async () => {
      const stderr = await refused('wiring.json', keras3(change), message);
      assert.match(stderr, LOCATED_INSIDE);
    });
  }

  it('a nested Sequential without a name', async () => {
    const model = {
      class_name: 'Functional',
      config: {
        name: 'outer',
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
          { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 3 } }] }, inbound_nodes: [[['x', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    await refused('nested.json', JSON.stringify(model, null, 1), /nested\.json:\d+:\d+: layer 2 has no name/);
  });

  it('a wiring check that finds what never comes, whatever the order: 2,000 layers listed last to first', async () => {
    // Each layer takes the one listed after it: the order tfjs meets them in is the reverse of the file's.
    const count = 2_000;
    const layers: Json[] = [{ class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] }];
    for (let i = count; i >= 1; i--) {
      layers.push({ class_name: 'ReLU', name: `r${i}`, config: { name: `r${i}` }, inbound_nodes: [[[i === 1 ? 'x' : `r${i - 1}`, 0, 0, {}]]] });
    }
    layers.push({ class_name: 'Dense', name: 'loop', config: { name: 'loop', units: 1 }, inbound_nodes: [[['loop', 0, 0, {}]]] });
    const model = { class_name: 'Functional', config: { name: 'reversed', layers, input_layers: [['x', 0, 0]], output_layers: [[`r${count}`, 0, 0]] } };
    await refused('reversed.json', JSON.stringify(model), /layer "loop" takes call 0 of "loop", which is never made/);
  });
});

describe('tampered TF.js weights manifests', () => {
  const tfjsModel = (weights: unknown) =>
    JSON.stringify({
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] },
      },
      weightsManifest: [{ paths: ['w.bin'], weights }],
    });
  it('a shape that is no list', async () => {
    await refused('shape.json', tfjsModel([{ name: 'd/kernel', shape: 'abc', dtype: 'float32' }]), /weight "d\/kernel": "shape" must be a list of whole numbers, not "abc"/);
  });
  it('a weight that is null', async () => {
    await refused('null-weight.json', tfjsModel([null]), /weight 1 of group 1 must have a "name" and a "shape"/);
  });
  it('an intact manifest still compares counts', async () => {
    const result = await runCli([writeTemp('intact.json', tfjsModel([{ name: 'd/kernel', shape: [3, 2] }, { name: 'd/bias', shape: [2] }]))]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /warning/);
  });
});

describe('user text that reaches a JavaScript prototype or a tfjs name rule', () => {
  const spec = (layers: string, inputs = '  - {shape: [4]}\n') => `inputs:\n${inputs}layers:\n${layers}`;

  it('names tfjs refuses ("my input", "é:x") and prototype names are kept as the user wrote them', async () => {
    const text = spec(
      '  - {type: Dense, units: 2, name: "my dense", from: "my input"}\n  - {type: Dense, units: 2, name: constructor, from: "é:x"}\n  - {type: Add, name: __proto__, from: ["my dense", constructor]}\n',
      '  - {name: "my input", shape: [4]}\n  - {name: "é:x", shape: [4]}\n',
    );
    const result = await runCli([writeTemp('names.yaml', text), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.deepEqual(doc.layers.map((l: { name: string }) => l.name), ['my input', 'é:x', 'my dense', 'constructor', '__proto__']);
    assert.deepEqual(doc.layers[4].inputs, ['my dense', 'constructor']);
    // Dense 4 → 2: 4 × 2 + 2.
    assert.equal(doc.totals.params, 2 * (4 * 2 + 2));
    assert.doesNotMatch(result.stdout, /\.\.\d/, 'no stand-in name shows');
  });

  it('a Keras file whose layer names tfjs refuses', async () => {
    const renamed = KERAS3.replaceAll('"conv2d"', '"conv 2d:é"');
    const result = await runCli([writeTemp('renamed.json', renamed), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.layers[2].name, 'conv 2d:é');
    assert.equal(doc.totals.params, 8_086_546);
  });

  it('arguments named constructor or __proto__ are unknown arguments', async () => {
    await refused('ctor-arg.yaml', spec('  - {type: Dense, units: 2, constructor: 1}\n'), /ctor-arg\.yaml:4:29: layer "dense" \(Dense\): unknown argument "constructor"/);
    await refused('proto-arg.yaml', spec('  - {type: Dense, units: 2, __proto__: {units: 5}}\n'), /proto-arg\.yaml:4:29: layer "dense" \(Dense\): unknown argument "__proto__"/);
  });

  it('class names every object has are no classes', async () => {
    await refused('ctor-class.json', keras3((m) => void (m.config.layers[2].class_name = 'constructor')), /ctor-class\.json:1:\d+: "constructor" names no Keras class/);
    await refused('ctor-type.yaml', spec('  - {type: constructor, units: 2}\n'), /ctor-type\.yaml:4:12: unknown layer type "constructor"/);
    await refused('ctor-init.yaml', spec('  - {type: Dense, units: 2, kernel_initializer: constructor}\n'), /ctor-init\.yaml:4:\d+: layer "dense" \(Dense\): unknown initializer "constructor"/);
    const proto = KERAS3.replace('"filters": 64', '"__proto__": {"filters": 1}, "filters": 64');
    await refused('proto-key.json', proto, /proto-key\.json:1:\d+: a configuration key "__proto__" is no Keras argument/);
  });

  it('--max-size 1constructor is a bad size, not a crash', async () => {
    const result = await runCli(['check', writeTemp('ok.yaml', spec('  - {type: Dense, units: 2}\n')), '--max-size', '1constructor']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--max-size takes a size such as 40MB.*not "1constructor"/);
  });

  it('wrappers without the layer or cells they wrap', async () => {
    await refused('td.yaml', spec('  - {type: TimeDistributed}\n', '  - {shape: [4, 3]}\n'), /layer "time_distributed" \(TimeDistributed\): needs "layer"/);
    await refused('stacked.yaml', spec('  - {type: StackedRNNCells}\n', '  - {shape: [4, 3]}\n'), /layer "stacked_rnn_cells" \(StackedRNNCells\): needs "cells"/);
    // With it, the wrapper builds: TimeDistributed(Dense(3)) on 3 features is 3 × 3 + 3.
    const wrapped = await runCli([writeTemp('td-ok.yaml', spec('  - {type: TimeDistributed, layer: {class_name: Dense, config: {units: 3}}}\n', '  - {shape: [4, 3]}\n')), '--json']);
    assert.equal(wrapped.status, 0, wrapped.stderr);
    assert.equal(JSON.parse(wrapped.stdout).totals.params, 12);
  });
});

describe('errors while building a Keras file point at the layer entry', () => {
  /** The Keras 3 seed with one layer entry per line: entry i (from 0) is on line i + 2. */
  function oneEntryPerLine(change: (layers: Json[]) => void): string {
    const model = JSON.parse(KERAS3);
    const { layers, ...rest } = model.config;
    change(layers);
    const head = JSON.stringify({ ...model, config: { ...rest, layers: ['LAYERS'] } });
    return head.replace('["LAYERS"]', `[\n${layers.map((layer: Json) => JSON.stringify(layer)).join(',\n')}\n]`);
  }

  it('an argument of the wrong kind', async () => {
    const dense = 12;
    const text = oneEntryPerLine((layers) => void ((layers[dense].config as Json).units = -3));
    const stderr = await refused('negative-units.json', text, /layer "dense" \(Dense\): "units" must be a positive whole number, not -3/);
    assert.match(stderr, new RegExp(`^[^\\n]*negative-units\\.json:${dense + 2}:\\d+: `));
  });

  it('a configuration tfjs rejects', async () => {
    const conv = 3;
    const text = oneEntryPerLine((layers) => void ((layers[conv].config as Json).padding = 'diagonal'));
    const stderr = await refused('padding.json', text, /layer "conv2d_2" \(Conv2D\): The `padding` argument must be a list\/tuple or one of \{'same', 'valid'\}\. Received: diagonal/);
    assert.match(stderr, new RegExp(`^[^\\n]*padding\\.json:${conv + 2}:1: `));
  });

  it('an activation tfjs does not know', async () => {
    const text = oneEntryPerLine((layers) => void ((layers[2].config as Json).activation = 'swishy'));
    const stderr = await refused('activation.json', text, /layer "conv2d" \(Conv2D\): unknown activation "swishy"; did you mean "swish"\?/);
    assert.match(stderr, /^[^\n]*activation\.json:4:\d+: /);
  });
});

describe('binary files', () => {
  it('binary content without a NUL byte is refused as binary, not parsed as YAML', async () => {
    // Bytes 1 to 255, then again: no NUL, control characters and invalid UTF-8 throughout.
    const bytes = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 255) + 1));
    const result = await runCli([writeTemp('weights.bin', bytes)]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /weights\.bin: not a model file merge-summary reads: binary content \(it starts with 01 02 03 04 05 06 07 08\)/);
    assert.doesNotMatch(result.stderr, /syntax error/);
  });
});

describe('text that is not UTF-8', () => {
  // "é" in Latin-1 is the one byte 0xe9, which starts a three-byte sequence in UTF-8 that "\n" cannot continue.
  it('Latin-1 text is refused at its first byte that is not UTF-8, by line and column', async () => {
    const latin1 = await runCli([writeTemp('latin1.yaml', Buffer.from('inputs:\n  - {shape: [3]}\n# caf\xe9\n', 'latin1'))]);
    assert.equal(latin1.status, 2);
    assert.match(latin1.stderr, /latin1\.yaml:3:6: not UTF-8 text: the byte 0xe9 here starts no UTF-8 character/);
  });

  it('past the first 8 KB too, where it was once decoded as "\uFFFD" and printed in a layer name', async () => {
    const comment = `# ${'x'.repeat(9000)}\n`;
    const spec = Buffer.concat([Buffer.from(`${comment}inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 4, name: "caf`), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    const result = await runCli([writeTemp('latin1-late.yaml', spec)]);
    assert.equal(result.status, 2);
    // Line 5 is the Dense's: `  - {type: Dense, units: 4, name: "caf` is 38 characters, so the byte is column 39.
    assert.match(result.stderr, /latin1-late\.yaml:5:39: not UTF-8 text: the byte 0xe9/);
    assert.doesNotMatch(result.stderr + result.stdout, /\uFFFD/);
  });

  it("on standard input, in a baseline and in an archive's config.json", async () => {
    const bad = Buffer.concat([Buffer.from('{"name": "x'), Buffer.from([0xff]), Buffer.from('"}')]);
    const stdin = spawnCli(['-'], { input: bad });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /<stdin>:1:12: not UTF-8 text: the byte 0xff/);
    const baseline = await runCli(['check', fixture('seed-add.yaml'), '--baseline', writeTemp('latin1-baseline.json', bad)]);
    assert.equal(baseline.status, 2);
    assert.match(baseline.stdout + baseline.stderr, /latin1-baseline\.json:1:12: not UTF-8 text/);
    const archive = writeTemp('latin1.keras', Buffer.from(zipSync({ 'metadata.json': strToU8('{"keras_version": "3.15.1"}'), 'config.json': bad })));
    const fromArchive = await runCli([archive]);
    assert.equal(fromArchive.status, 2);
    assert.match(fromArchive.stderr, /latin1\.keras:config\.json:1:12: not UTF-8 text: the byte 0xff/);
  });
});

describe('None in a Keras file', () => {
  it('a flag of None is false, as Keras reads it: a Dense with use_bias None has no bias (tfjs would give it one)', async () => {
    const dense = 12;
    const withBias = JSON.parse((await runCli([writeTemp('bias.json', KERAS3), '--json'])).stdout);
    const units = (JSON.parse(KERAS3).config.layers[dense].config as Json).units as number;
    const text = keras3((m) => void ((m.config.layers[dense].config as Json).use_bias = null));
    const result = await runCli([writeTemp('bias-none.json', text), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const row = (summary: { layers: { name: string; params: number }[] }) => summary.layers.find((layer) => layer.name === 'dense') as { params: number };
    // The kernel alone: the bias of `units` values is gone.
    assert.equal(row(JSON.parse(result.stdout)).params, row(withBias).params - units);
  });
});

describe('tfjs prints nothing of its own', () => {
  it('its console warnings stay out of the output', async () => {
    // tfjs warns on the console when a layer's input_shape differs from the shape it is called on (Keras ignores it there).
    const spec = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 2}\n  - {type: Dense, units: 2, input_shape: [9]}\n';
    const printed: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args);
    try {
      const result = await runCli([writeTemp('warns.yaml', spec)]);
      assert.equal(result.status, 0, result.stderr);
    } finally {
      console.warn = original;
    }
    assert.deepEqual(printed, []);
  });
});

describe('impossible shapes are refused, in Keras\'s words where Keras has them', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a kernel larger than its input', '[3, 3, 1]', '{type: Conv2D, filters: 4, kernel_size: 5}', /Computed output size would be zero or negative\. Received `inputs shape=\(None, 3, 3, 1\)`, `kernel shape=\(5, 5, 1, 4\)`/],
    ['a dilated kernel larger than its input', '[10, 2]', '{type: Conv1D, filters: 2, kernel_size: 3, dilation_rate: 8}', /Computed output size would be zero or negative\. .*dilation_rate=\[8\]/],
    ['pooling larger than its input', '[3, 3, 1]', '{type: MaxPooling2D, pool_size: 5}', /Computed output size would be zero or negative\. Received: `inputs\.shape=\[None 3 3 1\]`, `pool_size=\[5 5\]`/],
    ['cropping more than the input', '[3, 3, 1]', '{type: Cropping2D, cropping: 40}', /Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input\. Received: input_shape=\(None, 3, 3, 1\)/],
    ['padding that takes away', '[4, 4, 2]', '{type: ZeroPadding2D, padding: -3}', /its output shape would be \(None, -2, -2, 2\), with a dimension that is zero or negative/],
    ['a Reshape of the wrong total size', '[4]', '{type: Reshape, target_shape: [3]}', /The total size of the tensor must be unchanged\. Received: input_shape=\(4,\), target_shape=\(3,\)/],
    ['a Reshape that cannot infer its -1', '[4]', '{type: Reshape, target_shape: [3, -1]}', /the input size cannot by divided by the specified dimensions in target_shape/],
    ['UpSampling2D by 0', '[4, 4, 2]', '{type: UpSampling2D, size: 0}', /The `size` argument must be a tuple of 2 integers\. Received size=0, including values \{0\} that do not satisfy `value > 0`/],
    ['a 3-D global pooling of a rank-2 tensor', '[4]', '{type: GlobalMaxPooling3D}', /input 0 is incompatible with the layer: expected ndim=5, found ndim=2\. Full shape received: \(None, 4\)/],
    ['CenterCrop without a size', '[4, 4, 2]', '{type: CenterCrop}', /layer "center_crop" \(CenterCrop\) needs height \(a positive whole number\)/],
  ];
  for (const [problem, shape, layer, message] of cases) {
    it(problem, async () => {
      const stderr = await refused('shape.yaml', `inputs:\n  - {shape: ${shape}}\nlayers:\n  - ${layer}\n`, message);
      assert.match(stderr, /shape\.yaml:4:5: layer "\w+" \(\w+\):? /);
      assert.doesNotMatch(stderr, /undefined|NaN/);
    });
  }

  it('a Concatenate on an axis its inputs lack', async () => {
    const text = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 3, name: a}\n  - {type: Dense, units: 3, name: b, from: input_layer}\n  - {type: Concatenate, axis: -3, from: [a, b]}\n';
    await refused('axis.yaml', text, /axis\.yaml:6:5: layer "concatenate" \(Concatenate\): axis -3 is not an axis of its inputs, which have 2 dimensions/);
  });

  it('in a Keras file, at the layer that makes the shape', async () => {
    const text = keras3((m) => Object.assign(m.config.layers[3].config as Json, { kernel_size: [40, 40], padding: 'valid' }));
    const stderr = await refused('kernel.json', text, /layer "conv2d_2" \(Conv2D\): Computed output size would be zero or negative/);
    assert.match(stderr, LOCATED_INSIDE);
  });

  it('a layer that writes into its input\'s shape (tfjs\'s CenterCrop) leaves the input row alone', async () => {
    const result = await runCli([writeTemp('crop.yaml', 'inputs:\n  - {shape: [4, 4, 2]}\nlayers:\n  - {type: CenterCrop, height: 2, width: 2}\n'), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const [input, crop] = JSON.parse(result.stdout).layers;
    assert.deepEqual(input.outputShape, [null, 4, 4, 2]);
    assert.deepEqual(crop.inputShapes, [[null, 4, 4, 2]]);
    assert.deepEqual(crop.outputShape, [null, 2, 2, 2]);
  });
});

describe('counts are exact or refused', () => {
  it('parameters beyond 2^53 - 1', async () => {
    // Dense 10^8 → 10^8: 10^16 + 10^8 parameters, more than 2^53 - 1 (about 9.007 × 10^15).
    const text = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 100000000}\n  - {type: Dense, units: 100000000}\n';
    const stderr = await refused('huge.yaml', text, /the parameter count of layer "dense_1" would be more than 9,007,199,254,740,991 \(2\^53 - 1\)/);
    assert.doesNotMatch(stderr, /e\+/);
  });

  it('bytes beyond 2^53 - 1', async () => {
    // 9 × 10^7 squared is 8.1 × 10^15 parameters (exact), 3.24 × 10^16 bytes (not).
    const text = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 90000000}\n  - {type: Dense, units: 90000000}\n';
    await refused('bytes.yaml', text, /the parameter count of layer "dense_1" in bytes would be more than 9,007,199,254,740,991/);
  });

  it('a batch size of 1e20 is refused at the spec', async () => {
    await refused('batch.yaml', 'inputs:\n  - {shape: [4], batch_size: 1e20}\nlayers:\n  - {type: Dense, units: 2}\n', /batch\.yaml:2:30: input "input_layer" "batch_size" must be a positive whole number that a count holds exactly/);
  });

  it('a declared input dimension that is negative, in a Keras file', async () => {
    const text = keras3((m) => void ((m.config.layers[0].config as Json).batch_shape = [null, -32, 32, 3]));
    await refused('negative.json', text, /negative\.json:1:\d+: layer "inputs1": dimension 1 of "batch_shape" is -32/);
  });
});

describe('found by the property-based suite', () => {
  it('a Dot on an axis its inputs lack', async () => {
    const text = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 3, name: a}\n  - {type: Dense, units: 7, name: b, from: input_layer}\n  - {type: Dot, axes: 5, from: [a, b]}\n';
    await refused('dot.yaml', text, /dot\.yaml:6:5: layer "dot" \(Dot\): axes=5 name an axis its inputs lack; they have shapes \(None, 3\) and \(None, 7\)/);
  });

  it('a scalar UpSampling2D size, which tfjs cannot take: both axes, as Keras reads it', async () => {
    // Keras 3.15.1: UpSampling2D(size=2) of (None, 3, 3, 2) is (None, 6, 6, 2).
    const result = await runCli([writeTemp('up.yaml', 'inputs:\n  - {shape: [3, 3, 2]}\nlayers:\n  - {type: UpSampling2D, size: 2}\n'), '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).layers[1].outputShape, [null, 6, 6, 2]);
  });

  it('a Keras layer whose name is no string', async () => {
    await refused('name.json', keras3((m) => void (m.config.layers[2].name = 7)), /name\.json:1:\d+: a layer's name must be a non-empty string, not 7/);
  });

  it('a Keras argument of the wrong kind, named', async () => {
    await refused('strides.json', keras3((m) => void ((m.config.layers[2].config as Json).strides = 'abc')), /layer "conv2d" \(Conv2D\): "strides" must be a positive whole number or a list of them, not "abc"/);
  });

  it('a wrapper whose layer is null', async () => {
    await refused('bidi.yaml', 'inputs:\n  - {shape: [4, 3]}\nlayers:\n  - {type: Bidirectional, layer: null}\n', /bidi\.yaml:4:\d+: layer "bidirectional" \(Bidirectional\): needs "layer"/);
  });
});

describe('user text of any length is handled in linear time and shown short', () => {
  it('a layer type of a million characters: no "did you mean", and the message shows its start and length', async () => {
    const text = `inputs:\n  - {shape: [4]}\nlayers:\n  - {type: ${'Q'.repeat(1_000_000)}, units: 4}\n`;
    const stderr = await refused('long-type.yaml', text, /long-type\.yaml:4:12: unknown layer type "Q{60}…" \(1,000,000 characters\)$/m);
    assert.ok(stderr.length < 400, `${stderr.length} characters`);
  });

  it('a misspelt reference among 3,000 long names: the closest found, every name shown short', async () => {
    const names = Array.from({ length: 3_000 }, (_, i) => `block_${String(i).padStart(4, '0')}_${'x'.repeat(150)}`);
    const layers = names.map((name) => `  - {type: ReLU, name: ${name}}\n`).join('');
    const text = `inputs:\n  - {shape: [4]}\nlayers:\n${layers}  - {type: ReLU, from: ${names[10].replace('block', 'blok')}}\n`;
    const stderr = await refused('many-names.yaml', text, /names no input or layer defined above; did you mean "block_0010_x{49}…" \(161 characters\)/);
    assert.ok(stderr.length < 1000);
  });
});

describe('found by npm run fuzz', () => {
  it('a ZeroPadding2D padding that is a list of a pair and a number: the number is both sides, as Keras reads it', async () => {
    // Keras 3.15.1: ZeroPadding2D(padding=[[1, 1], 5]) of (None, 4, 4, 2) is (None, 6, 14, 2).
    const text = 'inputs:\n  - {shape: [4, 4, 2]}\nlayers:\n  - {type: ZeroPadding2D, padding: [[1, 1], 5]}\n';
    const result = await runCli([writeTemp('padding.yaml', text), '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).layers[1].outputShape, [null, 6, 14, 2]);
  });

  it('a ZeroPadding2D padding of three entries, refused in Keras\'s words', async () => {
    const text = 'inputs:\n  - {shape: [4, 4, 2]}\nlayers:\n  - {type: ZeroPadding2D, padding: [1, 2, 3]}\n';
    await refused('padding3.yaml', text, /padding3\.yaml:4:5: layer "zero_padding2d" \(ZeroPadding2D\): `padding` should have two elements\. Received: padding=\[1, 2, 3\]\./);
  });

  it('a Dot without axes', async () => {
    const text = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 3, name: a}\n  - {type: Dense, units: 3, name: b, from: input_layer}\n  - {type: Dot, from: [a, b]}\n';
    await refused('dot-axes.yaml', text, /dot-axes\.yaml:6:5: layer "dot" \(Dot\) needs axes \(a whole number or a list of them\)/);
  });

  it('a Keras layer without an argument its constructor needs (a Reshape with no target_shape): named, at the layer\'s config', async () => {
    await refused('no-target.json', keras3((m) => void (m.config.layers[2] = { ...m.config.layers[2], class_name: 'Reshape', config: { name: 'conv2d', targete: [13] } })), /no-target\.json:1:\d+: layer "conv2d" \(Reshape\) needs target_shape, which its configuration lacks/);
  });

  it('a dtype that is a number, in a Keras file: refused at the layer, not a cost that fails', async () => {
    await refused('dtype-number.json', keras3((m) => void ((m.config.layers[2].config as Json).dtype = 2147483648)), /dtype-number\.json:1:\d+: layer "conv2d" \(Conv2D\): "dtype" must be a name \(e\.g\. "float32"\) or a \{class_name, config\} mapping, not 2147483648/);
  });

  it('a merge that also feeds layers leading to no output: its swap runs only what the model runs', async () => {
    // l3 and l4 take the Average but lead nowhere (the summary leaves them out); the swap rebuilds l6 alone: 2 → 4 features, LayerNormalization's 4 → 8 parameters.
    const text = 'inputs:\n  - {name: x, shape: [3, 2]}\nlayers:\n  - {type: ReLU, name: l0}\n  - {type: Average, name: l2, from: [x, l0]}\n  - {type: ReLU, name: l3, from: l2}\n  - {type: ReLU, name: l4, from: l2}\n  - {type: LayerNormalization, name: l6, from: l2}\n';
    const result = await runCli([writeTemp('dead-ends.yaml', text), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const [merge] = JSON.parse(result.stdout).merges;
    assert.deepEqual(merge.affected.map((a: { name: string; params: number; alternativeParams: number }) => [a.name, a.params, a.alternativeParams]), [['l6', 4, 8]]);
  });
});
