import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, writeTemp } from './helpers.js';

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

  it('a wiring check in linear time: 20,000 layers listed last to first', async () => {
    // Each layer takes the one listed after it: a check that looped until no progress would do 20,000 passes.
    const count = 20_000;
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
    await refused('ctor-init.yaml', spec('  - {type: Dense, units: 2, kernel_initializer: constructor}\n'), /"kernel_initializer" must be a name .* not "constructor"/);
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

  it('a configuration tfjs rejects', async () => {
    const dense = 12;
    const text = oneEntryPerLine((layers) => void ((layers[dense].config as Json).units = -3));
    const stderr = await refused('negative-units.json', text, /layer "dense" \(Dense\): Expected units to be a positive integer, but got -3/);
    assert.match(stderr, new RegExp(`^[^\\n]*negative-units\\.json:${dense + 2}:1: `));
  });

  it('an activation tfjs does not know', async () => {
    const text = oneEntryPerLine((layers) => void ((layers[2].config as Json).activation = 'swishy'));
    const stderr = await refused('activation.json', text, /layer "conv2d" \(Conv2D\): Unknown activation: swishy/);
    assert.match(stderr, /^[^\n]*activation\.json:4:1: /);
  });
});

describe('tfjs prints nothing of its own', () => {
  it('its console warnings stay out of the output', async () => {
    // tfjs warns on the console when a layer's batch_input_shape differs from the shape it is called on.
    const spec = 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 2}\n  - {type: Dense, units: 2, batch_input_shape: [null, 9]}\n';
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
