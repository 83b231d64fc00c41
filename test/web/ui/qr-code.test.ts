import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correction, generate } from 'lean-qr/nano';
import { qrSvgPath, type ModuleGrid } from '../../../web/src/ui/qr-svg-path.ts';
import { correctionLevelOf, decodeQr } from '../support/qr-reading.ts';

const QUIET = 4;
const SCALE = 4;

/** Paints an SVG path made of `M x y h w v1 h-w z` rectangles: black on white, SCALE px per module. */
function paint(path: string, modules: number): { rgba: Uint8ClampedArray; width: number } {
  const width = modules * SCALE;
  const rgba = new Uint8ClampedArray(width * width * 4).fill(255);
  let rects = 0;
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
    const [x, y, w, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    assert.equal(back, w, 'each rectangle closes on itself');
    for (let py = y * SCALE; py < (y + 1) * SCALE; py++) {
      for (let px = x * SCALE; px < (x + w) * SCALE; px++) rgba.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
    }
    rects++;
  }
  assert.equal(path.length > 0, rects > 0);
  assert.equal(path.replace(/M\d+ \d+h\d+v1h-\d+z/g, ''), '', 'nothing but rectangles');
  return { rgba, width };
}

/** Invite-like URLs from a short local one to the ~200 bytes of a long host name and code. */
const URLS = [
  'http://127.0.0.1:4000/#/invite/abc',
  'https://renraku.example.org/#/invite/Qk3v9_xZ-2mWpL0aR7sT1uYc',
  `https://${'school-'.repeat(14)}example.jp/#/invite/${'Zx8_k-'.repeat(14)}`.slice(0, 200),
];

test('qrSvgPath: one rectangle per run of dark modules, shifted by the quiet zone', () => {
  const rows = ['##.#', '....', '.###', '#..#'];
  const grid: ModuleGrid = { size: 4, get: (x, y) => rows[y]![x] === '#' };
  assert.equal(qrSvgPath(grid, 0), 'M0 0h2v1h-2zM3 0h1v1h-1zM1 2h3v1h-3zM0 3h1v1h-1zM3 3h1v1h-1z');
  assert.equal(qrSvgPath(grid, 4), 'M4 4h2v1h-2zM7 4h1v1h-1zM5 6h3v1h-3zM4 7h1v1h-1zM7 7h1v1h-1z');
  assert.equal(qrSvgPath({ size: 3, get: () => false }, 4), '');
});

for (const url of URLS) {
  test(`an invite URL of ${url.length} bytes: the drawn path decodes back to it, correction M or better`, () => {
    const grid = generate(url, { minCorrectionLevel: correction.M });
    const version = (grid.size - 17) / 4;
    assert.ok(Number.isInteger(version) && version >= 1 && version <= 10, `version ${version}`);
    assert.ok(['M', 'Q', 'H'].includes(correctionLevelOf((x, y) => grid.get(x, y))), 'at least M');
    const { rgba, width } = paint(qrSvgPath(grid, QUIET), grid.size + 2 * QUIET);
    const read = decodeQr(rgba, width, width);
    assert.ok(read, 'jsQR finds the code');
    assert.equal(read.text, url);
    assert.equal(read.version, version);
  });
}

test('the same pixels without the path are no code: the decoder is not fooled by a blank', () => {
  const width = 33 * SCALE;
  assert.equal(decodeQr(new Uint8ClampedArray(width * width * 4).fill(255), width, width), null);
});
