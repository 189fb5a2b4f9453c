import type { Explanation } from '../model/facts.js';
import { drawTable, type Cell } from './layout.js';
import { mergeSymbol } from './merge-notation.js';
import type { Palette } from './palette.js';

const values = (rows: number[][]) => `[${rows.map((row) => `[${row.join(', ')}]`).join(', ')}]`;

/** The --explain section: each merge type of the model on a two-row example. */
export function renderExplanation(explanation: Explanation, options: { palette: Palette; width: number }): string {
  const { palette } = options;
  const rows: Cell[][] = explanation.examples.map((example) => [
    { text: example.type, style: palette.merge },
    `${example.inputs.map(values).join(` ${mergeSymbol(example.type)} `)} = ${values(example.output)}`,
    { text: `(${example.outputShape.join(', ')})`, style: palette.shape },
    example.advice,
  ]);
  const table = drawTable(
    [
      { header: 'Merge' },
      { header: 'Example' },
      { header: 'Shape' },
      { header: 'When to prefer it' },
    ],
    rows,
    { width: options.width, header: palette.heading },
  );
  return `${palette.heading(`How the merges of this model combine inputs (computed with tfjs kernels, ${explanation.backend} backend)`)}\n${table}\n`;
}
