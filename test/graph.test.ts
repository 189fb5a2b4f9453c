import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ROOT, fixture, runCli, writeTemp } from './helpers.js';

const golden = (name: string) => readFileSync(join(ROOT, 'test', 'golden', 'graph', name), 'utf8');

describe('merge-summary graph', () => {
  for (const model of ['seed-add', 'seed-concat']) {
    it(`${model}: the DOT and the Mermaid are pinned`, async () => {
      assert.equal((await runCli(['graph', fixture(`${model}.yaml`)])).stdout, golden(`${model}.dot`));
      const mmd = writeTemp(`${model}.mmd`, '');
      assert.equal((await runCli(['graph', fixture(`${model}.yaml`), '-o', mmd])).status, 0);
      assert.equal(readFileSync(mmd, 'utf8'), golden(`${model}.mmd`));
    });
  }

  it('the SVG is XML with one node per layer, each with its shapes', async () => {
    const svg = writeTemp('seed-concat.svg', '');
    const result = await runCli(['graph', fixture('seed-concat.yaml'), '-o', svg]);
    assert.equal(result.status, 0, result.stderr);
    const text = readFileSync(svg, 'utf8');
    assert.equal(XMLValidator.validate(text), true);
    const doc = new XMLParser({ ignoreAttributes: false, htmlEntities: true }).parse(text);
    const groups = [doc.svg.g.g].flat().filter((g: Record<string, string>) => g['@_class'] === 'node' && g.title !== 'legend');
    const layers = JSON.parse((await runCli([fixture('seed-concat.yaml'), '--json'])).stdout).layers as { name: string; outputShape: (number | null)[] }[];
    assert.deepEqual(groups.map((g: { title: string }) => g.title).sort(), layers.map((l) => l.name).sort());
    const nodeText = (name: string) => JSON.stringify(groups.find((g: { title: string }) => g.title === name));
    assert.match(nodeText('concatenate'), /output: \(None, 32, 32, 128\)/);
    assert.match(nodeText('concatenate'), /64 ⧺ 64 → 128 on axis -1/);
    assert.match(nodeText('flatten'), /output: \(None, 131072\)/);
    assert.match(nodeText('dense'), /concatenate as Add: params 3,145,752 → 1,572,888/);
    // Merges and their footprint are coloured; the rest is not.
    assert.match(nodeText('concatenate'), /#f5d0fe/);
    assert.match(nodeText('dense'), /#fef3c7/);
    assert.doesNotMatch(nodeText('dense_1'), /#fef3c7|#f5d0fe/);
  });

  /** A PNG's size from its header. */
  const pngSize = (bytes: Buffer) => {
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  };
  /**
   * How tall a PNG's text is: the labels' font size in the SVG of the same
   * picture (Graphviz's output), in pixels at the PNG's scale.
   */
  const textPixels = (svg: string, png: Buffer) => {
    // The labels of the layers' nodes (the picture's title is larger).
    const fontPoints = Number(/<g id="node\d+" class="node">[\s\S]*?<text[^>]*font-size="([\d.]+)"/.exec(svg)![1]);
    const svgWidthPixels = Number(/<svg[^>]*width="([\d.]+)pt"/.exec(svg)![1]) * (4 / 3);
    return fontPoints * (4 / 3) * (pngSize(png).width / svgWidthPixels);
  };

  for (const model of ['seed-add', 'resnet50']) {
    it(`${model}: the PNG is an image whose text is at least 10 px high`, async () => {
      const png = writeTemp(`${model}.png`, '');
      const result = await runCli(['graph', fixture(`${model}.yaml`), '-o', png]);
      assert.equal(result.status, 0, result.stderr);
      const bytes = readFileSync(png);
      const { width, height } = pngSize(bytes);
      assert.ok(Math.max(width, height) <= 16384 && width * height <= 25_000_000, `${width}×${height}`);
      assert.ok(bytes.length > 20_000, 'there is text and boxes in it');
      const svg = (await runCli(['graph', fixture(`${model}.yaml`), '--format', 'svg'])).stdout;
      const text = textPixels(svg, bytes);
      assert.ok(text >= 10, `text ${text.toFixed(1)} px high`);
      assert.match(result.stderr, new RegExp(`${width}×${height} px, text ${text.toFixed(0)} px high`));
    });
  }

  it('a picture too large for a legible PNG is written as an SVG beside it, and says so; never a sliver', async () => {
    const png = writeTemp('densenet121-every-layer.png', 'a file of the user that must not be replaced by a sliver');
    // --force: the legibility rule alone keeps the file, not the rule against replacing a user's file.
    const result = await runCli(['graph', fixture('densenet121.yaml'), '--all-layers', '-o', png, '--force']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /not writing .*densenet121-every-layer\.png: a PNG of 429 nodes within 16,384 px a side and 25 megapixels would have text [\d.]+ px high \(10 px is the least one can read\); wrote .*densenet121-every-layer\.svg instead/);
    assert.equal(readFileSync(png, 'utf8'), 'a file of the user that must not be replaced by a sliver');
    const svg = readFileSync(png.replace(/\.png$/, '.svg'), 'utf8');
    assert.equal(XMLValidator.validate(svg), true);
  });

  it('-o - writes to standard output in the --format asked; a format and an extension that disagree are refused', async () => {
    assert.match((await runCli(['graph', fixture('seed-add.yaml'), '-o', '-', '--format', 'svg'])).stdout, /^<\?xml/);
    assert.match((await runCli(['graph', fixture('seed-add.yaml'), '-o', '-', '--format', 'mmd'])).stdout, /^flowchart TB/);
    assert.equal((await runCli(['graph', fixture('seed-add.yaml'), '-o', '-'])).stdout, golden('seed-add.dot'));
    const disagree = await runCli(['graph', fixture('seed-add.yaml'), '-o', writeTemp('x.svg', ''), '--format', 'png']);
    assert.equal(disagree.status, 2);
    assert.match(disagree.stderr, /--format png and -o .*x\.svg disagree; give one/);
  });

  it('a legend says what the colours mean, for those the picture uses', async () => {
    const plain = (await runCli(['graph', fixture('seed-add.yaml')])).stdout;
    assert.match(plain, /"legend" \[label=<.*a merge \(Add, Concatenate, \.\.\.\).*its shape or size depends on a merge/);
    assert.doesNotMatch(plain, /differs from the compared model/);
    const compared = (await runCli(['graph', fixture('seed-add.yaml'), '--compare', fixture('seed-concat.yaml')])).stdout;
    assert.match(compared, /"legend" \[label=<.*differs from the compared model/);
  });

  it('--compare marks the layers that differ from the other model', async () => {
    const dot = (await runCli(['graph', fixture('seed-add.yaml'), '--compare', fixture('seed-concat.yaml')])).stdout;
    assert.match(dot, /label=<<B>seed-add<\/B> compared with seed-concat>/);
    const node = (name: string) => dot.split('\n').find((line) => line.startsWith(`  "${name}" [`)) as string;
    assert.match(node('add'), /≠ type Add vs Concatenate/);
    assert.match(node('flatten'), /≠ output vs \(None, 131072\)/);
    assert.match(node('dense'), /≠ params 1,572,888 vs 3,145,752/);
    for (const name of ['add', 'flatten', 'dense']) assert.match(node(name), /#fed7aa/);
    assert.doesNotMatch(node('dense_1'), /≠|#fed7aa/);
  });

  it('--rankdir, --no-shapes, --params', async () => {
    const dot = (await runCli(['graph', fixture('residual-block.yaml'), '--rankdir', 'LR', '--no-shapes', '--params'])).stdout;
    assert.match(dot, /rankdir=LR/);
    assert.doesNotMatch(dot, /output: \(/);
    assert.match(dot, /"project" .*params: 8,320/);
  });

  it('large models: repeated blocks become one node each unless --all-layers', async () => {
    const collapsed = (await runCli(['graph', fixture('densenet121.yaml')])).stdout;
    const nodes = (dot: string) => dot.split("\n").filter((line) => /^ +"[^"]+" \[label=/.test(line) && !line.includes(`"legend" [`)).length;
    // DenseNet121's 58 conv blocks of 7 layers (0_bn, 0_relu, 1_conv, 1_bn, 1_relu, 2_conv, concat) become one node each.
    assert.equal(nodes(collapsed), 429 - 58 * 7 + 58);
    assert.match(collapsed, /"conv2_block1" \[label=.*7 layers.*◆ ends in conv2_block1_concat/);
    assert.equal(nodes((await runCli(['graph', fixture('densenet121.yaml'), '--all-layers'])).stdout), 429);
  });

  it('an unknown extension is an error, exit 2, and writes nothing', async () => {
    const result = await runCli(['graph', fixture('seed-add.yaml'), '-o', 'picture.gif']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /-o picture\.gif: the extension picks the format, one of \.svg, \.png, \.dot, \.gv, \.mmd/);
  });
});
