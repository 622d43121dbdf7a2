/**
 * `npm run draw:icons`: draws the tray icons (per state, for light and dark taskbars, 16 and
 * 32 px) and the app icon (512 px PNG, and an ICO with 16 to 256 px) into assets/. The output
 * is committed; test/electron-icons.test.ts checks that it matches this script.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TRAY_STATES, type TrayState } from '../src-main/tray/tray-state.js';
import { TASKBAR_THEMES, type TaskbarTheme } from '../src-main/tray/tray-icons.js';
import { encodeIco, encodePng, type RgbaImage } from './icons/image-files.js';

/** Tells whether a point of the design grid lies inside a shape. */
type Shape = (x: number, y: number) => boolean;
type Color = readonly [number, number, number, number];

/** One drawing step: paint a shape in a colour, or erase it to transparency. */
type Layer = { shape: Shape; color: Color } | { shape: Shape; erase: true };

// Shapes in design units; every icon is drawn on a grid of GRID x GRID units.
const GRID = 16;

function roundRect(x0: number, y0: number, x1: number, y1: number, radius: number): Shape {
  return (x, y) => {
    const dx = Math.max(x0 + radius - x, 0, x - (x1 - radius));
    const dy = Math.max(y0 + radius - y, 0, y - (y1 - radius));
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= radius * radius;
  };
}

function circle(cx: number, cy: number, radius: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

/** Returns a line from a to b with round ends, `width` units thick. */
function stroke(ax: number, ay: number, bx: number, by: number, width: number): Shape {
  const lengthSquared = (bx - ax) ** 2 + (by - ay) ** 2;
  return (x, y) => {
    const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / lengthSquared));
    const px = ax + t * (bx - ax);
    const py = ay + t * (by - ay);
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2;
  };
}

function union(...shapes: Shape[]): Shape {
  return (x, y) => shapes.some((shape) => shape(x, y));
}

function difference(outer: Shape, inner: Shape): Shape {
  return (x, y) => outer(x, y) && !inner(x, y);
}

// 4 x 4 samples per pixel give 17 levels of coverage, enough for smooth edges at 16 px.
const SAMPLES = 4;

/** Renders layers at `size` pixels, anti-aliased by supersampling, into straight-alpha RGBA. */
function render(size: number, layers: Layer[]): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  const unit = GRID / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied colour of this pixel, composited layer by layer.
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const layer of layers) {
        let covered = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
          for (let sx = 0; sx < SAMPLES; sx++) {
            if (layer.shape((px + (sx + 0.5) / SAMPLES) * unit, (py + (sy + 0.5) / SAMPLES) * unit)) covered++;
          }
        }
        const coverage = covered / (SAMPLES * SAMPLES);
        if ('erase' in layer) {
          [r, g, b, a] = [r * (1 - coverage), g * (1 - coverage), b * (1 - coverage), a * (1 - coverage)];
          continue;
        }
        const alpha = coverage * layer.color[3];
        r = layer.color[0] * alpha + r * (1 - alpha);
        g = layer.color[1] * alpha + g * (1 - alpha);
        b = layer.color[2] * alpha + b * (1 - alpha);
        a = alpha + a * (1 - alpha);
      }
      const offset = (py * size + px) * 4;
      pixels[offset] = a === 0 ? 0 : Math.round((r / a) * 255);
      pixels[offset + 1] = a === 0 ? 0 : Math.round((g / a) * 255);
      pixels[offset + 2] = a === 0 ? 0 : Math.round((b / a) * 255);
      pixels[offset + 3] = Math.round(a * 255);
    }
  }
  return { width: size, height: size, pixels };
}

function hex(value: string): Color {
  const n = Number.parseInt(value.slice(1), 16);
  return [((n >> 16) & 0xff) / 255, ((n >> 8) & 0xff) / 255, (n & 0xff) / 255, 1];
}

/** Returns the archive box: a lid, a box below it and a handle slot, in the 16-unit grid. */
function archiveBox(): Shape {
  const lid = roundRect(1.5, 2, 14.5, 5.6, 0.9);
  const body = difference(roundRect(2.5, 5, 13.5, 14.2, 1.2), roundRect(3.9, 5, 12.1, 12.8, 0.4));
  const slot = stroke(6.2, 8.3, 9.8, 8.3, 1.4);
  return union(lid, body, slot);
}

// Badge of a state in the lower right corner; idle has none, so the everyday icon stays calm.
const BADGE = { x: 12, y: 12, radius: 4, gap: 1.1 };

const STATE_COLORS: Record<Exclude<TrayState, 'idle'>, { fill: string; mark: string }> = {
  running: { fill: '#0f6cbd', mark: '#ffffff' },
  warning: { fill: '#f7b500', mark: '#1f1f1f' },
  error: { fill: '#d13438', mark: '#ffffff' },
  stopped: { fill: '#8a8886', mark: '#ffffff' },
};

function badgeMark(state: Exclude<TrayState, 'idle'>): Shape {
  const { x, y } = BADGE;
  switch (state) {
    case 'running':
      // An arrow pointing down, into the archive.
      return union(stroke(x, y - 2.2, x, y + 1.8, 1.3), stroke(x - 1.8, y, x, y + 1.9, 1.3), stroke(x + 1.8, y, x, y + 1.9, 1.3));
    case 'warning':
      return union(stroke(x, y - 2.3, x, y + 0.5, 1.4), circle(x, y + 2, 0.75));
    case 'error':
      return union(stroke(x - 1.6, y - 1.6, x + 1.6, y + 1.6, 1.3), stroke(x - 1.6, y + 1.6, x + 1.6, y - 1.6, 1.3));
    case 'stopped':
      return union(roundRect(x - 1.9, y - 2, x - 0.6, y + 2, 0.3), roundRect(x + 0.6, y - 2, x + 1.9, y + 2, 0.3));
  }
}

/** Layers of the tray icon of a state: the glyph contrasts with the taskbar, the badge carries the state. */
function trayLayers(state: TrayState, theme: TaskbarTheme): Layer[] {
  const glyph = hex(theme === 'light' ? '#1f1f1f' : '#ffffff');
  const layers: Layer[] = [{ shape: archiveBox(), color: glyph }];
  if (state === 'idle') {
    return layers;
  }
  const colors = STATE_COLORS[state];
  layers.push(
    { shape: circle(BADGE.x, BADGE.y, BADGE.radius + BADGE.gap), erase: true },
    { shape: circle(BADGE.x, BADGE.y, BADGE.radius), color: hex(colors.fill) },
    { shape: badgeMark(state), color: hex(colors.mark) },
  );
  return layers;
}

/** Layers of the app icon: the white archive box on a blue rounded square. */
function appIconLayers(): Layer[] {
  const scale = 0.62;
  const offset = (GRID - GRID * scale) / 2;
  const box = archiveBox();
  return [
    { shape: roundRect(0.5, 0.5, 15.5, 15.5, 3), color: hex('#0f6cbd') },
    { shape: (x, y) => box((x - offset) / scale, (y - offset) / scale + 0.3), color: hex('#ffffff') },
  ];
}

/** Sizes of the Windows app icon: the shell's views from small icons (16) to extra large (256). */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
export const APP_ICON_SIZE = 512;

/** Draws every icon and returns the files by path relative to assets/. */
export function drawIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const state of TRAY_STATES) {
    for (const theme of TASKBAR_THEMES) {
      files.set(`tray/${state}-${theme}.png`, encodePng(render(16, trayLayers(state, theme))));
      files.set(`tray/${state}-${theme}@2x.png`, encodePng(render(32, trayLayers(state, theme))));
    }
  }
  files.set('icon.png', encodePng(render(APP_ICON_SIZE, appIconLayers())));
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: encodePng(render(size, appIconLayers())) }))));
  return files;
}

export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

async function main(): Promise<void> {
  const files = drawIcons();
  for (const [relative, data] of files) {
    const file = path.join(ASSETS_DIR, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }
  console.log(`wrote ${files.size} icon files to ${ASSETS_DIR}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
