import { suggest } from '../core/errors.js';
import { largest, smallest } from '../core/lists.js';

/** Which of the model's own layers (positions, both inclusive) the table shows. */
export interface LayerRange {
  first: number;
  last: number;
}

/**
 * Reads `--layer-range FIRST:LAST` against the model's layer names, as
 * Keras's `layer_range` does (keras/src/utils/summary_utils.py,
 * get_layer_index_bound_by_layer_name), with one difference: a side that is
 * exactly a layer's name means that layer. Otherwise it is what Keras takes
 * it for, a regular expression matched at the start of the names: FIRST is
 * the first layer it matches, LAST the last. As in Keras, a FIRST after LAST
 * gives the same rows as LAST:FIRST. An empty side means the first or the
 * last layer. Gives the range, or the message of why it cannot be read.
 */
export function resolveLayerRange(text: string, names: string[]): LayerRange | { error: string } {
  const split = splitRange(text, names);
  if (!split) return { error: `--layer-range takes FIRST:LAST (two layer names), not "${text}"` };
  const firsts = split[0] === '' ? [0] : matching(split[0], names);
  const lasts = split[1] === '' ? [names.length - 1] : matching(split[1], names);
  for (const [side, found] of [[split[0], firsts], [split[1], lasts]] as const) {
    if (found.length === 0) {
      return { error: `--layer-range: no layer "${side}" in the model${suggest(side, names)} (a layer's name, or a regular expression matching the start of names, as Keras's layer_range)` };
    }
  }
  const lower = smallest(firsts);
  const upper = largest(lasts);
  // Keras: when the first match of FIRST comes after the last match of LAST, the range runs the other way.
  return lower > upper ? { first: smallest(lasts), last: largest(firsts) } : { first: lower, last: upper };
}

/** Splits at the colon; with several colons (names may hold one), at the one that leaves two layer names. */
function splitRange(text: string, names: string[]): [string, string] | undefined {
  const colons = [...text.matchAll(/:/g)].map((match) => match.index!);
  if (colons.length === 0) return undefined;
  if (colons.length === 1) return [text.slice(0, colons[0]), text.slice(colons[0] + 1)];
  const known = new Set(names);
  for (const at of colons) {
    const pair: [string, string] = [text.slice(0, at), text.slice(at + 1)];
    if (pair.every((side) => side === '' || known.has(side))) return pair;
  }
  return undefined;
}

/** The positions of the layer named exactly `side`; failing that, of those Keras's re.match would take. */
function matching(side: string, names: string[]): number[] {
  const exact = names.indexOf(side);
  if (exact >= 0) return [exact];
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${side})`, 'u');
  } catch {
    return [];
  }
  return names.flatMap((name, i) => (pattern.test(name) ? [i] : []));
}
