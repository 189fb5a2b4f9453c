import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unhonouredArguments } from '../src/model/keras-arguments.js';

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
