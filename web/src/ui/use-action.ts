import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';

/**
 * Runs a form's async action once at a time, keeping `busy` and the error text (from the
 * error's code) for the view. A screen with its own error texts passes its lookup.
 */
export function useAction(texts?: (code: string) => string) {
  const { error: appText } = useT();
  const errorText = texts ?? appText;
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
      setError(errorText((e as { code?: string; reason?: string }).code ?? (e as { reason?: string }).reason ?? 'internal'));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, setError };
}
