/** A square grid of modules, as a QR encoder hands it out: `get(x, y)` is true for dark ones. */
export interface ModuleGrid {
  readonly size: number;
  get(x: number, y: number): boolean;
}

/**
 * The dark modules of `grid` as one SVG path, one unit per module, shifted by `quiet` modules on
 * both axes (the blank margin a reader needs to find the code). Each horizontal run of dark
 * modules is one rectangle, so a 57×57 code is a few hundred short commands, not 3,000 rects.
 */
export function qrSvgPath(grid: ModuleGrid, quiet: number): string {
  const parts: string[] = [];
  for (let y = 0; y < grid.size; y++) {
    let x = 0;
    while (x < grid.size) {
      if (!grid.get(x, y)) {
        x++;
        continue;
      }
      const start = x;
      while (x < grid.size && grid.get(x, y)) x++;
      parts.push(`M${start + quiet} ${y + quiet}h${x - start}v1h-${x - start}z`);
    }
  }
  return parts.join('');
}
