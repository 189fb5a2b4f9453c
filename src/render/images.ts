import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Lays the Graphviz source out to SVG with Graphviz compiled to WebAssembly
 * (@viz-js/viz, inside its npm package): no system Graphviz, nothing
 * downloaded. Loaded only when a picture is asked for.
 */
export async function svgFromDot(dot: string): Promise<string> {
  // require(), not import(): the V8 code cache the CLI uses compiles modules without a dynamic-import hook.
  const { instance } = require('@viz-js/viz') as typeof import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success' || result.output === undefined) {
    throw new Error(`Graphviz could not lay the graph out: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

/** The longest side of a PNG, in pixels: beyond it a picture is scaled down to fit. */
const MAX_PNG_SIDE = 4096;

/**
 * Rasterises the SVG with resvg and the DejaVu Sans fonts in this package's
 * fonts/ folder, never the system's fonts: the same picture on every machine.
 */
export async function pngFromSvg(svg: string, scale: number): Promise<Buffer> {
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const fonts = fontFolder();
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: fit(svg, scale),
    font: {
      loadSystemFonts: false,
      fontFiles: [join(fonts, 'DejaVuSans.ttf'), join(fonts, 'DejaVuSans-Bold.ttf')],
      defaultFontFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** Zoom by `scale`, unless that makes the longest side larger than MAX_PNG_SIDE. */
function fit(svg: string, scale: number): { mode: 'zoom'; value: number } | { mode: 'width' | 'height'; value: number } {
  const size = (name: string) => Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)pt"`).exec(svg)?.[1] ?? 0) * (4 / 3);
  const width = size('width');
  const height = size('height');
  if (Math.max(width, height) * scale <= MAX_PNG_SIDE) return { mode: 'zoom', value: scale };
  return width >= height ? { mode: 'width', value: MAX_PNG_SIDE } : { mode: 'height', value: MAX_PNG_SIDE };
}

/** The package's fonts/ folder, found from the sources (src/render) or from the bundle (dist). */
function fontFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'fonts', 'DejaVuSans.ttf'))) return join(dir, 'fonts');
    if (dirname(dir) === dir) throw new Error('merge-summary cannot find its fonts/ folder (DejaVuSans.ttf)');
  }
}
