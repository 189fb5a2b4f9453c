import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasOwn } from '../src/core/errors.js';
import { KERAS_INITIALIZERS, KERAS_REFUSED_AS_STRING, KERAS_REGULARIZERS } from '../src/core/keras-signatures.js';
import { unhonouredArguments } from '../src/model/keras-arguments.js';
import { runCli, writeTemp } from './helpers.js';

/**
 * The safety net under every layer built from a spec or a file: a Keras
 * argument the tfjs class would ignore, with a value other than Keras's
 * default, is refused rather than summarised wrongly. Every argument the
 * conformance suite exercises is honoured today, so the net is tested here
 * with a tfjs class taken to lack one.
 */
describe('unhonouredArguments', () => {
  const conv2d = new Set(['filters', 'kernelSize', 'strides', 'padding']);

  it('names a Keras argument the class would ignore, when its value is not Keras\'s default', () => {
    assert.deepEqual(unhonouredArguments('Conv2D', { filters: 8, kernel_size: 3, groups: 4 }, conv2d), [{ argument: 'groups', value: 4 }]);
    // groups=1 is Keras's default: ignoring it changes nothing.
    assert.deepEqual(unhonouredArguments('Conv2D', { filters: 8, kernel_size: 3, groups: 1 }, conv2d), []);
  });

  it('lets through what changes no shape or count, and what the class takes', () => {
    assert.deepEqual(unhonouredArguments('Conv2D', { filters: 8, kernel_initializer: 'he_normal', name: 'c' }, conv2d), []);
    assert.deepEqual(unhonouredArguments('Conv2D', { filters: 8, groups: 4 }, new Set([...conv2d, 'groups'])), []);
  });

  it('refuses Keras 2\'s time_major when set: it changes which axis is time', () => {
    assert.deepEqual(unhonouredArguments('LSTM', { units: 4, time_major: true }, new Set(['units'])), [{ argument: 'time_major', value: true }]);
    assert.deepEqual(unhonouredArguments('LSTM', { units: 4, time_major: false }, new Set(['units'])), []);
  });
});

describe('weight policies and arguments Keras reads and ignores, in a spec', () => {
  const summary = async (layer: string, shape = '[5]') => {
    const result = await runCli([writeTemp('policies.yaml', `inputs:\n  - {shape: ${shape}}\nlayers:\n  - ${layer}\n`), '--json']);
    return { ...result, doc: result.status === 0 ? JSON.parse(result.stdout) : undefined };
  };

  it('every initializer, regularizer and constraint Keras accepts by name builds, though tfjs lacks l2, lecun_normal or stft', async () => {
    // Keras 3.15.1: Dense(3, kernel_regularizer="l2", kernel_initializer="lecun_normal", kernel_constraint="non_neg") on (5,): 5·3 + 3 = 18.
    const { doc, stderr } = await summary('{type: Dense, units: 3, kernel_regularizer: l2, kernel_initializer: lecun_normal, kernel_constraint: non_neg, activity_regularizer: orthogonal_regularizer}');
    assert.equal(doc?.totals.params, 18, stderr);
    for (const name of KERAS_INITIALIZERS.filter((n) => !hasOwn(KERAS_REFUSED_AS_STRING, n))) {
      const built = await summary(`{type: Dense, units: 3, kernel_initializer: ${name}}`);
      assert.equal(built.status, 0, `${name}: ${built.stderr}`);
    }
    for (const name of KERAS_REGULARIZERS.filter((n) => !hasOwn(KERAS_REFUSED_AS_STRING, n))) {
      const built = await summary(`{type: Embedding, input_dim: 10, output_dim: 4, embeddings_regularizer: ${name}}`);
      assert.equal(built.status, 0, `${name}: ${built.stderr}`);
    }
  });

  it('a name Keras refuses alone ("l1_l2", "constant") is refused with Keras\'s reason', async () => {
    const refused = await summary('{type: Dense, units: 3, kernel_regularizer: l1_l2}');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /:4:29: layer "dense" \(Dense\): Keras refuses the regularizer "l1_l2" given by name alone \(ValueError: Could not interpret regularizer identifier: l1_l2\); give it as \{class_name, config\}/);
    const mapping = await summary('{type: Dense, units: 3, kernel_initializer: {class_name: Constant, config: {value: 0.5}}}');
    assert.equal(mapping.doc?.totals.params, 18, mapping.stderr);
  });

  it('Embedding\'s input_length and the recurrent layers\' implementation are read and ignored, as Keras 3 does', async () => {
    // Keras 3.15.1: Embedding(10, 4, input_length=5) on (5, 2) is (None, 5, 2, 4) with 40 parameters (tfjs would check input_length against the shape).
    const embedding = await summary('{type: Embedding, input_dim: 10, output_dim: 4, input_length: 5}', '[5, 2]');
    assert.deepEqual([embedding.doc?.layers[1].outputShape, embedding.doc?.totals.params], [[null, 5, 2, 4], 40], embedding.stderr);
    // LSTM(3, implementation=1) on (5, 2): 4·(3·(2 + 3) + 3) = 72.
    const lstm = await summary('{type: LSTM, units: 3, implementation: 1}', '[5, 2]');
    assert.equal(lstm.doc?.totals.params, 72, lstm.stderr);
  });
});
