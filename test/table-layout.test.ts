import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { LayerSummary, MergeSummary, ModelSummary } from '../src/analysis/types.js';
import { outputWidth, PIPED_WIDTH } from '../src/cli/output.js';
import { resolveLayerRange } from '../src/render/layer-range.js';
import { cutToWidth, displayWidth, drawTable, naturalAtoms, wrapCell } from '../src/render/layout.js';
import { mergeNotation } from '../src/render/merge-notation.js';
import { makePalette } from '../src/render/palette.js';
import { renderSummary, renderSummaryMarkdown } from '../src/render/table.js';
import { DOCUMENTS, renderReadme } from '../tools/readme-examples.js';
import { ROOT, fixture, runCli, writeTemp } from './helpers.js';

const plain = makePalette(false);
const goldenText = (name: string) => readFileSync(join(ROOT, 'test', 'golden', 'render', name), 'utf8');
const printed = (name: string) => readFileSync(join(ROOT, 'test', 'golden', 'keras-printed', name), 'utf8');
const NESTED = join(ROOT, 'test', 'golden', 'keras-printed', 'nested-frozen.json');

describe('cells wrap only at natural breaks', () => {
  it('a shape, a type in parentheses and a connection are single words; an operator stays with what follows it', async () => {
    assert.deepEqual(naturalAtoms('batch_normalization (BatchNormalization)'), ['batch_normalization', '(BatchNormalization)']);
    assert.deepEqual(naturalAtoms('(None, 131072) → (None, 65536)'), ['(None, 131072)', '→ (None, 65536)']);
    assert.deepEqual(naturalAtoms('conv2d_1[0][0], conv2d_3[0][0]'), ['conv2d_1[0][0],', 'conv2d_3[0][0]']);
  });

  it('breaks after ", " and before "→", never inside a shape', async () => {
    assert.equal(wrapCell('(None, 32, 32, 64) → (None, 32, 32, 128)', 24), '(None, 32, 32, 64)\n→ (None, 32, 32, 128)');
    assert.equal(wrapCell('conv2d_1[0][0], conv2d_3[0][0]', 20), 'conv2d_1[0][0],\nconv2d_3[0][0]');
  });

  it('a word wider than the column is cut with "…", as rich cuts it', async () => {
    assert.equal(cutToWidth('conv2_block1_0_relu[0][0]', 10), 'conv2_blo…');
    assert.equal(wrapCell('conv2_block1_0_relu[0][0]', 10), 'conv2_blo…');
    assert.equal(displayWidth('conv2_blo…'), 10);
    assert.equal(cutToWidth('short', 10), 'short');
  });

  it('widths are counted in columns, colour codes never', async () => {
    const table = drawTable([{ header: 'A' }, { header: 'B' }], [[{ text: 'x', style: plain.merge }, '→ y']], { width: 40, header: (t) => `\u001b[1m${t}\u001b[22m` });
    const lines = table.split('\n').map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''));
    assert.ok(lines.every((line) => displayWidth(line) === displayWidth(lines[0])), table);
  });
});

describe('column widths from the content', () => {
  const columns = [{ header: 'Layer (type)' }, { header: 'Connected to' }];
  const rows = [['a_rather_long_layer_name (Conv2D)', 'first_input[0][0], second_input[0][0]']];

  it('every word whole when the widest words fit; the spare width saves lines', async () => {
    // Widest words 24 ("a_rather_long_layer_name") and 18 ("second_input[0][0]"), borders 7: 49 columns.
    const table = drawTable(columns, rows, { width: 49, header: (t) => t });
    assert.match(table, /│ a_rather_long_layer_name │ first_input\[0\]\[0\],\s+│/);
    assert.doesNotMatch(table, /…/);
    // Unwrapped: 33 and 37 wide, 77 columns.
    const wide = drawTable(columns, rows, { width: 77, header: (t) => t });
    assert.equal(wide.split('\n').length, 5);
  });

  it('too narrow for the widest words: the cut keeps the essential part of a connection, its layer name', async () => {
    const table = drawTable(
      [{ header: 'Layer' }, { header: 'Connected to' }],
      [['conv', { text: [{ text: 'conv2_block1_0_relu[0][0]', essential: 19 }] }]],
      { width: 32, header: (t) => t },
    );
    // 32 columns less 7 of borders and 5 for "Layer": 20, the name (19) and "…".
    assert.match(table, /│ conv2_block1_0_relu… │/);
  });

  it('counts are cut last: the names give way first', async () => {
    const table = drawTable(
      [{ header: 'Layer (type)' }, { header: 'Param #', align: 'right', cutCost: 1_000_000 }],
      [['predictions_of_the_classifier_head (Dense)', '1,025,000']],
      { width: 30, header: (t) => t },
    );
    assert.match(table, /│ 1,025,000 │/);
    // 30 columns less 7 of borders and 9 for the count: 14 for the name.
    assert.match(table, /│ predictions_o… │ 1,025,000 │/);
  });
});

/** A made-up summary for inputs no real model has. */
function syntheticSummary(layers: LayerSummary[], merges: MergeSummary[] = []): ModelSummary {
  return {
    schema: 'merge-summary/1',
    name: 'synthetic',
    source: '-',
    layers,
    merges,
    sequentialLike: false,
    warnings: [],
    totals: { params: 0, trainable: 0, nonTrainable: 0, bytes: 0, trainableBytes: 0, nonTrainableBytes: 0 },
  };
}

function layer(name: string, type: string, connections: string[], outputShape: (number | null)[]): LayerSummary {
  return {
    name,
    type,
    inputs: connections,
    connections: connections.map((c) => ({ layer: c, node: 0, tensor: 0 })),
    inputShapes: [],
    outputShape,
    params: 0,
    trainable: 0,
    nonTrainable: 0,
    bytes: 0,
    dependsOnMerges: [],
  };
}

describe('linear in the text: huge names and huge merges render', () => {
  // Wrapping is one pass over a cell's words, each measured once; planning
  // reads those measures. A quadratic step would not finish on these inputs.
  it('a 400 KB layer name is cut with "…" and every line keeps the width', { timeout: 60_000 }, async () => {
    const huge = `l${'x'.repeat(400_000)}`;
    const summary = syntheticSummary([layer('input', 'InputLayer', [], [null, 8]), layer(huge, 'Dense', ['input'], [null, 8]), layer('after', 'Dense', [huge], [null, 8])]);
    const text = renderSummary(summary, { palette: plain, width: 100 });
    const table = text.split('\n').filter((line) => /^[┏┃┡│├└]/.test(line));
    assert.ok(table.every((line) => displayWidth(line) <= 100));
    assert.match(text, /│ lxxxx+… /);
    assert.ok(text.length < 20_000, 'the name is not printed whole');
  });

  it('a Concatenate of 20,000 inputs: every connection listed, each whole, the merge note abbreviated', { timeout: 60_000 }, async () => {
    const inputs = Array.from({ length: 20_000 }, (_, i) => layer(`input_${i}`, 'InputLayer', [], [null, 4]));
    const concat = layer('concat', 'Concatenate', inputs.map((l) => l.name), [null, 80_000]);
    const merge: MergeSummary = {
      name: 'concat',
      type: 'Concatenate',
      inputShapes: inputs.map(() => [null, 4]),
      outputShape: [null, 80_000],
      broadcasts: false,
      concatenation: { axis: -1, inputSizes: inputs.map(() => 4), outputSize: 80_000 },
      alternative: { type: 'Add', possible: true, outputShape: [null, 4], totalParams: 0, trainableParams: 0, totalParamsChange: 0, totalParamsPercent: 0 },
      affected: [],
      stopsAt: [],
      reachesOutputs: [],
      impact: 0,
    };
    const text = renderSummary(syntheticSummary([...inputs, concat], [merge]), { palette: plain, width: 120 });
    for (const i of [0, 9_999, 19_999]) assert.match(text, new RegExp(`input_${i}\\[0\\]\\[0\\]`));
    assert.equal(mergeNotation(merge), '4 ⧺ 4 ⧺ 4 ⧺ … ⧺ 4 (20,000 inputs) → 80000 on axis -1');
    assert.doesNotMatch(text, /[^ ]…/, 'no connection is cut');
  });
});

describe('merge notation', () => {
  const base = { alternative: { type: null, possible: false as const, reason: 'a test' }, affected: [], stopsAt: [], reachesOutputs: [], impact: 0 };
  it('an Add of equal shapes is as compact as a Concatenate: the sizes of the last axis', async () => {
    const add: MergeSummary = { ...base, name: 'add', type: 'Add', inputShapes: [[null, 32, 32, 64], [null, 32, 32, 64]], outputShape: [null, 32, 32, 64], broadcasts: false };
    assert.equal(mergeNotation(add), '64 + 64 → 64');
  });
  it('inputs that broadcast keep their full shapes', async () => {
    const multiply: MergeSummary = { ...base, name: 'excite', type: 'Multiply', inputShapes: [[null, 32, 32, 64], [null, 1, 1, 64]], outputShape: [null, 32, 32, 64], broadcasts: true };
    assert.equal(mergeNotation(multiply), '(None, 32, 32, 64) × (None, 1, 1, 64) → (None, 32, 32, 64), broadcasting');
  });
  it('a Dot keeps its shapes: its output is not its inputs\' last axis', async () => {
    const dot: MergeSummary = { ...base, name: 'dot', type: 'Dot', inputShapes: [[null, 256], [null, 256]], outputShape: [null, 1], broadcasts: false };
    assert.equal(mergeNotation(dot), '(None, 256) · (None, 256) → (None, 1)');
  });
  it('in the table of the seed model: 64 ⧺ 64 → 128 on axis -1 and 64 + 64 → 64', async () => {
    assert.match((await runCli([fixture('seed-concat.yaml'), '--width', '200'])).stdout, /│ ◆ 64 ⧺ 64 → 128 on axis -1 │/);
    assert.match((await runCli([fixture('seed-add.yaml'), '--width', '200'])).stdout, /│ ◆ 64 \+ 64 → 64 +│/);
  });
});

/** Every layer name of a model, nested ones included, from its --json. */
async function layerNames(model: string): Promise<string[]> {
  const doc = JSON.parse((await runCli([model, '--json'])).stdout) as { layers: LayerSummary[] };
  const names: string[] = [];
  const visit = (layers: LayerSummary[]) => layers.forEach((l) => (names.push(l.name), visit(l.nested ?? [])));
  visit(doc.layers);
  return names;
}

/**
 * The words of the table cells that hold names (Layer, Connected to, the
 * names after ↳ in Merge, and the merge list under a table): each must be a
 * whole name, or a prefix of one (or of its name[0][0]) followed by "…".
 */
function nameWords(text: string): string[] {
  const words: string[] = [];
  let nameColumns: number[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('┃')) {
      const headers = line.split('┃').slice(1, -1).map((h) => h.trim());
      if (headers.some((h) => h.startsWith('Layer'))) nameColumns = headers.flatMap((h, i) => (/^(Layer|Affected layer|Connected|Merge)/.test(h) ? [i] : []));
      continue;
    }
    if (line.startsWith('│')) {
      const cells = line.split('│').slice(1, -1);
      for (const i of nameColumns) {
        for (const word of cells[i].trim().split(/[\s,]+/)) {
          if (word === '' || /^[(└◆↳→⧺+\-−×·]|^\d|^on$|^axis$|^broadcasting$|^None\)?$/.test(word)) continue;
          words.push(word);
        }
      }
    }
    const listed = /^ ◆ (\S+): /.exec(line);
    if (listed) words.push(listed[1]);
  }
  return words;
}

describe('golden output never cuts a name but at "…"', () => {
  for (const model of ['seed-concat', 'resnet50', 'densenet121']) {
    it(model, async () => {
      const names = await layerNames(fixture(`${model}.yaml`));
      const known = new Set(names);
      const goldens = ['width80', 'width100', 'width120', 'width200', 'piped', 'piped-columns100'].map((name) => goldenText(`${model}.${name}.txt`));
      for (const text of goldens) {
        const words = nameWords(text);
        assert.ok(words.length >= names.length, 'the check reads the table');
        for (const word of words) {
          const base = word.replace(/(\[\d+\])+$/, '');
          if (known.has(base)) continue;
          assert.ok(word.endsWith('…'), `"${word}" is neither a whole name nor cut with "…"`);
          const prefix = word.slice(0, -1);
          assert.ok(names.some((name) => `${name}[`.startsWith(prefix) || name.startsWith(prefix) || prefix.startsWith(`${name}[`)), `"${word}" is no name's prefix`);
        }
        // The text's words between characters that cannot be in a word (\w); a name made of
        // word characters appears whole when it is one of them.
        const textWords = new Set(text.split(/[^\w]+/));
        for (const name of names) {
          const whole = /^\w+$/.test(name)
            ? textWords.has(name)
            : new RegExp(`(^|[^\\w])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`, 'm').test(text);
          const cut = () => [...Array(name.length).keys()].some((k) => k > 0 && text.includes(`${name.slice(0, k)}…`));
          assert.ok(whole || cut(), `${name} appears whole or cut with "…"`);
        }
      }
    });
  }
});

describe('the width', () => {
  it('--width, else the terminal, else COLUMNS, else up to 160 columns for piped output', async () => {
    assert.equal(outputWidth(90, 120, { COLUMNS: '100' }), 90);
    assert.equal(outputWidth(undefined, 120, { COLUMNS: '100' }), 120);
    assert.equal(outputWidth(undefined, undefined, { COLUMNS: '100' }), 100);
    assert.equal(outputWidth(undefined, undefined, { COLUMNS: 'wide' }), PIPED_WIDTH);
    assert.equal(outputWidth(undefined, undefined, {}), 160);
  });

  for (const model of ['resnet50', 'densenet121']) {
    it(`COLUMNS=160 merge-summary ${model} | cat: at most 160 columns, and it uses them`, async () => {
      const { stdout } = await runCli([fixture(`${model}.yaml`)], { env: { COLUMNS: '160' } });
      const widths = stdout.split('\n').map(displayWidth);
      assert.ok(Math.max(...widths) <= 160, `${Math.max(...widths)} columns`);
      assert.ok(widths.some((w) => w > 140), `widest line ${Math.max(...widths)}`);
    });
  }

  it('piped without COLUMNS: the content\'s width when it is less than 160', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml')]);
    assert.doesNotMatch(stdout, /…/);
    // Widest entries: "batch_normalization_1 (BatchNormalization)" 42, "(None, 32, 32, 128)" 19,
    // "3,145,752" 9, "conv2d_1[0][0], conv2d_3[0][0]" 30, "◆ 64 ⧺ 64 → 128 on axis -1" 26; borders 16.
    assert.equal(displayWidth(stdout.split('\n')[1]), 42 + 19 + 9 + 30 + 26 + 16);
  });

  it('narrower than names and shapes allow: the output says how wide it is, rather than cut one', async () => {
    const fits = await runCli([fixture('resnet50.yaml'), '--width', '100']);
    assert.equal(fits.stderr, '');
    const { stdout, stderr } = await runCli([fixture('resnet50.yaml'), '--width', '60']);
    const widest = Math.max(...stdout.split('\n').map(displayWidth));
    assert.ok(widest > 60);
    assert.equal(stderr, `note: the output needs ${widest} columns, more than the 60 it was given: entries were cut with "…", but a column is never narrower than its heading's longest word\n`);
    // What is too wide is an affected-layers table, its columns no narrower than their headings' longest
    // words: "Affected" 8 and four headings ending in "Concatenate" 11, padding 5 · 2, borders 6, indent 2.
    assert.equal(widest, 2 + 6 + 5 * 2 + 8 + 4 * 11);
    const tooWide = stdout.split('\n').filter((line) => displayWidth(line) > 60);
    assert.ok(tooWide.every((line) => /^ {2}[┏┃┡│├└]/.test(line)), tooWide.find((line) => !/^ {2}[┏┃┡│├└]/.test(line)));
  });

  it('the lines under the table wrap to the width too: a peak\'s layer name, a cost\'s reason, the unverified note', async () => {
    // " Peak activations (inference): 8.04 MB, at conv2_block6_0_relu" is 62 columns unwrapped.
    const { stdout, stderr } = await runCli([fixture('densenet121.yaml'), '--width', '60']);
    assert.equal(stderr, '');
    assert.match(stdout, /\n Peak activations \(inference\): 8\.04 MB, at\n {3}conv2_block6_0_relu\n/);
    assert.ok(stdout.split('\n').every((line) => displayWidth(line) <= 60));
    const layers = [
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8], dtype: 'float32' } },
      { class_name: 'Lambda', config: { name: 'a_rather_long_lambda_layer_name', function: 'x', function_type: 'lambda' } },
      { class_name: 'Dense', config: { name: 'a_rather_long_dense_layer_name', units: 4 } },
    ];
    const unknown = writeTemp('lambda-footer.json', JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers } }));
    const guessed = await runCli([unknown, '--allow-unknown', '--width', '60']);
    assert.equal(guessed.status, 0, guessed.stderr);
    const footer = guessed.stdout.slice(guessed.stdout.indexOf(' Total params:'));
    assert.match(footer, /\n Total mult-adds: unknown \(a_rather_long_lambda_layer_name\n {3}\(Lambda\): it runs arbitrary code/);
    assert.match(footer, / \? unverified: 2 layers of unknown class or after one;/);
    assert.ok(footer.split('\n').every((line) => displayWidth(line) <= 60), footer);
  });

  it('a narrow terminal: merge notes leave the table for a list under it, one line per merge', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml'), '--width', '100']);
    assert.doesNotMatch(stdout.split('\n')[2], /Merge/);
    assert.match(stdout, /\n ◆ concatenate: 64 ⧺ 64 → 128 on axis -1\n/);
  });
});

/** The rows of a printed table: each row's cells, lines joined, and the first line of its first cell as printed. */
function tableRows(text: string): { cells: string[]; firstLine: string }[] {
  const rows: { cells: string[]; firstLine: string }[] = [];
  let current: string[][] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('│')) {
      const cells = line.split('│').slice(1, -1);
      if (!current) current = cells.map(() => []);
      cells.forEach((cell, i) => current![i].push(cell));
    } else if (current) {
      rows.push({ cells: current.map((lines) => lines.map((l) => l.trim()).filter(Boolean).join(' ')), firstLine: current[0][0].slice(1).trimEnd() });
      current = undefined;
    }
  }
  return rows;
}

describe("Keras's summary options, against what Keras 3.15.1 prints (tools/keras-printed.py)", () => {
  it('--expand-nested: the "   └ " prefix per level, "-" for the inner connections, the same rows', async () => {
    const keras = tableRows(printed('nested-frozen.expand_nested.show_trainable.txt'));
    const ours = tableRows((await runCli([NESTED, '--expand-nested', '--show-trainable', '--width', '200'])).stdout);
    assert.deepEqual(ours.map((r) => r.firstLine), keras.map((r) => r.firstLine));
    // Layer (type), Output Shape, Param #, and "Connected to" of the nested rows.
    assert.deepEqual(ours.map((r) => r.cells.slice(0, 3)), keras.map((r) => r.cells.slice(0, 3)));
    assert.deepEqual(ours.map((r) => (r.firstLine.startsWith(' ') ? r.cells[3] : '')), keras.map((r) => (r.firstLine.startsWith(' ') ? r.cells[3] : '')));
  });

  it('--show-trainable: Y, N or "-" for each layer', async () => {
    const keras = tableRows(printed('nested-frozen.expand_nested.show_trainable.txt'));
    const ours = tableRows((await runCli([NESTED, '--expand-nested', '--show-trainable', '--width', '200'])).stdout);
    // The frozen Sequentials' own rows are the known difference (see the next test).
    const containers = new Set([1, 2]);
    assert.deepEqual(ours.map((r, i) => (containers.has(i) ? '' : r.cells[4])), keras.map((r, i) => (containers.has(i) ? '' : r.cells[4])));
  });

  it('a frozen nested model\'s own row, and its call\'s node index, as Keras prints them', async () => {
    const keras = tableRows(printed('nested-frozen.expand_nested.show_trainable.txt'));
    const ours = tableRows((await runCli([NESTED, '--expand-nested', '--show-trainable', '--width', '200'])).stdout);
    assert.deepEqual(ours.map((r) => r.cells.slice(0, 5)), keras.map((r) => r.cells.slice(0, 5)));
  });

  it('--layer-range takes names as Keras does: "outer" matches the start of outer_block', async () => {
    const keras = tableRows(printed('nested-frozen.layer_range.txt'));
    const ours = tableRows((await runCli([NESTED, '--layer-range', 'outer:head', '--width', '200'])).stdout);
    assert.deepEqual(ours.map((r) => r.cells.slice(0, 3)), keras.map((r) => r.cells.slice(0, 3)));
  });

  it('--depth N: torchinfo\'s levels of rows; 1 is the model\'s own layers', async () => {
    const rows = async (depth: string) => tableRows((await runCli([NESTED, '--depth', depth, '--width', '200'])).stdout).map((r) => r.firstLine.trim());
    assert.deepEqual((await rows('1')), ['x (InputLayer)', 'outer_block (Sequential)', 'head (Dense)', 'add (Add)', 'norm (Normalization)']);
    assert.deepEqual((await rows('2')), ['x (InputLayer)', 'outer_block (Sequential)', '└ inner (Sequential)', '└ deep (Dense)', 'head (Dense)', 'add (Add)', 'norm (Normalization)']);
    assert.deepEqual((await rows('3')), tableRows((await runCli([NESTED, '--expand-nested', '--width', '200'])).stdout).map((r) => r.firstLine.trim()));
    const zero = await runCli([NESTED, '--depth', '0']);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /--depth counts levels of rows from 1/);
    assert.equal((await runCli([NESTED, '--depth', '2', '--expand-nested'])).status, 2);
  });
});

describe('--layer-range', () => {
  const names = ['input_layer', 'conv2d', 'conv2d_2', 'conv2d_1', 'conv2d_3', 'concatenate', 'flatten'];
  it('exact names first; otherwise a pattern at the start of names, as Keras\'s re.match', async () => {
    assert.deepEqual(resolveLayerRange('conv2d:conv2d', names), { first: 1, last: 1 });
    assert.deepEqual(resolveLayerRange('conv2d_2:concat', names), { first: 2, last: 5 });
    assert.deepEqual(resolveLayerRange('conv2d_.:flatten', names), { first: 2, last: 6 });
  });
  it('FIRST after LAST gives the same rows, as in Keras; an empty side is the first or last layer', async () => {
    assert.deepEqual(resolveLayerRange('flatten:conv2d', names), { first: 1, last: 6 });
    assert.deepEqual(resolveLayerRange(':conv2d_2', names), { first: 0, last: 2 });
    assert.deepEqual(resolveLayerRange('concatenate:', names), { first: 5, last: 6 });
  });
  it('a name no layer has is exit 2 with "did you mean"', async () => {
    const result = await runCli([fixture('seed-concat.yaml'), '--layer-range', 'conv2d_1:flaten']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--layer-range: no layer "flaten" in the model; did you mean "flatten"/);
    assert.equal((await runCli([fixture('seed-concat.yaml'), '--layer-range', 'conv2d_1'])).status, 2);
    assert.equal((await runCli([fixture('seed-concat.yaml'), '--layer-range', 'conv2d_1:flatten', '--json'])).status, 2);
  });
  it('the table shows those rows, the footer is the whole model\'s (as Keras)', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml'), '--layer-range', 'conv2d_1:flatten', '--width', '200']);
    assert.deepEqual(tableRows(stdout).map((r) => r.cells[0]), ['conv2d_1 (Conv2D)', 'conv2d_3 (Conv2D)', 'concatenate (Concatenate)', 'flatten (Flatten)']);
    assert.match(stdout, /Total params: 8,086,546/);
  });
});

describe('other options', () => {
  it('--merges none: no merge impact section', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml'), '--merges', 'none']);
    assert.doesNotMatch(stdout, /Merge impact/);
    assert.match((await runCli([fixture('seed-concat.yaml')])).stdout, /Merge impact/);
  });

  it('--version: the version alone on the first line', async () => {
    const { stdout, status } = await runCli(['--version']);
    assert.equal(status, 0);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(stdout.split('\n')[0], `merge-summary ${version}`);
  });

  it('--format markdown: a GitHub table, shapes whole (no-break spaces), "|" escaped', async () => {
    const { stdout } = await runCli([fixture('seed-add.yaml'), '--format', 'markdown']);
    assert.match(stdout, /^\| Layer \(type\) \| Output Shape \| Param # \| Connected to \| Merge \|$/m);
    assert.match(stdout, /^\| `add` \(Add\) \| `\(None,\u00a032,\u00a032,\u00a064\)` \| 0 \| `conv2d_1\[0\]\[0\]`, `conv2d_3\[0\]\[0\]` \| ◆ 64 \+ 64 → 64 \|$/m);
    const piped = layer('a|b', 'Dense', [], [null, 2]);
    assert.match(renderSummaryMarkdown(syntheticSummary([piped]), {}), /\| `a\\\|b` \(Dense\) \|/);
  });
});

describe('the README and docs/', () => {
  for (const document of DOCUMENTS) {
    it(`the examples of ${relative(ROOT, document)} are what the CLI prints (npm run readme regenerates them)`, async () => {
      const current = readFileSync(document, 'utf8');
      const fresh = await renderReadme(current, (args) => runCli(args, { cwd: ROOT }));
      assert.ok(fresh === current, `${relative(ROOT, document)}: examples out of date: run npm run readme`);
    });
  }
});
