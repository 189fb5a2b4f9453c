import { isObject } from '../core/errors.js';
import { registerClass, tfc, type Tensor } from './tfjs.js';

/**
 * Random weights for a model that is run to be timed, fast. tfjs's own
 * random initialisers draw every value through a seeded generator in
 * JavaScript and then transform it with tensor operations: VGG16's
 * 138 million weights take about 12 s and twice their memory. Timing does
 * not depend on the values, only on their not being denormal, infinite or
 * NaN; so every random initialiser of the model's configuration is replaced
 * by this one: uniform in ±√(3 / fan-in) (variance 1 / fan-in, LeCun's
 * scale, which keeps activations of order one through a deep network),
 * from a xorshift generator, about 3 ns a value. Zeros, ones and constants
 * (biases, batch normalization's statistics) keep their initialisers,
 * which are fills already.
 */
const CLASS_NAME = 'MergeSummaryProfileUniform';

/** The initialisers that are fills, not draws, and stay as configured. */
const FILLS = new Set(['Zeros', 'Ones', 'Constant', 'zeros', 'ones', 'constant']);

let seed = 0x9e3779b9;

class ProfileUniform extends tfc.serialization.Serializable {
  static className = CLASS_NAME;

  apply(shape: number[], dtype = 'float32'): Tensor {
    const size = shape.reduce((product, dim) => product * dim, 1);
    if (dtype !== 'float32') return tfc.zeros(shape, dtype as 'int32');
    // Keras's fan-in: every dimension but the last (a kernel's receptive field × input channels).
    const fanIn = shape.length >= 2 ? shape.slice(0, -1).reduce((product, dim) => product * dim, 1) : Math.max(1, shape[0] ?? 1);
    const limit = Math.sqrt(3 / Math.max(1, fanIn));
    const values = new Float32Array(size);
    let state = seed;
    for (let i = 0; i < size; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      values[i] = ((state >>> 0) / 4294967296) * 2 * limit - limit;
    }
    seed = state >>> 0 || 1;
    return tfc.tensor(values, shape, 'float32');
  }

  getConfig() {
    return {};
  }
}

let registered = false;

/**
 * A model configuration (tfjs's form) whose random initialisers are the
 * fast uniform one, for building the model on a kernel backend.
 */
export function withFastRandomWeights<T>(config: T): T {
  if (!registered) {
    registerClass(ProfileUniform);
    registered = true;
  }
  return replaceInitializers(structuredClone(config)) as T;
}

function replaceInitializers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceInitializers);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (/initializer$/i.test(key) && item !== null && item !== undefined && !FILLS.has(initializerName(item))) {
      out[key] = { className: CLASS_NAME, config: {} };
    } else {
      out[key] = replaceInitializers(item);
    }
  }
  return out;
}

function initializerName(item: unknown): string {
  if (typeof item === 'string') return item;
  if (isObject(item)) return String(item.className ?? item.class_name ?? '');
  return '';
}
