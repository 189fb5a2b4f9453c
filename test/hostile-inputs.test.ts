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
