import { Option, type Command } from 'commander';
import { extname } from 'node:path';
import { diffModels } from '../analysis/diff.js';
import { canCollapse, pictureOf, type Picture } from '../analysis/picture.js';
import type { ModelSummary } from '../analysis/types.js';
import type { ModelDiff } from '../analysis/diff.js';
import { UserError } from '../core/errors.js';
import { formatCount } from '../core/numbers.js';
import { analyzeFileAsync } from '../pipeline.js';
import { renderDot, type DotOptions } from '../render/dot.js';
import { MAX_PNG_PIXELS, MAX_PNG_SIDE, MIN_TEXT_PIXELS, planPng, pngFromSvg, svgFromDot, type PngPlan } from '../render/images.js';
import { isMadeByMergeSummary, signDot, signMermaid, signPng, signSvg } from '../render/made-by.js';
import { renderMermaid } from '../render/mermaid.js';
import type { Io } from './io.js';
import { addModelOptions, readOptions, type ModelOptions } from './output.js';
import { commitWrite, planWrite } from './safe-write.js';

type PictureFormat = 'svg' | 'png' | 'dot' | 'mmd';

interface GraphOptions extends ModelOptions {
  output?: string;
  force?: boolean;
  format?: PictureFormat;
  rankdir?: 'TB' | 'LR';
  shapes: boolean;
  params?: boolean;
  compare?: string;
  allLayers?: boolean;
}

/** The format each file extension stands for. */
const EXTENSIONS: Record<string, PictureFormat> = { '.svg': 'svg', '.png': 'png', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mmd' };

export function addGraphCommand(program: Command, io: Io): void {
  addModelOptions(
    program
      .command('graph')
      .description('draw the model like Keras plot_model, with merges and what they decide coloured')
      .argument('<model>', 'a model spec or Keras / TF.js file')
      .option('-o, --output <file>', `write the picture here (- for standard output); the extension picks the format: ${Object.keys(EXTENSIONS).join(', ')} (default: DOT on standard output)`)
      .addOption(new Option('--format <format>', 'the format, when -o gives none (-o -, or no -o): svg, png, dot or mmd').choices(['svg', 'png', 'dot', 'mmd']))
      .addOption(new Option('--rankdir <direction>', 'TB (top to bottom) or LR (left to right); default TB, or LR when only that makes a PNG legible').choices(['TB', 'LR']))
      .option('--no-shapes', 'leave out the input and output shapes')
      .option('--params', 'show each layer\'s parameter count')
      .option('--compare <model>', 'mark the layers that differ from this other model')
      .option('--all-layers', 'in a model of more than 150 layers, draw every layer instead of one node per repeated block')
      .option('--force', 'let -o replace an existing file that merge-summary did not write'),
  ).action(async (model: string, options: GraphOptions) => {
    const toStdout = options.output === undefined || options.output === '-';
    const format = pictureFormat(options, toStdout);
    // Checked before any work: a picture must never replace a model or a file of the user's.
    const inputs = [model, ...(options.compare ? [options.compare] : [])];
    const writeRules = { inputs, force: Boolean(options.force), isOurs: isMadeByMergeSummary, what: 'the picture' };
    const plan = toStdout ? undefined : planWrite(options.output as string, writeRules);
    const summary = await analyzeFileAsync(model, readOptions(options));
    const diff = options.compare ? diffModels(summary, await analyzeFileAsync(options.compare, { ...readOptions(options), merges: false })) : undefined;
    const dotOptions = (rankdir: 'TB' | 'LR'): DotOptions => ({ rankdir, shapes: options.shapes, params: Boolean(options.params) });
    let picture = pictureOf(summary, diff, { allLayers: options.allLayers });
    let content: string | Uint8Array;
    let note = '';
    if (format === 'mmd') content = signMermaid(renderMermaid(picture, dotOptions(options.rankdir ?? 'TB')));
    else if (format === 'dot') content = signDot(renderDot(picture, dotOptions(options.rankdir ?? 'TB')));
    else if (format === 'svg') content = signSvg(await svgFromDot(renderDot(picture, dotOptions(options.rankdir ?? 'TB'))));
    else {
      const legible = await legiblePng(summary, diff, options, dotOptions);
      if ('png' in legible) {
        ({ picture } = legible);
        content = signPng(legible.png);
        note = `, ${legible.plan.width}×${legible.plan.height} px, text ${legible.plan.textPixels.toFixed(0)} px high${legible.rankdir !== (options.rankdir ?? 'TB') ? ', left to right' : ''}`;
      } else {
        // No PNG under the size limits has text one can read: the SVG, which scales, instead of a sliver.
        const svgPath = toStdout ? undefined : (options.output as string).replace(/\.png$/i, '') + '.svg';
        const why = `a PNG of ${legible.picture.nodes.length} nodes within ${legible.limit} would have text ${legible.textPixels.toFixed(1)} px high (${MIN_TEXT_PIXELS} px is the least one can read)`;
        if (!svgPath) throw new UserError('usage', `${why}; ask for --format svg instead`);
        commitWrite(planWrite(svgPath, writeRules), signSvg(legible.svg));
        io.stderr.write(`not writing ${options.output}: ${why}; wrote ${svgPath} instead (an SVG zooms without limit)\n`);
        return;
      }
    }
    if (!plan) {
      io.stdout.write(content);
      return;
    }
    commitWrite(plan, content);
    io.stderr.write(`wrote ${options.output} (${picture.nodes.length} nodes for ${summary.layers.length} layers${note})\n`);
  });
}

function pictureFormat(options: GraphOptions, toStdout: boolean): PictureFormat {
  if (toStdout) return options.format ?? 'dot';
  const extension = extname(options.output as string).toLowerCase();
  const byExtension = Object.prototype.hasOwnProperty.call(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined;
  if (!byExtension) throw new UserError('usage', `-o ${options.output}: the extension picks the format, one of ${Object.keys(EXTENSIONS).join(', ')}`);
  if (options.format && options.format !== byExtension) throw new UserError('usage', `--format ${options.format} and -o ${options.output} disagree; give one`);
  return byExtension;
}

type Legible = { png: Uint8Array; plan: PngPlan; picture: Picture; rankdir: 'TB' | 'LR' } | { svg: string; picture: Picture; textPixels: number; limit: string };

/**
 * A PNG whose text can be read: the picture as asked first; if its text
 * would be too small under the size limits, the other direction (unless
 * --rankdir fixes it), then each repeated block as one node (unless
 * --all-layers). Otherwise the best SVG, to be written instead.
 */
async function legiblePng(summary: ModelSummary, diff: ModelDiff | undefined, options: GraphOptions, dotOptions: (rankdir: 'TB' | 'LR') => DotOptions): Promise<Legible> {
  const directions: ('TB' | 'LR')[] = options.rankdir ? [options.rankdir] : ['TB', 'LR'];
  const pictures = [pictureOf(summary, diff, { allLayers: options.allLayers })];
  if (!options.allLayers && pictures[0].collapsed === undefined && canCollapse(summary)) pictures.push(pictureOf(summary, diff, { collapse: true }));
  let best: { svg: string; picture: Picture; plan: PngPlan } | undefined;
  for (const picture of pictures) {
    for (const rankdir of directions) {
      const svg = await svgFromDot(renderDot(picture, dotOptions(rankdir)));
      const plan = planPng(svg);
      if (plan.textPixels >= MIN_TEXT_PIXELS) return { png: await pngFromSvg(svg, plan), plan, picture, rankdir };
      if (!best || plan.textPixels > best.plan.textPixels) best = { svg, picture, plan };
    }
  }
  const found = best as { svg: string; picture: Picture; plan: PngPlan };
  return { svg: found.svg, picture: found.picture, textPixels: found.plan.textPixels, limit: `${formatCount(MAX_PNG_SIDE)} px a side and ${formatCount(MAX_PNG_PIXELS / 1e6)} megapixels` };
}
