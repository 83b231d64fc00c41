import { correction, generate } from 'lean-qr/nano';
import { useMemo } from 'preact/hooks';
import { qrSvgPath } from './qr-svg-path.ts';

/** The blank margin around the code, in modules: ISO/IEC 18004 asks for four. */
const QUIET_ZONE = 4;

/**
 * `text` as a QR code a phone camera reads (error correction M or better: a smudged or
 * glare-struck screen still scans). Drawn as SVG with presentation attributes only, so the
 * page's CSP (`style-src 'self'`, no inline styles) holds; its size comes from the `qr` class.
 * The encoder (lean-qr's nano build) sits in the chunk of the screen that shows a code, never
 * in the first visit.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => {
    const grid = generate(text, { minCorrectionLevel: correction.M });
    return { size: grid.size + 2 * QUIET_ZONE, path: qrSvgPath(grid, QUIET_ZONE) };
  }, [text]);
  return (
    <svg class="qr" role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
