import { en, type MessageKey } from './en.ts';
import { ja } from './ja.ts';
import { format, type Lang } from './language.ts';

export type { MessageKey };

export interface Translator {
  readonly lang: Lang;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** The text for an error code (docs/errors.md), or a generic one naming the code. */
  error(code: string): string;
}

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, ja };

export function translator(lang: Lang): Translator {
  const dict = DICTIONARIES[lang];
  const t = (key: MessageKey, params?: Record<string, string | number>) => format(dict[key], params);
  return {
    lang,
    t,
    error(code) {
      const key = `error.${code}`;
      return key in dict ? t(key as MessageKey) : t('error.generic', { code });
    },
  };
}
