import { escapeHtml } from '../../mail/templates.ts';

/**
 * The shell of our few server-rendered pages (the pages of signed mail links): no script, one
 * inline style, the title as heading. `title` is escaped here; `body` is HTML its template built
 * with every value escaped.
 */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>`
    + '<style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;line-height:1.6}</style></head>'
    + `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
