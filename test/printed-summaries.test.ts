import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, writeTemp } from './helpers.js';

/**
 * Keras's own printed model.summary() (test/conformance/printed/, made by
 * tools/keras-printed-summaries.py with Keras 3.15.1) against the tool's
 * table for the same model, read from the model's to_json() and, where the
 * spec format can say the model, from its spec: the title, the columns Keras
 * prints, every row's cells (name and type with Keras's indentation, output
 * shape, Param #, Connected to, Trainable) and the three lines of totals.
 * The table's widths are the tool's own (test/golden/render/ pins them);
 * what is compared is what each cell says. Keras cuts a cell that does not
 * fit its column with "…": such a cell must begin with what Keras printed.
 */
const PRINTED = join(ROOT, 'test', 'conformance', 'printed');

interface Printed {
  options: { line_length: number; show_trainable?: boolean; expand_nested?: boolean; layer_range?: [string, string] };
  spec: unknown;
  kerasJson: unknown;
}

interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  totals: string[];
}

/**
 * A summary table as text (Keras's or the tool's: both draw it with the same
 * box characters) as cells: each cell's lines joined by a space, its
 * padding taken off, a nested row's indentation kept.
 */
function parseTable(text: string): Table {
  const lines = text.split('\n');
  const title = lines.find((line) => line.startsWith('Model: ')) ?? '';
  // A nested row's "   └ " is kept; every other cell's alignment padding is not what it says.
  const cellsOf = (line: string, separator: string) =>
    line
      .slice(1, -1)
      .split(separator)
      .map((cell) => (/^ {4,}└ /.test(cell) ? cell.slice(1) : cell.trim()).trimEnd());
  const headerLine = lines.find((line) => line.startsWith('┃')) ?? '';
  const headers = cellsOf(headerLine, '┃').map((cell) => cell.trim());
  const rows: string[][] = [];
  let current: string[][] | undefined;
  const flush = () => {
    if (current) rows.push(current[0].map((_, column) => current!.map((parts) => parts[column]).filter((part) => part.trim() !== '').join(' ').replace(/(\S) {2,}/g, '$1 ')));
    current = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('│')) (current ??= []).push(cellsOf(line, '│'));
    else if (line.startsWith('├') || line.startsWith('└')) flush();
  }
  flush();
  const totals = lines.filter((line) => /^ (Total|Trainable|Non-trainable) params: /.test(line));
  return { title, headers, rows, totals };
}

/** The tool's options for the summary() arguments Keras was given. */
function cliOptions(options: Printed['options']): string[] {
  return [
    ...(options.show_trainable ? ['--show-trainable'] : []),
    ...(options.expand_nested ? ['--expand-nested'] : []),
    ...(options.layer_range ? ['--layer-range', options.layer_range.join(':')] : []),
  ];
}

const cases = readdirSync(PRINTED)
  .filter((file) => file.endsWith('.txt'))
  .map((file) => file.replace(/\.txt$/, ''))
  .sort();

describe("Keras's printed summaries (test/conformance/printed/) against the tool's table", () => {
  it('has the oracles of every printed detail: Sequential, several outputs, nested models, show_trainable, layer_range, keras.ops rows and masks', () => {
    assert.deepEqual(cases, [
      'branches',
      'branches-layer-range',
      'embedding-mask',
      'hard-sigmoid-ops',
      'hard-sigmoid-ops-show-trainable',
      'initial-state-keyword',
      'mask-attention',
      'mask-multi-head-attention',
      'mask-sequences',
      'mask-unused',
      'masking',
      'masks-merged',
      'nested-mask-expand-nested',
      'nested-twice',
      'nested-twice-expand-nested',
      'ops-products',
      'ops-zoo',
      'sequential',
      'several-outputs',
      'trainable-mix-show-trainable',
    ]);
  });

  for (const name of cases) {
    const keras = parseTable(readFileSync(join(PRINTED, `${name}.txt`), 'utf8'));
    const record = JSON.parse(readFileSync(join(PRINTED, `${name}.json`), 'utf8')) as Printed;
    const variants: [string, unknown][] = [['Keras JSON', record.kerasJson], ...(record.spec ? ([['spec', record.spec]] as [string, unknown][]) : [])];
    for (const [variant, document] of variants) {
      it(`${name}, from its ${variant}: the rows and totals Keras prints`, async () => {
        const file = writeTemp(`${name}.${variant === 'spec' ? 'spec' : 'keras'}.json`, JSON.stringify(document));
        const result = await runCli([file, '--merges', 'none', '--width', '200', ...cliOptions(record.options)]);
        assert.equal(result.status, 0, result.stderr);
        const tool = parseTable(result.stdout);
        assert.equal(tool.title, keras.title);
        const columns = keras.headers.map((header) => tool.headers.indexOf(header));
        assert.ok(!columns.includes(-1), `the tool's columns ${tool.headers.join(', ')} have Keras's ${keras.headers.join(', ')}`);
        // Keras's columns come in Keras's order; the tool adds its own (Merge) after them.
        assert.deepEqual(columns, [...columns].sort((a, b) => a - b));
        const got = tool.rows.map((row) => columns.map((column) => row[column]));
        assert.equal(got.length, keras.rows.length, `rows: Keras ${keras.rows.map((row) => row[0]).join(' | ')}; tool ${got.map((row) => row[0]).join(' | ')}`);
        keras.rows.forEach((want, i) => {
          want.forEach((cell, j) => {
            const where = `row ${i + 1} (${want[0].trim()}), ${keras.headers[j]}`;
            if (cell.endsWith('…')) assert.ok(got[i][j].startsWith(cell.slice(0, -1)), `${where}: Keras ${cell}, tool ${got[i][j]}`);
            else assert.equal(got[i][j], cell, where);
          });
        });
        assert.deepEqual(tool.totals, keras.totals);
      });
    }
  }

  it('nested-twice: --json connects the joined layer to both calls of the encoder, numbered as Keras 3 numbers them', async () => {
    const record = JSON.parse(readFileSync(join(PRINTED, 'nested-twice.json'), 'utf8')) as Printed;
    const result = await runCli([writeTemp('nested-twice.json', JSON.stringify(record.kerasJson)), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const joined = (JSON.parse(result.stdout) as { layers: { name: string; connections: unknown[] }[] }).layers.find((layer) => layer.name === 'joined');
    // The text: "encoder[0][0], encoder[1][0]".
    assert.deepEqual(joined?.connections, [
      { layer: 'encoder', node: 0, tensor: 0 },
      { layer: 'encoder', node: 1, tensor: 0 },
    ]);
  });
});
