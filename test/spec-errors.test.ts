import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, spawnCli, writeTemp } from './helpers.js';

/** Each bad spec, where its problem is (line:col), and what the message must say. */
interface BadSpec {
  problem: string;
  text: string;
  at: string;
  message: RegExp;
}

const ONE_INPUT = 'inputs:\n  - {shape: [4]}\n';

const aliasBomb = (() => {
  const lines = ['a: &a [x,x,x,x,x,x,x,x,x]'];
  let previous = 'a';
  for (const name of 'bcdefghi') {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    previous = name;
  }
  return `${lines.join('\n')}\n${ONE_INPUT}layers: [{type: Dense, units: 2}]\n`;
})();

const CASES: BadSpec[] = [
  { problem: 'YAML syntax error', text: 'inputs: [{shape: [4]}\nlayers: []\n', at: '2:1', message: /YAML syntax error/ },
  { problem: 'a spec that is a list', text: '- a\n- b\n', at: '1:1', message: /must be a mapping.*found a list/ },
  { problem: 'a spec that is a scalar', text: 'hello\n', at: '1:1', message: /must be a mapping.*found a single value/ },
  { problem: 'no inputs', text: 'layers:\n  - {type: Dense, units: 2}\n', at: '1:1', message: /no "inputs"/ },
  { problem: 'empty inputs', text: 'inputs: []\nlayers:\n  - {type: Dense, units: 2}\n', at: '1:9', message: /"inputs" must be a non-empty list/ },
  { problem: 'no layers', text: ONE_INPUT, at: '1:1', message: /no "layers"/ },
  { problem: 'a layer without type', text: `${ONE_INPUT}layers:\n  - {units: 2}\n`, at: '4:5', message: /layer 1 has no "type"/ },
  {
    problem: 'an unknown layer type, with the closest names',
    text: `${ONE_INPUT}layers:\n  - {type: Dence, units: 2}\n`,
    at: '4:12',
    message: /unknown layer type "Dence"; did you mean "Dense"\?/,
  },
  {
    // It once said `unknown layer type "Lambda"; did you mean "Lambda"?`: Keras has the class, merge-summary no rule for it.
    problem: "a Keras class with no shape rule (Lambda), named as Keras's, not as a misspelling of itself",
    text: `${ONE_INPUT}layers:\n  - {type: Lambda}\n`,
    at: '4:12',
    message: /^[^\n]*layer type "Lambda" is a Keras class merge-summary has no shape rule for: its output is made by code or a model its configuration does not hold, so a spec cannot describe it$/m,
  },
  {
    problem: 'an InputLayer among the layers: inputs are written under "inputs"',
    text: `${ONE_INPUT}layers:\n  - {type: InputLayer}\n`,
    at: '4:12',
    message: /an InputLayer is not a layer entry: a model's inputs are its "inputs" list/,
  },
  {
    problem: 'an unknown argument, with the closest',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 3, kernel_initialiser: he_normal}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown argument "kernel_initialiser"; did you mean "kernel_initializer"\?/,
  },
  {
    problem: 'an argument named like a property every JavaScript object has',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, constructor: 1}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown argument "constructor"/,
  },
  {
    problem: 'a misspelt required argument',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, unit: 2}\n`,
    at: '4:19',
    message: /unknown argument "unit"; did you mean "units"\?/,
  },
  {
    problem: 'an argument of the wrong kind (string for a number)',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: "64"}\n`,
    at: '4:19',
    message: /"units" must be a positive whole number, not "64"/,
  },
  {
    problem: 'an argument of the wrong kind (fraction)',
    text: `${ONE_INPUT}layers:\n  - {type: Conv1D, filters: 4, kernel_size: 1.5}\n`,
    at: '4:32',
    message: /"kernel_size" must be a positive whole number or a list of them, not 1.5/,
  },
  { problem: 'a zero dimension', text: 'inputs:\n  - {shape: [4, 0]}\nlayers:\n  - {type: Dense, units: 2}\n', at: '2:17', message: /dimension 2 of "shape" is 0/ },
  { problem: 'a negative dimension', text: 'inputs:\n  - {shape: [-3]}\nlayers:\n  - {type: Dense, units: 2}\n', at: '2:14', message: /dimension 1 of "shape" is -3/ },
  { problem: 'a fractional dimension', text: 'inputs:\n  - {shape: [2.5]}\nlayers:\n  - {type: Dense, units: 2}\n', at: '2:14', message: /is 2.5; each must be a positive whole number/ },
  { problem: 'a shape that is not a list', text: 'inputs:\n  - {shape: 4}\nlayers:\n  - {type: Dense, units: 2}\n', at: '2:13', message: /"shape" must be a list/ },
  {
    problem: 'a from that names nothing',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, from: input_layr}\n`,
    at: '4:35',
    message: /"input_layr" names no input or layer defined above; did you mean "input_layer"\?/,
  },
  {
    problem: 'a forward reference',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, from: later}\n  - {type: Dense, name: later, units: 2}\n`,
    at: '4:35',
    message: /"later" is defined further down \(line 5\)/,
  },
  {
    problem: 'a cycle',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, name: loop, units: 2, from: loop}\n`,
    at: '4:47',
    message: /"loop" is this layer itself.*cycle/,
  },
  {
    problem: 'a duplicate name',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, name: a, units: 2}\n  - {type: Dense, name: a, units: 2}\n`,
    at: '5:25',
    message: /duplicate name "a" \(first used at line 4\)/,
  },
  {
    problem: 'an Add of shapes that cannot be combined',
    text: 'inputs:\n  - {name: a, shape: [8, 8, 64]}\n  - {name: b, shape: [8, 8, 128]}\nlayers:\n  - {type: Add, name: merged, from: [a, b]}\n',
    at: '5:5',
    message: /layer "merged" \(Add\): inputs have shapes \(None, 8, 8, 64\) and \(None, 8, 8, 128\); Add needs equal shapes \(or shapes that broadcast\)/,
  },
  {
    problem: 'a Concatenate of shapes that cannot be combined',
    text: 'inputs:\n  - {name: a, shape: [8, 64]}\n  - {name: b, shape: [9, 128]}\nlayers:\n  - {type: Concatenate, from: [a, b]}\n',
    at: '5:5',
    message: /inputs have shapes \(None, 8, 64\) and \(None, 9, 128\); Concatenate needs .*equal except on the concatenation axis/,
  },
  {
    problem: 'a Subtract of three inputs',
    text: 'inputs:\n  - {name: a, shape: [8]}\nlayers:\n  - {type: Subtract, from: [a, a, a]}\n',
    at: '4:5',
    message: /Subtract needs .*exactly 2 inputs/,
  },
  {
    problem: 'an output that names nothing',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2}\noutputs: [dens]\n`,
    at: '5:11',
    message: /"dens" names no input or layer defined above; did you mean "dense"\?/,
  },
  {
    problem: 'a layer given a tensor of the wrong rank',
    text: `${ONE_INPUT}layers:\n  - {type: Conv2D, filters: 2, kernel_size: 3}\n`,
    at: '4:5',
    message: /layer "conv2d" \(Conv2D\): .*expected min_ndim=4, found ndim=2/,
  },
  {
    problem: 'several inputs and a first layer without from',
    text: 'inputs:\n  - {shape: [4]}\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 2}\n',
    at: '5:5',
    message: /first layer needs "from" because the model has 2 inputs/,
  },
  {
    problem: 'an unknown activation, with the names Keras has that are close',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, activation: rleu}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown activation "rleu"; did you mean "elu", "glu", "relu"\?$/,
  },
  {
    problem: 'an unknown initializer',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, kernel_initializer: he_normall}\n`,
    at: '4:29',
    message: /unknown initializer "he_normall"; did you mean "he_normal"/,
  },
  {
    problem: 'a missing required argument, named with the layer',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2}\n  - {type: Dense}\n`,
    at: '5:5',
    message: /: layer "dense_1" \(Dense\) needs units \(a positive whole number\)$/,
  },
  {
    problem: 'groups that do not divide the filters, in Keras\'s words',
    text: 'inputs:\n  - {shape: [8, 8, 4]}\nlayers:\n  - {type: Conv2D, filters: 6, kernel_size: 3, groups: 4}\n',
    at: '4:5',
    message: /layer "conv2d" \(Conv2D\): The number of filters must be evenly divisible by the number of groups\. Received: groups=4, filters=6\./,
  },
  {
    problem: 'a weight of a shape with None (a Dense on a last axis of any size), refused in Keras\'s words',
    text: 'inputs:\n  - {shape: [null]}\nlayers:\n  - {type: Dense, units: 4}\n',
    at: '4:5',
    message: /layer "dense" \(Dense\): Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. Received: shape=\(None, 4\) for variable path='dense\/kernel'/,
  },
  {
    problem: 'an unknown regularizer, with the closest names',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, kernel_regularizer: l3}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown regularizer "l3"; did you mean "l1", "l2"\?/,
  },
  {
    problem: 'an unknown constraint, with the closest names',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, kernel_constraint: nonng}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown constraint "nonng"; did you mean "non_neg"\?/,
  },
  {
    problem: 'an unknown dtype, with the closest names',
    text: `${ONE_INPUT}layers:\n  - {type: Dense, units: 2, dtype: flot32}\n`,
    at: '4:29',
    message: /layer "dense" \(Dense\): unknown dtype "flot32"; did you mean "float32"\?/,
  },
  {
    problem: 'a Reshape to no values, in Keras\'s words',
    text: 'inputs:\n  - {shape: [12]}\nlayers:\n  - {type: Reshape, target_shape: [0]}\n',
    at: '4:5',
    message: /layer "reshape" \(Reshape\): The total size of the tensor must be unchanged\. Received: input_shape=\(12,\), target_shape=\(0,\)/,
  },
  {
    problem: 'a YAML list of 125,000 items (once a stack overflow)',
    text: `inputs:\n  - {shape: [${Array.from({ length: 125_000 }, () => '1').join(', ')}]}\nlayers:\n  - {type: Flatten}\n`,
    at: '2:13',
    message: /input "input_layer": "shape" has 125000 dimensions; a tensor has at most 254, the batch dimension included \(TensorFlow's limit\)/,
  },
  { problem: 'an alias bomb', text: aliasBomb, at: '1:1', message: /through YAML aliases; refusing what looks like an alias bomb/ },
  {
    problem: 'absurdly deep nesting',
    text: `inputs: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    at: '1:',
    message: /nesting is deeper than 64 levels/,
  },
];

describe('every problem in a spec is FILE:LINE:COL: message, exit 2, no stack trace', () => {
  CASES.forEach((bad, i) => {
    it(bad.problem, async () => {
      const path = writeTemp(`bad-${i}.yaml`, bad.text);
      const result = await runCli([path]);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '', 'nothing half-written to stdout');
      const line = result.stderr.trim();
      assert.ok(line.startsWith(`${path}:${bad.at}`), `expected ${path}:${bad.at} in\n${line}`);
      assert.match(line, bad.message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  it('a missing file', async () => {
    const result = await runCli(['no/such/model.yaml']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), 'no/such/model.yaml: cannot read the model: no such file');
  });

  it('a folder that is not a TensorFlow SavedModel says what it holds and what was expected', async () => {
    const result = await runCli(['fixtures']);
    assert.equal(result.status, 2);
    assert.match(result.stderr.trim(), /^fixtures: cannot read the model: it is a folder, but not a TensorFlow SavedModel \(it holds densenet121\.yaml, .*\); expected a model file, or a SavedModel folder holding saved_model\.pb and keras_metadata\.pb$/);
  });

  it('a spec on standard input names <stdin>', async () => {
    const result = spawnCli(['-'], { input: `${ONE_INPUT}layers:\n  - {type: Dence}\n` });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^<stdin>:4:12: unknown layer type "Dence"/);
  });

  it('--debug shows the stack trace', async () => {
    const path = writeTemp('debug.yaml', `${ONE_INPUT}layers:\n  - {type: Dence}\n`);
    const result = await runCli([path, '--debug']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown layer type/);
    assert.match(result.stderr, /\n\s+at /);
  });
});


describe('messages in the user\'s terms', () => {
  it('a mistyped command is named with the closest one', async () => {
    const result = await runCli(['summry', 'x.yaml']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), 'unknown command "summry"; did you mean "summary"? (see merge-summary --help)');
  });

  it('a Keras file with an unknown activation: the layer, where it is, the closest names; never a tfjs instruction', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'), 'utf8'));
    const dense = config.config.layers.find((layer: { class_name: string }) => layer.class_name === 'Dense');
    dense.config.activation = 'rleu';
    const result = await runCli([writeTemp('rleu.json', JSON.stringify(config, null, 1))]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /rleu\.json:\d+:\d+: layer "dense" \(Dense\): unknown activation "rleu"; did you mean "elu", "glu", "relu"\?/);
    assert.doesNotMatch(result.stderr, /registerClass|TensorFlow\.js or your JavaScript/);
  });

  it('a file that cannot be written is named as the user gave it, never as a temporary file', async () => {
    const result = await runCli(['graph', ONE_DENSE_SPEC(), '-o', '/nonexistent/folder/x.dot']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^cannot write \/nonexistent\/folder\/x\.dot: there is no folder \/nonexistent\/folder$/m);
    assert.doesNotMatch(result.stderr, /\.tmp/);
  });
});

function ONE_DENSE_SPEC(): string {
  return writeTemp('one-dense.yaml', `${ONE_INPUT}layers:\n  - {type: Dense, units: 2}\n`);
}
