/**
 * The web dashboard: a Hono application mounted under /dashboard/ on Probity's HTTP listener. Hono
 * (MIT, no dependencies) gives routing, cookies and form parsing; the pages are server-rendered HTML
 * with nothing to run in the browser. Every request reads the member's roles from the database, so a
 * revoked role takes effect at once; a manager's scope is their own department's subtree on every
 * page and every URL, typed or not.
 */
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Services } from '../../../engine/context.js';
import { UserError } from '../../../engine/errors.js';
import { hasAnyRole, parseRoles } from '../../../engine/roles.js';
import { isLocale, translator, type Locale } from '../../../i18n/index.js';
import type { HttpListener } from '../../../ops/http.js';
import { localDay } from '../../../time.js';
import { effectiveLocale } from '../../people/people.js';
import { departmentById, recordAudit } from '../../people/people.repository.js';
import { parsePeriod } from '../../stats/metrics.js';
import { createSession, csrfMatches, deleteSession, redeemLink, sessionFor, setSessionLocale, SIGNIN_PATH, TOKEN_SHAPE, type Session } from '../dashboard.repository.js';
import { DASHBOARD_CSS } from './assets.js';
import { DASHBOARD_ROLES, isOperator, managerScope, mayView, PageStats, type Viewer } from './data.js';
import { downloadExport, exportsPage, headOnly, isDownload, nonSignersPage } from './files.js';
import { bare, page } from './layout.js';
import { campaignTables, departmentTree, scopeName, summary, topicHeatMap } from './pages.js';
import { openCampaigns } from '../../pledges/pledges.repository.js';
import { html } from '../../../ui/html.js';

export const SESSION_COOKIE = 'probity_session';
/** The link-preview fetchers of chat platforms (Slackbot, Discordbot, Teams, …) and crawlers (Naver's Yeti). */
const LINK_PREVIEW = /bot\b|bot\/|crawler|spider|preview|facebookexternalhit|embedly|iframely|skypeuripreview|yeti\//i;

/** A form here is a token or two: anything longer is refused unread. */
const FORM_LIMIT = 4 * 1024;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

type Html = { status: 200 | 400 | 401 | 403 | 404 | 500; body: string };
/** What a page handler returns: HTML, or a response of its own (a file, a redirect). */
export type PageResult = Html | Response;

export function createDashboardApp(services: Services): Hono {
  const app = new Hono();
  const secure = services.config.publicUrl?.startsWith('https:') === true;
  const now = () => services.clock.now();
  const send = (c: Context, result: PageResult): Response => {
    if (result instanceof Response) return result;
    c.header('cache-control', 'no-store');
    return c.html(result.body, result.status);
  };
  const fallbackLocale = (c: Context): Locale => {
    const asked = c.req.query('lang');
    return isLocale(asked) ? asked : services.config.locale;
  };
  const signedOut = (locale: Locale, status: 200 | 401): Html => {
    const t = translator(locale);
    return { status, body: bare(locale, t, 'signed-out', t('dashboard.signed_out.title'), t('dashboard.signed_out.body')) };
  };

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });

  app.get('/dashboard/assets/dashboard.css', (c) => {
    c.header('cache-control', 'public, max-age=3600');
    return c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
  });

  /**
   * Uses a link up and starts a session, or refuses it saying why. The GET of the link in a browser
   * comes here, and so does the preview page's button (a POST with the token in the form).
   */
  const redeem = async (c: Context, token: string | undefined): Promise<Response> => {
    const at = now();
    const redeemed = await redeemLink(services.db, token ?? '', at);
    const member = redeemed.memberId !== null ? await services.db.selectFrom('members').selectAll().where('id', '=', redeemed.memberId).executeTakeFirst() : undefined;
    const asked = c.req.query('lang');
    const locale = isLocale(asked) ? asked : member ? effectiveLocale(member, services.config.locale) : services.config.locale;
    const t = translator(locale);
    const today = localDay(at, services.config.timezone);
    const allowed = member !== undefined && (member.left_on === null || member.left_on > today) && hasAnyRole(parseRoles(member.roles), DASHBOARD_ROLES);
    if (!redeemed.ok || !allowed) {
      const reason = redeemed.ok ? 'forbidden' : redeemed.reason;
      // A visit without any token (the refused page's language links) is no sign-in attempt, and a
      // token that was never issued has nobody to write against: anyone on the network could fill
      // the audit log with those, so they go to the process log, without the token.
      if (token !== undefined && redeemed.memberId === null) services.log.warn({ reason }, 'dashboard sign-in with an unknown link refused');
      else if (token !== undefined) await recordAudit(services.db, { actorMemberId: member?.id ?? null, actorLabel: member?.name ?? 'web', action: 'dashboard.signin_refused', details: { reason }, nowIso: at.toISOString() });
      return send(c, { status: 403, body: bare(locale, t, 'signin-refused', t('dashboard.refused.title'), t(`dashboard.refused.${reason}`)) });
    }
    // A browser signing in again leaves its earlier session behind: that one ends now.
    const previous = await sessionFor(services.db, getCookie(c, SESSION_COOKIE), at);
    if (previous) await deleteSession(services.db, previous.id);
    const session = await createSession(services.db, member.id, at);
    await recordAudit(services.db, { actorMemberId: member.id, actorLabel: member.name, action: 'dashboard.signin', details: { roles: member.roles }, nowIso: at.toISOString() });
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, secure, sameSite: 'Lax', path: '/dashboard' });
    c.header('cache-control', 'no-store');
    return c.redirect('/dashboard/', 303);
  };

  app.get('/dashboard/signin', async (c) => {
    const token = c.req.query('token');
    // Chat clients fetch links to preview them, and link scanners ask with HEAD: neither may use the
    // link up before the person can. Whoever is taken for a bot gets a page whose button signs in.
    if (c.req.method === 'HEAD' || LINK_PREVIEW.test(c.req.header('user-agent') ?? '')) {
      const locale = services.config.locale;
      const t = translator(locale);
      const button = token !== undefined && TOKEN_SHAPE.test(token)
        ? html`<form method="post" action="${SIGNIN_PATH}" class="signin"><input type="hidden" name="token" value="${token}"><button type="submit" data-testid="signin-continue">${t('dashboard.link.continue')}</button></form>`
        : undefined;
      return send(c, { status: 200, body: bare(locale, t, 'signin-preview', t('dashboard.link.title'), t('dashboard.link.preview'), button) });
    }
    return redeem(c, token);
  });

  app.post('/dashboard/signin', bodyLimit({ maxSize: FORM_LIMIT, onError: (c) => c.text('', 413) }), async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = form['token'];
    return redeem(c, typeof token === 'string' ? token : '');
  });

  app.get('/dashboard/signed-out', (c) => send(c, signedOut(fallbackLocale(c), 200)));

  app.post('/dashboard/signout', bodyLimit({ maxSize: FORM_LIMIT, onError: (c) => c.text('', 413) }), async (c) => {
    const session = await sessionFor(services.db, getCookie(c, SESSION_COOKIE), now());
    if (!session) return send(c, signedOut(fallbackLocale(c), 401));
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (!csrfMatches(session, form['csrf'])) {
      const locale = session.locale ?? effectiveLocale(session.member, services.config.locale);
      const t = translator(locale);
      return send(c, { status: 403, body: bare(locale, t, 'forbidden', t('dashboard.forbidden.title'), t('dashboard.csrf')) });
    }
    await deleteSession(services.db, session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/dashboard', secure, httpOnly: true, sameSite: 'Lax' });
    await recordAudit(services.db, { actorMemberId: session.member.id, actorLabel: session.member.name, action: 'dashboard.signout', details: {}, nowIso: now().toISOString() });
    return c.redirect('/dashboard/signed-out', 303);
  });

  /** Runs a page for a signed-in viewer with a dashboard role, in their scope and language. */
  const viewerPage = (render: (viewer: Viewer, c: Context) => Promise<PageResult>) => async (c: Context) => {
    const at = now();
    const session = await sessionFor(services.db, getCookie(c, SESSION_COOKIE), at);
    if (!session) return send(c, signedOut(fallbackLocale(c), 401));
    const viewer = await viewerOf(services, session, c.req.query('lang'), at);
    if ('forbidden' in viewer) return send(c, viewer.forbidden);
    try {
      return send(c, await render(viewer, c));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return send(c, { status: 400, body: page({ viewer, page: 'error', title: viewer.t('dashboard.error.title'), period: undefined, body: html`<p>${viewer.t(error.code, error.params)}</p>` }) });
    }
  };

  /** The period of the URL (the stats command's syntax), and the page's statistics for it. */
  const statsFor = (viewer: Viewer, c: Context) => {
    const raw = c.req.query('period')?.trim() || undefined;
    const period = parsePeriod(raw, viewer.today);
    return { stats: new PageStats(services, viewer, period, raw), shell: { raw: raw ?? 'month', from: period.from, to: period.to } };
  };
  const topicName = (viewer: Viewer) => (code: string) => services.content.topics[code]?.[viewer.locale] ?? code;
  const pledgeTitle = (viewer: Viewer) => (key: string) => services.content.pledges.find((p) => `${p.pack}/${p.slug}` === key)?.title[viewer.locale] ?? key;

  app.get('/dashboard/', viewerPage(async (viewer, c) => {
    const { stats, shell } = statsFor(viewer, c);
    const report = await stats.report(viewer.scope.id);
    return { status: 200, body: page({ viewer, page: 'overview', title: viewer.t('dashboard.overview.title', { scope: scopeName(viewer.t, report) }), period: shell, body: summary(viewer, report, pledgeTitle(viewer)) }) };
  }));

  app.get('/dashboard/departments', viewerPage(async (viewer, c) => {
    const { stats, shell } = statsFor(viewer, c);
    return { status: 200, body: page({ viewer, page: 'departments', title: viewer.t('dashboard.nav.departments'), period: shell, body: await departmentTree(viewer, stats, viewer.scope.id) }) };
  }));

  app.get('/dashboard/departments/:id', viewerPage(async (viewer, c) => {
    const idRaw = c.req.param('id') ?? '';
    const department = /^\d{1,9}$/.test(idRaw) ? await departmentById(services.db, Number(idRaw)) : undefined;
    if (!department) return notFound(viewer);
    if (!mayView(viewer, department)) return forbidden(viewer, viewer.t('dashboard.forbidden.scope'));
    const { stats, shell } = statsFor(viewer, c);
    const report = await stats.report(department.id);
    const body = html`${summary(viewer, report, pledgeTitle(viewer))}<section><h2>${viewer.t('dashboard.nav.departments')}</h2>${await departmentTree(viewer, stats, department.id)}</section>`;
    return { status: 200, body: page({ viewer, page: 'department', title: scopeName(viewer.t, report), period: shell, body }) };
  }));

  app.get('/dashboard/topics', viewerPage(async (viewer, c) => {
    const { stats, shell } = statsFor(viewer, c);
    return { status: 200, body: page({ viewer, page: 'topics', title: viewer.t('dashboard.nav.topics'), period: shell, body: await topicHeatMap(stats, viewer.scope.id, topicName(viewer)) }) };
  }));

  app.get('/dashboard/campaigns', viewerPage(async (viewer, c) => {
    const { stats, shell } = statsFor(viewer, c);
    const open = new Map<string, { id: number; day: string; due: string | null }[]>();
    for (const campaign of await openCampaigns(services.db)) {
      const key = `${campaign.pack}/${campaign.slug}`;
      open.set(key, [...(open.get(key) ?? []), { id: campaign.id, day: campaign.day, due: campaign.due_on }]);
    }
    return { status: 200, body: page({ viewer, page: 'campaigns', title: viewer.t('dashboard.nav.campaigns'), period: shell, body: await campaignTables(stats, viewer.scope.id, open, pledgeTitle(viewer)) }) };
  }));

  app.get('/dashboard/campaigns/pledge/:id/non-signers', viewerPage(async (viewer, c) => {
    if (!viewer.operator) return forbidden(viewer, viewer.t('dashboard.forbidden.operators'));
    const idRaw = c.req.param('id') ?? '';
    return (await nonSignersPage(services, viewer, /^\d{1,9}$/.test(idRaw) ? Number(idRaw) : undefined, c.req.method === 'HEAD')) ?? notFound(viewer);
  }));

  app.get('/dashboard/exports', viewerPage(async (viewer, c) => {
    const { shell, stats } = statsFor(viewer, c);
    return { status: 200, body: page({ viewer, page: 'exports', title: viewer.t('dashboard.nav.exports'), period: shell, body: exportsPage(viewer, stats) }) };
  }));

  app.get('/dashboard/exports/:file', viewerPage(async (viewer, c) => {
    if (!viewer.operator) return forbidden(viewer, viewer.t('dashboard.forbidden.operators'));
    const file = c.req.param('file') ?? '';
    const { stats } = statsFor(viewer, c);
    if (c.req.method === 'HEAD') return isDownload(file) ? headOnly() : notFound(viewer);
    return (await downloadExport(services, viewer, stats, file)) ?? notFound(viewer);
  }));

  app.notFound(async (c) => {
    const locale = fallbackLocale(c);
    const t = translator(locale);
    return send(c, { status: 404, body: bare(locale, t, 'not-found', t('dashboard.not_found.title'), t('dashboard.not_found.body')) });
  });

  app.onError((error, c) => {
    services.log.error({ err: error, path: c.req.path }, 'dashboard page failed');
    const t = translator(services.config.locale);
    return send(c, { status: 500, body: bare(services.config.locale, t, 'error', t('dashboard.error.title'), t('dashboard.error.internal')) });
  });
  return app;
}

function forbidden(viewer: Viewer, message: string): Html {
  return { status: 403, body: page({ viewer, page: 'forbidden', title: viewer.t('dashboard.forbidden.title'), period: undefined, body: html`<p>${message}</p>` }) };
}

function notFound(viewer: Viewer): Html {
  return { status: 404, body: page({ viewer, page: 'not-found', title: viewer.t('dashboard.not_found.title'), period: undefined, body: html`<p>${viewer.t('dashboard.not_found.body')}</p>` }) };
}

/** The viewer behind a session, with roles and department as the database has them now. */
async function viewerOf(services: Services, session: Session, lang: string | undefined, at: Date): Promise<Viewer | { forbidden: Html }> {
  if (isLocale(lang) && lang !== session.locale) {
    await setSessionLocale(services.db, session.id, lang);
    session = { ...session, locale: lang };
  }
  const member = session.member;
  const locale = session.locale ?? effectiveLocale(member, services.config.locale);
  const t = translator(locale);
  const today = localDay(at, services.config.timezone);
  const roles = parseRoles(member.roles);
  const operator = isOperator(roles);
  const base = { sessionId: session.id, member, roles, operator, locale, t, today, nowIso: at.toISOString(), csrf: session.csrf };
  const refuse = (message: string) => ({ forbidden: { status: 403 as const, body: bare(locale, t, 'forbidden', t('dashboard.forbidden.title'), message) } });
  if ((member.left_on !== null && member.left_on <= today) || !hasAnyRole(roles, DASHBOARD_ROLES)) return refuse(t('dashboard.forbidden.role'));
  if (operator) return { ...base, scope: { id: null, path: null } };
  const scope = managerScope(member, await departmentById(services.db, member.department_id));
  if (!scope) return refuse(t('stats.error.no_department'));
  return { ...base, scope };
}

/** Mounts the dashboard on the listener: everything under /dashboard/, and /dashboard itself redirected. */
export function mountDashboard(listener: HttpListener, services: Services): void {
  const app = createDashboardApp(services);
  const handle = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  listener.mount('/dashboard/', (request, response) => handle(request, response));
  listener.route('GET', '/dashboard', (_request, response) => {
    response.writeHead(308, { location: '/dashboard/', ...SECURITY_HEADERS, 'cache-control': 'no-store', 'content-length': 0 });
    response.end();
  });
}
