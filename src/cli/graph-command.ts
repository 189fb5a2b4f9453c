import { Option, type Command } from 'commander';
import { extname } from 'node:path';
import { diffModels } from '../analysis/diff.js';
import { pictureOf } from '../analysis/picture.js';
import { UserError } from '../core/errors.js';
import { analyzeFileAsync } from '../pipeline.js';
import { renderDot, type DotOptions } from '../render/dot.js';
import { pngFromSvg, svgFromDot } from '../render/images.js';
import { isMadeByMergeSummary, signDot, signMermaid, signPng, signSvg } from '../render/made-by.js';
import { renderMermaid } from '../render/mermaid.js';
import type { Io } from './io.js';
import { addModelOptions, readOptions, type ModelOptions } from './output.js';
import { commitWrite, planWrite } from './safe-write.js';

interface GraphOptions extends ModelOptions {
  output?: string;
  rankdir: 'TB' | 'LR';
  shapes: boolean;
  params?: boolean;
  compare?: string;
  allLayers?: boolean;
  force?: boolean;
}

const FORMATS = ['.svg', '.png', '.dot', '.gv', '.mmd'];

/** Big pictures are rasterised at a smaller scale, so that a PNG stays a usable size. */
const pngScale = (nodes: number) => (nodes > 150 ? 1 : 2);

export function addGraphCommand(program: Command, io: Io): void {
  addModelOptions(
    program
    .command('graph')
    .description('draw the model like Keras plot_model, with merges and what they decide coloured')
    .argument('<model>', 'a model spec or Keras / TF.js file')
    .option('-o, --output <file>', `write the picture here; the extension picks the format: ${FORMATS.join(', ')} (default: DOT on standard output)`)
    .addOption(new Option('--rankdir <direction>', 'TB (top to bottom) or LR (left to right, for deep models)').choices(['TB', 'LR']).default('TB'))
    .option('--no-shapes', 'leave out the input and output shapes')
    .option('--params', 'show each layer\'s parameter count')
    .option('--compare <model>', 'mark the layers that differ from this other model')
    .option('--all-layers', 'in a model of more than 150 layers, draw every layer instead of one node per repeated block')
    .option('--force', 'let -o replace an existing file that merge-summary did not write'),
  ).action(async (model: string, options: GraphOptions) => {
      const format = options.output ? extname(options.output).toLowerCase() : '.dot';
      if (!FORMATS.includes(format)) throw new UserError('usage', `-o ${options.output}: the extension picks the format, one of ${FORMATS.join(', ')}`);
      // Checked before any work: a picture must never replace a model or a file of the user's.
      const plan = options.output
        ? planWrite(options.output, { inputs: [model, ...(options.compare ? [options.compare] : [])], force: Boolean(options.force), isOurs: isMadeByMergeSummary, what: 'the picture' })
        : undefined;
      const summary = await analyzeFileAsync(model, readOptions(options));
      const diff = options.compare ? diffModels(summary, await analyzeFileAsync(options.compare, { ...readOptions(options), merges: false })) : undefined;
      const picture = pictureOf(summary, diff, { allLayers: options.allLayers });
      const dotOptions: DotOptions = { rankdir: options.rankdir, shapes: options.shapes, params: Boolean(options.params) };
      let content: string | Uint8Array;
      if (format === '.mmd') content = signMermaid(renderMermaid(picture, dotOptions));
      else {
        const dot = renderDot(picture, dotOptions);
        if (format === '.dot' || format === '.gv') content = signDot(dot);
        else {
          const svg = await svgFromDot(dot);
          content = format === '.svg' ? signSvg(svg) : signPng(await pngFromSvg(svg, pngScale(picture.nodes.length)));
        }
      }
      if (!plan || !options.output) {
        io.stdout.write(content);
        return;
      }
      commitWrite(plan, content);
      io.stderr.write(`wrote ${options.output} (${picture.nodes.length} nodes for ${summary.layers.length} layers)\n`);
    });
}
