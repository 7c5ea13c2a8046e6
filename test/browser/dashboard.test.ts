/**
 * The web dashboard in Debian's Chromium, signed in through links that `npm start` (console mode)
 * prints for `/integrity dashboard`: an integrity officer and a manager look at every page, switch the
 * period and the language; the manager types another bureau's address; used, expired and idle
 * credentials are refused; signing out ends the session. Every page carries the security headers
 * and causes no Content-Security-Policy violation. Screenshots of each page are taken at 1280×900
 * (into docs/dashboard/ with PROBITY_DASHBOARD_SCREENSHOTS=1, on SQLite; elsewhere into a temporary folder).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_GROUP_SIZE } from '../../src/config.js';
import { computeStats } from '../../src/features/stats/metrics.js';
import { parsePeriod } from '../../src/features/stats/period.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { percentText } from '../../src/ui/text.js';
import { ROOT, run, tempDir } from '../e2e/support.js';
import { DIALECTS } from '../support/databases.js';
import { STAFF, seedOrganisation, signShippedPledges, type Organisation } from './organisation.js';
import { chromiumAvailable, ConsoleProcess, freePort, launchBrowser, VIEWPORT } from './support.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const SCREENSHOTS = process.env['PROBITY_DASHBOARD_SCREENSHOTS'] === '1';
const HANGUL = /[\uAC00-\uD7A3]/;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.skipIf(!chromiumAvailable()).each(DIALECTS)('%s: the web dashboard in Chromium', (dialect) => {
  let dir: string;
  let org: Organisation;
  let app: ConsoleProcess;
  let base: string;
  const browsers: BrowserContext[] = [];
  /** Everything the browser reported that a Content-Security-Policy refused, or a script error. */
  const violations: string[] = [];
  const shotDir = () => (SCREENSHOTS && dialect === 'sqlite' ? join(ROOT, 'docs', 'dashboard') : join(dir, 'screenshots'));

  beforeAll(async () => {
    dir = tempDir();
    org = await seedOrganisation(dialect, dir);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const schedules = join(dir, 'schedules.yaml');
    writeFileSync(schedules, 'schedules: []\n');
    app = new ConsoleProcess({ DATABASE_URL: org.databaseUrl, PROBITY_PUBLIC_URL: base, PROBITY_HTTP_PORT: String(port), PROBITY_HTTP_HOST: '127.0.0.1', PROBITY_SCHEDULES_FILE: schedules });
    await app.waitFor(/Probity 콘솔입니다/, 0, 90_000);
    expect(await signShippedPledges(org.db, org.today)).toBeGreaterThan(STAFF / 2);
  }, 180_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    if (app) expect(await app.stop(), app.stderr).toBe(0);
    await org?.destroy();
  }, 60_000);

  async function browser(): Promise<Page> {
    const context = await launchBrowser();
    browsers.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => violations.push(`${page.url()}: ${error.message}`));
    // The DOM's own report of every violation, besides the console's.
    await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error('Content-Security-Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))");
    page.on('requestfailed', (request) => violations.push(`${request.url()}: ${request.failure()?.errorText}`));
    return page;
  }

  /** The page as served: its name, status and the headers every dashboard response carries. */
  async function expectPage(page: Page, response: Response | null, name: string, status = 200): Promise<void> {
    expect(response, name).not.toBeNull();
    expect(response!.status(), `${name} at ${page.url()}`).toBe(status);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(CSP);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toContain('no-store');
    expect(await page.locator('main').getAttribute('data-page')).toBe(name);
    // The style sheet loaded under the CSP (a refused one would leave the page unstyled).
    expect(await page.evaluate('document.styleSheets.length')).toBeGreaterThan(0);
    // Violations are reported asynchronously: give them a moment to arrive.
    await page.waitForTimeout(50);
    expect(violations).toEqual([]);
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(shotDir(), { recursive: true });
    const path = join(shotDir(), `${name}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    const png = readFileSync(path);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([VIEWPORT.width, VIEWPORT.height]);
  }

  const stats = (period: string | undefined, departmentId: number | null) =>
    computeStats(org.db, { period: parsePeriod(period, org.today), departmentId }, { calendar: new WorkingDayCalendar(), minGroupSize: DEFAULT_MIN_GROUP_SIZE, today: org.today });

  let hrPage: Page;
  let hrLink: string;

  it('an employee is refused the command; an integrity officer is given a one-time link, stored only as its hash', async () => {
    await app.type(`/as ${org.employee.employeeNo}`, /\n\n/);
    const refused = await app.type('/integrity dashboard', /권한이 없습니다/);
    expect(refused).not.toContain('/dashboard/signin');

    await app.type(`/as ${org.hr.employeeNo}`, /\n\n/);
    hrLink = await app.dashboardLink();
    expect(hrLink.startsWith(`${base}/dashboard/signin?token=`)).toBe(true);
    const token = new URL(hrLink).searchParams.get('token')!;
    const rows = await org.db.selectFrom('dashboard_links').selectAll().where('member_id', '=', org.hr.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(Date.parse(rows[0]!.expires_at) - Date.parse(rows[0]!.created_at)).toBe(10 * 60_000);
  }, 60_000);

  it('the officer signs in: the overview shows the organisation against the roster headcount; the cookie is HttpOnly and SameSite=Lax', async () => {
    hrPage = await browser();
    // The chat client's link preview fetches it first: that does not use it up.
    const preview = await hrPage.context().request.get(hrLink, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }, maxRedirects: 0 });
    expect(preview.status()).toBe(200);
    expect(await preview.text()).toContain('data-page="signin-preview"');
    expect((await hrPage.context().cookies()).some((c) => c.name === 'probity_session')).toBe(false);
    const response = await hrPage.goto(hrLink);
    expect(new URL(hrPage.url()).pathname).toBe('/dashboard/');
    await expectPage(hrPage, response, 'overview');
    expect(await hrPage.locator('html').getAttribute('lang')).toBe('ko');
    const report = await stats(undefined, null);
    expect(await hrPage.getByTestId('headcount').getAttribute('data-value')).toBe(String(report.headcount));
    expect(await hrPage.getByTestId('participation').textContent()).toBe(percentText(report.participation.value));
    // The detector itself: an inline style, which the policy refuses, is seen and reported.
    await hrPage.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\\'color: red\\'>x</p>')");
    // Seen twice: by the console and by the DOM event.
    await expect.poll(() => violations.filter((v) => /style-src/.test(v)).length).toBe(2);
    violations.length = 0;
    const cookies = await hrPage.context().cookies();
    const session = cookies.find((c) => c.name === 'probity_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/dashboard', secure: false });
    const audit = await org.db.selectFrom('audit_log').select(['action', 'details']).where('actor_member_id', '=', org.hr.id).execute();
    expect(audit.some((a) => a.action.includes('dashboard') && !a.details.includes(new URL(hrLink).searchParams.get('token')!))).toBe(true);
  }, 60_000);

  it('the period form switches the period and the figures with it', async () => {
    await hrPage.goto(`${base}/dashboard/?period=quarter`);
    await screenshot(hrPage, 'overview');
    // At 1280 px every headline figure stands on one line (a wrapped one reads as two figures).
    const lines = await hrPage.locator('.figures dd:not(.sub)').evaluateAll((dds) =>
      dds.map((dd) => [dd.getAttribute('data-testid'), Math.round(dd.getBoundingClientRect().height / parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string } }).getComputedStyle(dd).lineHeight))]),
    );
    expect(lines).toEqual(lines.map(([id]) => [id, 1]));
    const select = hrPage.getByTestId('period');
    expect(await select.inputValue()).toBe('quarter');
    await select.selectOption('last-month');
    await Promise.all([hrPage.waitForURL(/period=last-month/), hrPage.getByTestId('period-form').locator('button[type=submit]').click()]);
    expect(await hrPage.getByTestId('period').inputValue()).toBe('last-month');
    const lastMonth = await stats('last-month', null);
    expect(await hrPage.getByTestId('headcount').getAttribute('data-value')).toBe(String(lastMonth.headcount));
    expect(await hrPage.getByTestId('participation').textContent()).toBe(percentText(lastMonth.participation.value));
    expect(lastMonth.participation.value).not.toBe((await stats('quarter', null)).participation.value);
    expect(violations).toEqual([]);
  }, 60_000);

  it('the language switches to English and is remembered for the session, then back to Korean', async () => {
    const korean = await hrPage.locator('h1').textContent();
    await Promise.all([hrPage.waitForURL(/lang=en/), hrPage.locator('a[data-lang="en"]').click()]);
    expect(await hrPage.locator('html').getAttribute('lang')).toBe('en');
    const english = await hrPage.locator('h1').textContent();
    expect(english).not.toBe(korean);
    expect(english).not.toMatch(HANGUL);
    // Another page without ?lang= stays in English, and keeps the period.
    await hrPage.locator('nav a', { hasText: /departments/i }).first().click();
    expect(await hrPage.locator('html').getAttribute('lang')).toBe('en');
    expect(hrPage.url()).toContain('period=last-month');
    await hrPage.goto(`${base}/dashboard/?period=quarter`);
    await screenshot(hrPage, 'overview-en');
    await hrPage.goto(`${base}/dashboard/?period=quarter&lang=ko`);
    expect(await hrPage.locator('html').getAttribute('lang')).toBe('ko');
    expect(await hrPage.locator('h1').textContent()).toBe(korean);
  }, 60_000);

  it('the officer visits departments, one department, topics, campaigns with a non-signer list, and exports', async () => {
    const q = '?period=quarter';
    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/departments${q}`), 'departments');
    const departments = await hrPage.locator('main').textContent();
    // The seed's tiny teams (2–4 people) are hidden with the exports' reason.
    expect(departments).toContain('소집단 비공개');
    expect(departments).toContain(org.otherBureau.path);
    await screenshot(hrPage, 'departments');

    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/departments/${org.otherBureau.id}${q}`), 'department');
    const bureau = await stats('quarter', org.otherBureau.id);
    expect(await hrPage.getByTestId('headcount').first().getAttribute('data-value')).toBe(String(bureau.headcount));
    await screenshot(hrPage, 'department');
    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/departments/987654${q}`), 'not-found', 404);

    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/topics${q}`), 'topics');
    await screenshot(hrPage, 'topics');
    // The shades tell the seed's 55–90 % apart: at least four of the five are used, each in the legend.
    const shades = new Set(await hrPage.locator('table.heat td[class*="heat-"]').evaluateAll((tds) => tds.map((td) => /heat-\d/.exec(td.className)?.[0]).filter(Boolean)));
    expect(shades.size).toBeGreaterThanOrEqual(4);
    expect(await hrPage.getByTestId('heat-legend').locator('.swatch').count()).toBe(5);

    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/campaigns${q}`), 'campaigns');
    await screenshot(hrPage, 'campaigns');
    const nonSigners = hrPage.locator('a[href*="/non-signers"]').first();
    await Promise.all([hrPage.waitForURL(/\/non-signers/), nonSigners.click()]);
    await expectPage(hrPage, await hrPage.reload(), 'non-signers');
    await screenshot(hrPage, 'non-signers');
    const listed = await org.db.selectFrom('audit_log').select('details').where('action', '=', 'pledge.non_signers').where('actor_member_id', '=', org.hr.id).execute();
    expect(listed.length).toBeGreaterThanOrEqual(2);

    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/exports${q}`), 'exports');
    await screenshot(hrPage, 'exports');
    // The same bytes as the command line's files, downloaded through the page's own links.
    const download = async (file: string) => {
      const href = await hrPage.locator(`a[data-export="${file}"]`).first().getAttribute('href');
      const response = await hrPage.context().request.get(new URL(href!, base).toString());
      expect(response.status(), file).toBe(200);
      expect(response.headers()['content-disposition'], file).toMatch(/attachment/);
      return response.body();
    };
    const cliFile = async (args: string[]) => {
      const out = mkdtempSync(join(dir, 'cli-'));
      const result = await run('cli', [...args, '--out', out], { env: { DATABASE_URL: org.databaseUrl } });
      expect(result.code, result.stderr).toBe(0);
      return (name: RegExp) => readFileSync(join(out, readdirSync(out).find((f) => name.test(f))!));
    };
    const csv = await download('participation.csv');
    expect(csv.equals((await cliFile(['export', 'participation', '--period', 'quarter', '--format', 'csv']))(/\.csv$/))).toBe(true);
    const year = org.today.slice(0, 4);
    const annual = await download(`annual-${year}.md`);
    expect(annual.toString('utf8')).toContain(year);
    expect(annual.equals((await cliFile(['report', 'annual', year]))(/\.md$/))).toBe(true);
  }, 120_000);

  let managerPage: Page;

  it('a manager sees only their division; another bureau typed by hand is 403, as is the non-signer list', async () => {
    await app.type(`/as ${org.manager.employeeNo}`, /\n\n/);
    const link = await app.dashboardLink();
    managerPage = await browser();
    await expectPage(managerPage, await managerPage.goto(link), 'overview');
    expect(await managerPage.getByTestId('headcount').getAttribute('data-value')).toBe(String((await stats(undefined, org.manager.departmentId)).headcount));

    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/departments?period=quarter`), 'departments');
    const text = (await managerPage.locator('main').textContent())!;
    expect(text).toContain(org.manager.departmentPath.split('/').pop());
    expect(text).not.toContain(org.otherBureau.path);

    const forbidden = await managerPage.goto(`${base}/dashboard/departments/${org.otherBureau.id}`);
    await expectPage(managerPage, forbidden, 'forbidden', 403);
    expect(await managerPage.locator('[data-testid="headcount"]').count()).toBe(0);
    await screenshot(managerPage, 'forbidden');
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/departments/${org.manager.departmentId}`), 'department');
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/campaigns/pledge/1/non-signers`), 'forbidden', 403);
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/exports`), 'exports');
    expect(await managerPage.getByTestId('exports-operators-only').count()).toBe(1);
    expect(await managerPage.locator('a[data-export]').count()).toBe(0);
    expect((await managerPage.context().request.get(`${base}/dashboard/exports/participation.csv`)).status()).toBe(403);
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/topics`), 'topics');
    expect(await managerPage.locator('main').textContent()).not.toContain(org.otherBureau.path);
  }, 90_000);

  it('a role revoked in the roster takes effect on the next page', async () => {
    const roles = (await org.db.selectFrom('members').select('roles').where('id', '=', org.manager.id).executeTakeFirstOrThrow()).roles;
    await org.db.updateTable('members').set({ roles: 'employee' }).where('id', '=', org.manager.id).execute();
    try {
      await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/`), 'forbidden', 403);
      expect(await managerPage.locator('[data-testid="headcount"]').count()).toBe(0);
    } finally {
      await org.db.updateTable('members').set({ roles }).where('id', '=', org.manager.id).execute();
    }
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/`), 'overview');
  }, 30_000);

  it('a used link and an expired link are refused, and sign nobody in', async () => {
    const page = await browser();
    await expectPage(page, await page.goto(hrLink), 'signin-refused', 403);
    await screenshot(page, 'signin-refused');

    await app.type(`/as ${org.hr.employeeNo}`, /\n\n/);
    const expiring = await app.dashboardLink();
    const hash = sha256(new URL(expiring).searchParams.get('token')!);
    await org.db.updateTable('dashboard_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('token_hash', '=', hash).execute();
    await expectPage(page, await page.goto(expiring), 'signin-refused', 403);
    expect((await page.context().cookies()).some((c) => c.name === 'probity_session')).toBe(false);
    await expectPage(page, await page.goto(`${base}/dashboard/`), 'signed-out', 401);
  }, 60_000);

  it('a session idle for more than eight hours is signed out', async () => {
    const nineHoursAgo = new Date(Date.now() - 9 * 3_600_000).toISOString();
    await org.db.updateTable('dashboard_sessions').set({ last_seen_at: nineHoursAgo }).where('member_id', '=', org.manager.id).execute();
    await expectPage(managerPage, await managerPage.goto(`${base}/dashboard/`), 'signed-out', 401);
  }, 30_000);

  it('a sign-out without the form token is refused; with it the session ends', async () => {
    const forged = await hrPage.context().request.post(`${base}/dashboard/signout`, { form: { csrf: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/?period=quarter`), 'overview');
    await Promise.all([hrPage.waitForLoadState('load'), hrPage.getByTestId('signout').click()]);
    await hrPage.waitForSelector('main[data-page="signed-out"]');
    await screenshot(hrPage, 'signed-out');
    await expectPage(hrPage, await hrPage.goto(`${base}/dashboard/`), 'signed-out', 401);
    expect(await org.db.selectFrom('dashboard_sessions').select('id').where('member_id', '=', org.hr.id).execute()).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);
});
