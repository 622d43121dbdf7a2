import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { APP_ICON_SIZE, ASSETS_DIR, drawIcons, ICO_SIZES } from '../scripts/draw-icons.js';
import { crc32 } from '../scripts/icons/image-files.js';
import { TASKBAR_THEMES, trayIconFile } from '../src-main/tray/tray-icons.js';
import { TRAY_STATES } from '../src-main/tray/tray-state.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA rows, read back only for images written with filter 0, as draw-icons writes them. */
  pixels: Uint8Array;
}

/** Decodes a PNG as written by scripts/icons/image-files.ts, checking signature, chunk CRCs and row filters. */
function decodePng(data: Buffer): DecodedPng {
  expect(data.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  let offset = 8;
  const chunks: Array<{ type: string; data: Buffer }> = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    expect(data.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(crc32(data.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data: body });
    offset += 12 + length;
  }
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');

  const header = chunks[0]?.data as Buffer;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  expect(raw.length).toBe((width * 4 + 1) * height);
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    expect(raw[row], `filter of row ${y}`).toBe(0);
    pixels.set(raw.subarray(row + 1, row + 1 + width * 4), y * width * 4);
  }
  return { width, height, bitDepth: header[8] as number, colorType: header[9] as number, pixels };
}

/** Mean brightness (0-255) of the mostly opaque pixels, weighted by alpha. */
function glyphBrightness(image: DecodedPng): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < image.pixels.length; i += 4) {
    const alpha = (image.pixels[i + 3] as number) / 255;
    if (alpha < 0.5) continue;
    sum += (((image.pixels[i] as number) + (image.pixels[i + 1] as number) + (image.pixels[i + 2] as number)) / 3) * alpha;
    weight += alpha;
  }
  return weight === 0 ? 0 : sum / weight;
}

function hasPixel(image: DecodedPng, test: (r: number, g: number, b: number, a: number) => boolean): boolean {
  for (let i = 0; i < image.pixels.length; i += 4) {
    if (test(image.pixels[i] as number, image.pixels[i + 1] as number, image.pixels[i + 2] as number, image.pixels[i + 3] as number)) return true;
  }
  return false;
}

const readAsset = (file: string) => readFileSync(file);

describe('tray icons', () => {
  for (const state of TRAY_STATES) {
    for (const theme of TASKBAR_THEMES) {
      const file = trayIconFile(ASSETS_DIR, state, theme);
      const retina = file.replace(/\.png$/, '@2x.png');

      it(`${state} for a ${theme} taskbar has 16 and 32 px`, () => {
        expect(existsSync(file), file).toBe(true);
        expect(existsSync(retina), retina).toBe(true);
        const small = decodePng(readAsset(file));
        const large = decodePng(readAsset(retina));

        expect([small.width, small.height]).toEqual([16, 16]);
        expect([large.width, large.height]).toEqual([32, 32]);
        expect([small.bitDepth, small.colorType]).toEqual([8, 6]);
      });

      it(`${state} for a ${theme} taskbar contrasts with it`, () => {
        const brightness = glyphBrightness(decodePng(readAsset(retina)));
        if (theme === 'light') {
          expect(brightness).toBeLessThan(128);
        } else {
          expect(brightness).toBeGreaterThan(128);
        }
      });
    }
  }

  it('marks an error in red and idle without colour', () => {
    const isRed = (r: number, g: number, b: number, a: number) => a > 200 && r > 180 && g < 90 && b < 90;

    expect(hasPixel(decodePng(readAsset(trayIconFile(ASSETS_DIR, 'error', 'light'))), isRed)).toBe(true);
    expect(hasPixel(decodePng(readAsset(trayIconFile(ASSETS_DIR, 'idle', 'light'))), isRed)).toBe(false);
  });
});

describe('app icon', () => {
  it('icon.png is 512 px', () => {
    const image = decodePng(readAsset(path.join(ASSETS_DIR, 'icon.png')));

    expect([image.width, image.height]).toEqual([APP_ICON_SIZE, APP_ICON_SIZE]);
  });

  it('icon.ico holds PNG entries from 16 to 256 px', () => {
    const ico = readAsset(path.join(ASSETS_DIR, 'icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    expect(count).toBe(ICO_SIZES.length);

    const sizes: number[] = [];
    for (let index = 0; index < count; index++) {
      const entry = 6 + index * 16;
      const declared = ico[entry] === 0 ? 256 : (ico[entry] as number);
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      const image = decodePng(ico.subarray(offset, offset + length));

      expect(ico.readUInt16LE(entry + 6), 'bits per pixel').toBe(32);
      expect([image.width, image.height]).toEqual([declared, declared]);
      sizes.push(declared);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });
});

describe('draw-icons', () => {
  it('committed files match the script', () => {
    const files = drawIcons();

    expect(files.size).toBe(TRAY_STATES.length * TASKBAR_THEMES.length * 2 + 2);
    for (const [relative, data] of files) {
      const committed = readAsset(path.join(ASSETS_DIR, relative));
      expect(committed.equals(data), `${relative} differs from the script's output: run npm run draw:icons`).toBe(true);
    }
  });
});
