/** The page shell every dashboard page shares: language, navigation, period selector, sign-out. */
import type { Locale, Translator } from '../../../i18n/index.js';
import type { MessageKey } from '../../../i18n/index.js';
import type { RateFigure } from '../../stats/metrics.js';
import { percentText } from '../../../ui/text.js';
import { monthPeriod } from '../../stats/period.js';
import { html, query, type SafeHtml } from '../../../ui/html.js';
import type { Viewer } from './data.js';

export const ASSET_CSS = '/dashboard/assets/dashboard.css';

const NAV: readonly { path: string; key: MessageKey; page: string }[] = [
  { path: '/dashboard/', key: 'dashboard.nav.overview', page: 'overview' },
  { path: '/dashboard/departments', key: 'dashboard.nav.departments', page: 'departments' },
  { path: '/dashboard/topics', key: 'dashboard.nav.topics', page: 'topics' },
  { path: '/dashboard/campaigns', key: 'dashboard.nav.campaigns', page: 'campaigns' },
  { path: '/dashboard/exports', key: 'dashboard.nav.exports', page: 'exports' },
];

const RELATIVE_PERIODS: readonly [string, MessageKey][] = [
  ['week', 'dashboard.period.week'],
  ['last-week', 'dashboard.period.last_week'],
  ['month', 'dashboard.period.month'],
  ['last-month', 'dashboard.period.last_month'],
  ['quarter', 'dashboard.period.quarter'],
  ['last-quarter', 'dashboard.period.last_quarter'],
  ['year', 'dashboard.period.year'],
  ['last-year', 'dashboard.period.last_year'],
];

/** The choices of the period selector: the relative periods, the last twelve months, this year and last. */
export function periodChoices(t: Translator, today: string, selected: string): { value: string; label: string }[] {
  const choices = RELATIVE_PERIODS.map(([value, key]) => ({ value, label: t(key) }));
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  for (let i = 0; i < 12; i++) {
    const m = ((month - 1 - i + 120) % 12) + 1;
    const y = year - (month - 1 - i < 0 ? 1 : 0);
    const key = monthPeriod(y, m).key;
    choices.push({ value: key, label: key });
  }
  for (const y of [year, year - 1]) choices.push({ value: String(y), label: String(y) });
  if (!choices.some((c) => c.value === selected)) choices.push({ value: selected, label: selected });
  return choices;
}

/** A rate as a cell's text: the percentage, "–" with nothing to count, or why it is hidden (as the exports say). */
export function rateText(t: Translator, figure: RateFigure): string {
  if (figure.suppressed) return t(figure.reason === 'complementary' ? 'stats.suppressed.complementary' : 'stats.suppressed.small');
  return percentText(figure.value);
}

export function rateCell(t: Translator, figure: RateFigure, testId?: string): SafeHtml {
  if (figure.suppressed) return html`<td class="num hidden-cell" data-reason="${figure.reason}"${testId ? html` data-testid="${testId}"` : ''}>${rateText(t, figure)}</td>`;
  return html`<td class="num"${testId ? html` data-testid="${testId}"` : ''}>${rateText(t, figure)}</td>`;
}

export interface Shell {
  viewer: Viewer;
  page: string;
  title: string;
  /** The period as asked for (the selector's value) and as it reads. */
  period: { raw: string; from: string; to: string } | undefined;
  body: SafeHtml;
}

export function page(shell: Shell): string {
  const { viewer, period } = shell;
  const { t } = viewer;
  const keep = period ? { period: period.raw } : {};
  const nav = NAV.map((n) => html`<a href="${n.path}${query(keep)}"${n.page === shell.page ? html` aria-current="page"` : ''}>${t(n.key)}</a>`);
  const selector = period
    ? html`<form method="get" data-testid="period-form" class="period"><label>${t('dashboard.period.label')} <select name="period" data-testid="period">${periodChoices(t, viewer.today, period.raw).map(
        (c) => html`<option value="${c.value}"${c.value === period.raw ? html` selected` : ''}>${c.label}</option>`,
      )}</select></label> <button type="submit">${t('dashboard.period.show')}</button> <span class="range">${period.from} ~ ${period.to}</span></form>`
    : '';
  const roles = viewer.roles.filter((r) => r !== 'employee').map((r) => t(`role.${r}`)).join(', ');
  return document(viewer.locale, shell.title, html`<header class="top"><strong class="brand">Probity</strong> <span class="who">${viewer.member.name} · ${roles}</span>
<span class="langs"><a data-lang="ko" href="${query({ ...keep, lang: 'ko' })}"${viewer.locale === 'ko' ? html` aria-current="true"` : ''}>한국어</a> <a data-lang="en" href="${query({ ...keep, lang: 'en' })}"${viewer.locale === 'en' ? html` aria-current="true"` : ''}>English</a></span>
<form method="post" action="/dashboard/signout" class="signout"><input type="hidden" name="csrf" value="${viewer.csrf}"><button type="submit" data-testid="signout">${t('dashboard.signout')}</button></form></header>
<nav>${nav}</nav>
${selector}
<main data-page="${shell.page}" lang="${viewer.locale}"><h1>${shell.title}</h1>${shell.body}</main>
<footer class="foot">${t('dashboard.footer')}</footer>`);
}

/** A page without a session (signed out, a refused link): no navigation, one message. */
export function bare(locale: Locale, t: Translator, pageName: string, title: string, message: string, extra?: SafeHtml): string {
  // The language links keep the page (a refused link's token is not repeated in them).
  return document(locale, title, html`<header class="top"><strong class="brand">Probity</strong> <span class="langs"><a data-lang="ko" href="?lang=ko">한국어</a> <a data-lang="en" href="?lang=en">English</a></span></header><main data-page="${pageName}"><h1>${title}</h1><p>${message}</p>${extra}</main>`);
}

function document(locale: Locale, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title} · Probity</title><link rel="stylesheet" href="${ASSET_CSS}"></head>
<body>${body}</body></html>`.value;
}
