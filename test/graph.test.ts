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
    const groups = [doc.svg.g.g].flat().filter((g: Record<string, string>) => g['@_class'] === 'node');
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

  it('the PNG is a valid image of sensible size', async () => {
    const png = writeTemp('seed-add.png', '');
    assert.equal((await runCli(['graph', fixture('seed-add.yaml'), '-o', png])).status, 0);
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
    const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    assert.ok(width > 600 && width < 3000, `width ${width}`);
    assert.ok(height > 1000 && height < 4096, `height ${height}`);
    assert.ok(bytes.length > 20_000, 'there is text and boxes in it');
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
    const nodes = (dot: string) => dot.split('\n').filter((line) => /^ +"[^"]+" \[label=/.test(line)).length;
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
