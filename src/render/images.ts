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

/** The font size of every label, in points (renderDot's fontsize). */
export const LABEL_POINTS = 10;
/** The smallest text a PNG may have, in pixels of its height: below it a picture is a sliver nobody can read. */
export const MIN_TEXT_PIXELS = 10;
/** A PNG's size limits: its longest side, and its pixels in all (resvg holds the whole image in memory, 4 bytes a pixel). */
export const MAX_PNG_SIDE = 16384;
export const MAX_PNG_PIXELS = 25_000_000;
/** Small pictures are drawn at twice their size, for sharp text on high-density screens. */
const PREFERRED_ZOOM = 2;

/** How a PNG of an SVG is drawn: its zoom, its size, and the height of its text in pixels. */
export interface PngPlan {
  zoom: number;
  width: number;
  height: number;
  textPixels: number;
}

/** An SVG's size in CSS pixels, from its width and height in points. */
export function svgPixels(svg: string): { width: number; height: number } {
  const size = (name: string) => Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)pt"`).exec(svg)?.[1] ?? 0) * (4 / 3);
  return { width: size('width'), height: size('height') };
}

/**
 * The largest zoom, up to PREFERRED_ZOOM, at which the picture fits the size
 * limits; the plan says how tall its text then is, so that a caller can
 * refuse a sliver (text under MIN_TEXT_PIXELS) rather than write one.
 */
export function planPng(svg: string): PngPlan {
  const { width, height } = svgPixels(svg);
  const zoom = Math.min(PREFERRED_ZOOM, MAX_PNG_SIDE / Math.max(width, height, 1), Math.sqrt(MAX_PNG_PIXELS / Math.max(width * height, 1)));
  return { zoom, width: Math.round(width * zoom), height: Math.round(height * zoom), textPixels: LABEL_POINTS * (4 / 3) * zoom };
}

/**
 * Rasterises the SVG with resvg and the DejaVu Sans fonts in this package's
 * fonts/ folder, never the system's fonts: the same picture on every machine.
 */
export async function pngFromSvg(svg: string, plan: PngPlan): Promise<Buffer> {
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const fonts = fontFolder();
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: plan.zoom },
    font: {
      loadSystemFonts: false,
      fontFiles: [join(fonts, 'DejaVuSans.ttf'), join(fonts, 'DejaVuSans-Bold.ttf')],
      defaultFontFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** The package's fonts/ folder, found from the sources (src/render) or from the bundle (dist). */
function fontFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'fonts', 'DejaVuSans.ttf'))) return join(dir, 'fonts');
    if (dirname(dir) === dir) throw new Error('merge-summary cannot find its fonts/ folder (DejaVuSans.ttf)');
  }
}
