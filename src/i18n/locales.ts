export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Text that exists in every locale: content items and localised names carry one of these. */
export type Localized = Readonly<Record<Locale, string>>;
