/**
 * The length in bytes of a raw message's header block (up to the first empty line), or the
 * whole message's length when it has no body. Found by scanning bytes, before any parsing,
 * so an absurd header block is refused without spending a parser on it.
 */
export function headerBlockBytes(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length === 0 ? raw.length : Math.min(...ends);
}
