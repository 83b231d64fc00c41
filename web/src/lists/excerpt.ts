/** How much of a held post's text the moderation queue shows. */
export const EXCERPT_CHARS = 280;

/**
 * The start of a post's plain text for the moderation queue: line ends made uniform, runs of
 * blank lines cut to one, at most `EXCERPT_CHARS` characters (code points, so a cut never splits
 * a surrogate pair) and an ellipsis when cut. Never the HTML part: user text is never rendered
 * as HTML.
 */
export function excerptOf(text: string): string {
  const squeezed = text.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  const chars = [...squeezed];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('').trimEnd()}…` : squeezed;
}
