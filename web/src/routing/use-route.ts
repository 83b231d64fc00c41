import { useEffect, useMemo, useState } from 'preact/hooks';
import { hrefOf, parseHash, type Route } from './route.ts';

/** The route of the current location hash; re-renders on `hashchange`. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseHash(hash), [hash]);
}

/** Goes to a route; `replace` leaves no history entry (redirects). */
export function navigate(route: Route, replace = false): void {
  const href = hrefOf(route);
  if (replace) location.replace(href);
  else location.hash = href.slice(1);
}
