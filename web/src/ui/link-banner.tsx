import { useEffect, useState } from 'preact/hooks';
import { useSession, useT } from '../app-context.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { useObservable } from '../lib/use-observable.ts';

/** The connection banner: offline, reconnecting (or a slow first connect), and a short
 *  "connected again" after. */
export function LinkBanner() {
  const { t } = useT();
  const { realtime } = useSession();
  const state = useObservable(realtime.state);
  const [wasDown, setWasDown] = useState(false);
  const [back, setBack] = useState(false);
  const [slow, setSlow] = useState(false);
  // The first connect is shown only when it takes long (a blink on every page load helps nobody).
  useEffect(() => {
    setSlow(false);
    if (state !== 'connecting') return undefined;
    const timer = setTimeout(() => setSlow(true), CLIENT_LIMITS.slowConnectMs);
    return () => clearTimeout(timer);
  }, [state]);
  useEffect(() => {
    if (state === 'reconnecting' || state === 'offline') setWasDown(true);
    if (state === 'online' && wasDown) {
      setWasDown(false);
      setBack(true);
      const timer = setTimeout(() => setBack(false), CLIENT_LIMITS.reconnectedNoticeMs);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [state]);
  const text = state === 'offline' ? t('link.offline') : state === 'reconnecting' ? t('link.reconnecting')
    : state === 'connecting' && slow ? t('link.connecting') : back && state === 'online' ? t('link.back') : undefined;
  const look = state === 'online' ? 'back' : state === 'connecting' ? 'reconnecting' : state;
  return (
    <div class={`link-banner ${text ? `link-${look}` : 'link-hidden'}`} role="status" aria-live="polite" data-link={state}>
      {text}
    </div>
  );
}
