import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../app-context.ts';

/** A rarely used screen part, fetched on first use so the first visit loads less. */
export function Lazy<P extends object>({ load, props }: { load: () => Promise<ComponentType<P>>; props: P }) {
  const { t } = useT();
  const [component, setComponent] = useState<ComponentType<P> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then((c) => setComponent(() => c), () => setFailed(true));
  }, []);
  if (failed) return <p class="error" role="alert">{t('error.network')}</p>;
  if (!component) return <p class="muted">{t('common.loading')}</p>;
  const Component = component;
  return <Component {...props} />;
}
