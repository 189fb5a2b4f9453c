/**
 * Folds over lists as long as a model: Math.max(...list) and
 * list.push(...items) pass every item as an argument, and a call of more
 * than about 100,000 arguments overflows the stack (a 100,000-layer model's
 * rows, its printed lines).
 */

/** The largest of `values`; -Infinity for none, as Math.max() gives. */
export function largest(values: Iterable<number>): number {
  let found = -Infinity;
  for (const value of values) if (value > found) found = value;
  return found;
}

/** The smallest of `values`; Infinity for none, as Math.min() gives. */
export function smallest(values: Iterable<number>): number {
  let found = Infinity;
  for (const value of values) if (value < found) found = value;
  return found;
}

/** Appends `items` to `list` in place, however many. */
export function appendAll<T>(list: T[], items: Iterable<T>): T[] {
  for (const item of items) list.push(item);
  return list;
}
