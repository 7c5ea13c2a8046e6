/**
 * The web dashboard's sign-in and sessions over HTTP (issue 13): one-time hashed links, the cookie's
 * flags, CSRF on sign-out, idle expiry, roles read on every request.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { localDay } from '../../src/time.js';
import { DIALECTS } from '../support/databases.js';
import { createHarness, textOf } from '../support/harness.js';
import { LINK, openWeb, pageOf, type Web } from './dashboard-support.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(DIALECTS)('web dashboard sign-in (%s)', (dialect) => {
  let web: Web;
  afterEach(async () => web?.close());

  it('gives managers, hr and admin a one-time link whose token is stored only as its SHA-256; employees get none', async () => {
    web = await openWeb(dialect);
    const reply = await web.h.command('3001', 'dashboard');
    expect(reply.kind).toBe('ephemeral');
    const text = textOf(reply);
    const match = LINK.exec(text)!;
    expect(match[0]).toMatch(/^http:\/\/dashboard\.test\/dashboard\/signin\?token=/);
    expect(match[1]!.length).toBeGreaterThanOrEqual(43);
    // The link stands on a line of its own (the console prints the reply's text).
    expect(reply.kind === 'ephemeral' && reply.message.text.split('\n')).toContain(match[0]);
    const rows = await web.h.services.db.selectFrom('dashboard_links').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256(match[1]!));
    expect(JSON.stringify(rows)).not.toContain(match[1]!);
    expect(Date.parse(rows[0]!.expires_at) - Date.parse(rows[0]!.created_at)).toBe(10 * 60_000);

    const employee = await web.h.command('1001', 'dashboard');
    expect(employee.kind === 'ephemeral' && employee.error?.code).toBe('error.forbidden');
    expect(await web.h.services.db.selectFrom('dashboard_links').selectAll().execute()).toHaveLength(1);
    expect((await web.h.command('2001', 'dashboard')).kind === 'ephemeral').toBe(true);
  });

  it('without PROBITY_PUBLIC_URL the command says which variable to set', async () => {
    const h = await createHarness({ dialect });
    try {
      const reply = await h.command('3001', 'dashboard');
      expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('dashboard.error.no_public_url');
      expect(textOf(reply)).toContain('PROBITY_PUBLIC_URL');
      expect(await h.services.db.selectFrom('dashboard_links').selectAll().execute()).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it('a link signs in once: cookie HttpOnly, SameSite=Lax, Path=/dashboard, not Secure over http; used, expired and unknown links are refused', async () => {
    web = await openWeb(dialect);
    const link = await web.link('3001');
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/dashboard/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^probity_session=[A-Za-z0-9_-]{43,}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/dashboard');
    expect(cookie).not.toContain('Secure');
    const token = /^probity_session=([^;]+)/.exec(cookie)![1]!;
    const sessions = await web.h.services.db.selectFrom('dashboard_sessions').selectAll().execute();
    expect(sessions.map((s) => s.session_hash)).toEqual([sha256(token)]);

    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(403);
    const body = await again.text();
    expect(pageOf(body)).toBe('signin-refused');
    expect(body).toContain('이미 사용한 로그인 링크');
    expect(again.headers.get('set-cookie')).toBeNull();

    const late = await web.link('3001');
    web.h.clock.advance(10 * 60_000 + 1);
    const expired = await fetch(late, { redirect: 'manual' });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('만료된 로그인 링크');

    const unknown = await fetch(`${web.base}/dashboard/signin?token=${'x'.repeat(43)}`, { redirect: 'manual' });
    expect(unknown.status).toBe(403);
    expect(pageOf(await unknown.text())).toBe('signin-refused');

    const audit = await web.h.services.db.selectFrom('audit_log').select(['action', 'details', 'actor_member_id']).where('action', 'like', 'dashboard.%').orderBy('id').execute();
    expect(audit.map((a) => [a.action, JSON.parse(a.details).reason ?? null])).toEqual([
      ['dashboard.signin', null],
      ['dashboard.signin_refused', 'used'],
      ['dashboard.signin_refused', 'expired'],
    ]);
    // Unknown links (anyone can make them up, as many as they like) write nothing to the database.
    for (let i = 0; i < 5; i++) await fetch(`${web.base}/dashboard/signin?token=${'y'.repeat(43)}${i}`, { redirect: 'manual' });
    expect(await web.h.services.db.selectFrom('audit_log').select('id').where('action', '=', 'dashboard.signin_refused').execute()).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(link.split('token=')[1]!);
  });

  it('a chat client previewing the link does not use it up', async () => {
    web = await openWeb(dialect);
    const link = await web.link('3001');
    for (const agent of ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)']) {
      const preview = await fetch(link, { redirect: 'manual', headers: { 'user-agent': agent } });
      expect([agent, preview.status, preview.headers.get('set-cookie')]).toEqual([agent, 200, null]);
      expect(pageOf(await preview.text())).toBe('signin-preview');
    }
    expect((await fetch(link, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' } })).status).toBe(303);
  });

  it('a HEAD request (a link scanner\'s) does not use the link up nor start a session', async () => {
    web = await openWeb(dialect);
    const link = await web.link('3001');
    const head = await fetch(link, { method: 'HEAD', redirect: 'manual' });
    expect([head.status, head.headers.get('set-cookie')]).toEqual([200, null]);
    expect(await web.h.services.db.selectFrom('dashboard_sessions').selectAll().execute()).toHaveLength(0);
    expect((await web.h.services.db.selectFrom('dashboard_links').select('used_at').executeTakeFirstOrThrow()).used_at).toBeNull();
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303);
  });

  it('a person whose browser is taken for a bot signs in with the preview page\'s button, once', async () => {
    web = await openWeb(dialect);
    const link = await web.link('3001');
    // A Cubot phone's Chrome: "bot" in the user agent, yet a person.
    const agent = 'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    const preview = await fetch(link, { redirect: 'manual', headers: { 'user-agent': agent } });
    const body = await preview.text();
    expect(pageOf(body)).toBe('signin-preview');
    const form = /<form method="post" action="\/dashboard\/signin"[^>]*><input type="hidden" name="token" value="([^"]+)">/.exec(body);
    expect(form?.[1]).toBe(new URL(link).searchParams.get('token'));
    const post = () => fetch(`${web.base}/dashboard/signin`, { method: 'POST', redirect: 'manual', headers: { 'user-agent': agent, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${form![1]}` });
    const first = await post();
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/^probity_session=/);
    const again = await post();
    expect(again.status).toBe(403);
    expect(pageOf(await again.text())).toBe('signin-refused');
    // An over-long form is refused before it is read.
    const big = await fetch(`${web.base}/dashboard/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'a'.repeat(100_000)}` });
    expect(big.status).toBe(413);
  });

  it('two requests with one link at once: exactly one session', async () => {
    web = await openWeb(dialect);
    const link = await web.link('2001');
    const statuses = (await Promise.all([fetch(link, { redirect: 'manual' }), fetch(link, { redirect: 'manual' })])).map((r) => r.status).sort();
    expect(statuses).toEqual([303, 403]);
    expect(await web.h.services.db.selectFrom('dashboard_sessions').selectAll().execute()).toHaveLength(1);
  });

  it('the cookie is Secure when PROBITY_PUBLIC_URL is https', async () => {
    web = await openWeb(dialect, { publicUrl: 'https://probity.city.example/' });
    const link = await web.link('3001');
    expect(LINK.exec(textOf(await web.h.command('3001', 'dashboard')))![0]).toMatch(/^https:\/\/probity\.city\.example\/dashboard\/signin\?token=/);
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.headers.get('set-cookie')).toContain('Secure');
  });

  it('no session or 8 hours idle → 401 signed-out page; a request within them keeps the session alive', async () => {
    web = await openWeb(dialect);
    const none = await web.get('/dashboard/');
    expect(none.status).toBe(401);
    const body = await none.text();
    expect(pageOf(body)).toBe('signed-out');
    expect(body).toContain('/integrity dashboard');

    const cookie = await web.signIn('3001');
    web.h.clock.advance(7 * 3_600_000);
    expect((await web.get('/dashboard/', cookie)).status).toBe(200);
    web.h.clock.advance(7 * 3_600_000);
    expect((await web.get('/dashboard/', cookie)).status).toBe(200);
    web.h.clock.advance(8 * 3_600_000 + 1000);
    const idle = await web.get('/dashboard/', cookie);
    expect(idle.status).toBe(401);
    expect(pageOf(await idle.text())).toBe('signed-out');
    expect(await web.h.services.db.selectFrom('dashboard_sessions').selectAll().execute()).toHaveLength(0);
  });

  it('sign-out needs the session\'s CSRF token; with it the session ends', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('3001');
    const page = await (await web.get('/dashboard/', cookie)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = (fields: Record<string, string>) =>
      fetch(`${web.base}/dashboard/signout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect((await post({})).status).toBe(403);
    expect((await post({ csrf: `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` })).status).toBe(403);
    // Another session's token is no good either.
    const other = await web.signIn('2001');
    const otherCsrf = /name="csrf" value="([^"]+)"/.exec(await (await web.get('/dashboard/', other)).text())![1]!;
    expect(otherCsrf).not.toBe(csrf);
    expect((await post({ csrf: otherCsrf })).status).toBe(403);
    expect((await web.get('/dashboard/', cookie)).status).toBe(200);

    const out = await post({ csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard/signed-out');
    const signedOut = await web.get('/dashboard/signed-out');
    expect(pageOf(await signedOut.text())).toBe('signed-out');
    expect((await web.get('/dashboard/', cookie)).status).toBe(401);
    expect((await web.get('/dashboard/', other)).status).toBe(200);
  });

  it('a revoked role takes effect on the next request', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('2001');
    expect((await web.get('/dashboard/departments', cookie)).status).toBe(200);
    await web.h.services.db.updateTable('members').set({ roles: 'employee' }).where('employee_no', '=', '2001').execute();
    const refused = await web.get('/dashboard/departments', cookie);
    expect(refused.status).toBe(403);
    expect(pageOf(await refused.text())).toBe('forbidden');
    // A link issued before the role went is no good either.
    await web.h.services.db.updateTable('members').set({ roles: 'employee;manager' }).where('employee_no', '=', '2001').execute();
    const link = await web.link('2001');
    await web.h.services.db.updateTable('members').set({ roles: 'employee' }).where('employee_no', '=', '2001').execute();
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(403);
  });

  it('a member who has left, or moved to another department, sees the change on the next request', async () => {
    web = await openWeb(dialect);
    const manager = await web.signIn('2001');
    const bureau = await web.h.services.db.selectFrom('departments').select(['id', 'path']).where('path', 'in', ['행정국', '복지국']).execute();
    const id = (path: string) => bureau.find((d) => d.path === path)!.id;
    expect((await web.get(`/dashboard/departments/${id('행정국')}`, manager)).status).toBe(200);
    await web.h.services.db.updateTable('members').set({ department_id: id('복지국') }).where('employee_no', '=', '2001').execute();
    expect((await web.get(`/dashboard/departments/${id('행정국')}`, manager)).status).toBe(403);
    expect((await web.get(`/dashboard/departments/${id('복지국')}`, manager)).status).toBe(200);
    const hr = await web.signIn('3001');
    await web.h.services.db.updateTable('members').set({ left_on: localDay(web.h.clock.now(), web.h.services.config.timezone) }).where('employee_no', '=', '3001').execute();
    const left = await web.get('/dashboard/exports/participation.csv', hr);
    expect(left.status).toBe(403);
    expect(left.headers.get('content-disposition')).toBeNull();
  });

  it('PROBITY_PUBLIC_URL turns the listener on in console mode and must be an http(s) URL', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'http://127.0.0.1:8080/' }).http?.port).toBe(8080);
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'http://127.0.0.1:8080/' }).publicUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).http).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'ftp://x' })).toThrow(/PROBITY_PUBLIC_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'https://city.example/probity' })).toThrow(/PROBITY_PUBLIC_URL: .*without a path/);
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'https://city.example:8443' }).publicUrl).toBe('https://city.example:8443');
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_PUBLIC_URL: 'http://x', PROBITY_HTTP_PORT: 'off' })).toThrow(/PROBITY_HTTP_PORT/);
  });
});
