// Writes resources/default-avatars/{0..5}.png: the CDN's /embed/avatars/{n}.png, which clients
// show for users without an avatar (Fermi picks n = (user_id >> 22) % 6). Run once; the PNGs are
// committed. `node --import tsx scripts/generate-default-avatars.ts`
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 128;
const COLOURS: [number, number, number][] = [
  [88, 101, 242],
  [117, 126, 138],
  [59, 165, 93],
  [250, 166, 26],
  [237, 66, 69],
  [235, 69, 159],
];
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'default-avatars');
mkdirSync(out, { recursive: true });

/** Coverage of a pixel by the white figure (head and shoulders), 0..1 with 4x4 supersampling. */
function figure(x: number, y: number): number {
  let hit = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const px = x + (i + 0.5) / 4;
      const py = y + (j + 0.5) / 4;
      const head = (px - 64) ** 2 + (py - 50) ** 2 <= 21 ** 2;
      const body = py >= 78 && py <= 100 && ((px - 64) / 36) ** 2 + ((py - 104) / 28) ** 2 <= 1;
      if (head || body) hit++;
    }
  }
  return hit / 16;
}

COLOURS.forEach(([r, g, b], n) => {
  const png = new PNG({ width: SIZE, height: SIZE });
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const f = figure(x, y);
      const i = (y * SIZE + x) * 4;
      png.data[i] = Math.round(r + (255 - r) * f);
      png.data[i + 1] = Math.round(g + (255 - g) * f);
      png.data[i + 2] = Math.round(b + (255 - b) * f);
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(join(out, `${n}.png`), PNG.sync.write(png, { colorType: 2 }));
});
console.log(`wrote ${COLOURS.length} avatars to ${out}`);
