export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Text that exists in every locale: content items and localised names carry one of these. */
export type Localized = Readonly<Record<Locale, string>>;

/** An operator's answer to a yes/no question, in either language: y, yes, 예, 네. */
export function isYes(answer: string | undefined): boolean {
  return /^(y|yes|예|네)$/i.test((answer ?? '').trim());
}
