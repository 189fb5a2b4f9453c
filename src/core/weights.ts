import { hasOwn, type SourceLocation } from './errors.js';
import { exactCount } from './numbers.js';

/** A weight as far as counting goes: an identity (shared weights have one) and a shape. */
export interface CountedWeight {
  id: number;
  shape: readonly number[];
  dtype?: string;
}

/** Bytes per element of each dtype tfjs and Keras use for weights. */
const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4, int32: 4, bool: 1, string: 4, complex64: 8,
  float16: 2, bfloat16: 2, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int64: 8, uint64: 8, uint32: 4,
};

/**
 * Parameters and parameter memory of a set of weights, each weight counted
 * once; exact, or refused (`what` names whose weights they are).
 */
export function countWeights(weights: readonly CountedWeight[], what = 'the parameter count', at?: SourceLocation): { params: number; bytes: number } {
  const seen = new Set<number>();
  let params = 0;
  let bytes = 0;
  for (const weight of weights) {
    if (seen.has(weight.id)) continue;
    seen.add(weight.id);
    const size = weight.shape.reduce((product, dim) => exactCount(product * dim, what, at), 1);
    params = exactCount(params + size, what, at);
    const dtype = weight.dtype ?? 'float32';
    bytes = exactCount(bytes + size * (hasOwn(BYTES_PER_ELEMENT, dtype) ? BYTES_PER_ELEMENT[dtype] : 4), `${what} in bytes`, at);
  }
  return { params, bytes };
}
