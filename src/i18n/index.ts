import { en } from './en.js';
import { ko } from './ko.js';
import type { Locale } from './locales.js';
import { withParticles } from './particles.js';

export type MessageKey = keyof typeof ko;
export type Catalogue = Readonly<Record<MessageKey, string>>;
export type Params = Readonly<Record<string, string | number>>;

export const catalogues: Readonly<Record<Locale, Catalogue>> = { ko, en };

/**
 * Looks up a message and fills its {placeholders}. A placeholder without a value stays visible
 * rather than silently vanishing, so a missing parameter is caught by eye and by the tests.
 */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale][key];
  const filled = template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
  // Korean particles are chosen once the words before them are known.
  return locale === 'ko' ? withParticles(filled) : filled;
}

export type Translator = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => t(locale, key, params);
}

export { isLocale, LOCALES, type Locale, type Localized } from './locales.js';
