export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];
/** What a person chose in settings: a language, or to follow the browser. */
export type LangChoice = Lang | 'auto';

/** The first of the browser's preferred languages that we have; English when none. */
export function preferredLanguage(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ja' || base === 'en') return base;
  }
  return 'en';
}

export function resolveLanguage(choice: LangChoice, languages: readonly string[]): Lang {
  return choice === 'auto' ? preferredLanguage(languages) : choice;
}

/** `{name}` placeholders filled from params; an unknown placeholder stays as written. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}
