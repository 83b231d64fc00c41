import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { describeError } from './describe-error.ts';

/**
 * Runs a form's async action once at a time, keeping `busy` and the error text (from the
 * error's code, see describeError) for the view. A screen with its own error texts passes its lookup.
 */
export function useAction(texts?: (code: string) => string) {
  const i18n = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  async function run(action: () => Promise<void>): Promise<boolean> {
    if (busy) return false;
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      const code = (e as { code?: string; reason?: string }).code ?? (e as { reason?: string }).reason ?? 'internal';
      setError(texts ? texts(code) : describeError(i18n, e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, setError };
}
