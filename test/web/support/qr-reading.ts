import jsQR from 'jsqr';

/** The error-correction level a QR code's format bits declare (ISO/IEC 18004, table 12). */
export type CorrectionLevel = 'L' | 'M' | 'Q' | 'H';

const LEVEL_OF_BITS: readonly CorrectionLevel[] = ['M', 'L', 'H', 'Q'];
const FORMAT_MASK = 0b101010000010010;

/**
 * The error-correction level of a module grid, read from the format information beside the top
 * left finder (bits 0–5 down column 8, then (8,7), (8,8), (7,8), and bits 9–14 along row 8).
 */
export function correctionLevelOf(get: (x: number, y: number) => boolean): CorrectionLevel {
  let bits = 0;
  const at = (bit: number, x: number, y: number) => {
    if (get(x, y)) bits |= 1 << bit;
  };
  for (let i = 0; i < 6; i++) at(i, 8, i);
  at(6, 8, 7);
  at(7, 8, 8);
  at(8, 7, 8);
  for (let i = 9; i < 15; i++) at(i, 14 - i, 8);
  return LEVEL_OF_BITS[((bits ^ FORMAT_MASK) >> 13) & 3]!;
}

/** What jsQR (an independent decoder) reads in RGBA pixels: the text and the version, or null. */
export function decodeQr(rgba: Uint8ClampedArray, width: number, height: number): { text: string; version: number } | null {
  // jsqr is CommonJS: under Node's ESM the default import is its module object
  const found = jsQR.default(rgba, width, height, { inversionAttempts: 'dontInvert' });
  return found ? { text: found.data, version: found.version } : null;
}
