import { useEffect, useState } from 'preact/hooks';
import type { Observable } from './observable.ts';

/** The current value of an Observable; the component re-renders when it changes. */
export function useObservable<T>(observable: Observable<T>): T {
  const [, setTick] = useState(0);
  const value = observable.get();
  useEffect(() => {
    const unsubscribe = observable.subscribe(() => setTick((n) => n + 1));
    // A change between this render and the subscription would otherwise go unseen.
    if (observable.get() !== value) setTick((n) => n + 1);
    return unsubscribe;
  }, [observable]);
  return value;
}
