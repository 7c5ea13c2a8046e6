/**
 * The web dashboard's pages over HTTP (issue 13): the stats feature's figures and suppression reasons,
 * a manager's subtree on every page and typed URL, the non-signer list for hr/admin only (audit-logged),
 * exports byte for byte the command line's, languages, and the security headers on every response.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { dialectOf } from '../../src/db/createDb.js';
import { computeStats, parsePeriod } from '../../src/features/stats/metrics.js';
import { figureText, suppressionNote } from '../../src/features/stats/exports.js';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { translator } from '../../src/i18n/index.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { DIALECTS } from '../support/databases.js';
import { openWeb, pageOf, type Web } from './dashboard-support.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const ko = translator('ko');
const PERIOD = '2026-11';

/** Answers on working days of November by 감사과 (all six) and 총무과 (both), half of them right. */
async function seedAnswers(web: Web): Promise<void> {
  const db = web.h.services.db;
  const members = await db.selectFrom('members').innerJoin('departments', 'departments.id', 'members.department_id').select(['members.id', 'departments.path']).where('departments.path', 'in', ['행정국/감사과', '행정국/총무과']).execute();
  const questions = await db.selectFrom('questions').select(['id', 'topic']).where('active', '=', 1).orderBy('id').limit(4).execute();
  const rows = [];
  for (const [d, day] of ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].entries()) {
    for (const [i, m] of members.entries()) {
      const q = questions[(d + i) % questions.length]!;
      rows.push({ member_id: m.id, question_id: q.id, quiz_day: day, choice_index: 0, correct: (d + i) % 2, platform: 'console', answered_at: `${day}T01:00:00.000Z` });
    }
  }
  await db.insertInto('quiz_answers').values(rows).execute();
}

const statsOptions = (web: Web) => ({ calendar: new WorkingDayCalendar([]), minGroupSize: web.h.services.config.minGroupSize, today: '2026-11-27', now: web.h.clock.now(), timeZone: 'Asia/Seoul' });
const departmentId = async (web: Web, path: string) => (await web.h.services.db.selectFrom('departments').select('id').where('path', '=', path).executeTakeFirstOrThrow()).id;
/** The text of the row of a department (by id) in a table. */
const rowOf = (body: string, id: number) => new RegExp(`<tr[^>]*data-department-id="${id}"[^>]*>(.*?)</tr>`).exec(body)?.[1] ?? '';

describe.each(DIALECTS)('web dashboard pages (%s)', (dialect) => {
  let web: Web;
  afterEach(async () => web?.close());

  it('an officer sees every page with the stats feature\'s figures, in Korean, behind the security headers', async () => {
    web = await openWeb(dialect);
    await seedAnswers(web);
    const cookie = await web.signIn('3001');
    const expected = await computeStats(web.h.services.db, { period: parsePeriod(PERIOD, '2026-11-27'), departmentId: null }, statsOptions(web));
    const pledge = await web.h.services.db.selectFrom('pledges').select('id').where('active', '=', 1).orderBy('id').executeTakeFirstOrThrow();
    const pages: [string, string][] = [
      ['/dashboard/', 'overview'], ['/dashboard/departments', 'departments'], [`/dashboard/departments/${await departmentId(web, '행정국')}`, 'department'],
      ['/dashboard/topics', 'topics'], ['/dashboard/campaigns', 'campaigns'], [`/dashboard/campaigns/pledge/${pledge.id}/non-signers`, 'non-signers'], ['/dashboard/exports', 'exports'],
    ];
    for (const [path, name] of pages) {
      const response = await web.get(`${path}?period=${PERIOD}`, cookie);
      const body = await response.text();
      expect([path, response.status, pageOf(body)]).toEqual([path, 200, name]);
      expect(body).toMatch(/^<!doctype html>\n<html lang="ko">/);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      // Nothing inline for the CSP to refuse.
      expect(body).not.toMatch(/<script|style=|\son[a-z]+=/i);
    }
    const overview = await (await web.get(`/dashboard/?period=${PERIOD}`, cookie)).text();
    expect(expected.headcount).toBe(14);
    expect(/data-testid="headcount" data-value="(\d+)">([^<]+)</.exec(overview)?.slice(1)).toEqual([String(expected.headcount), String(expected.headcount)]);
    expect(/data-testid="participation"[^>]*>([^<]+)</.exec(overview)?.[1]).toBe(figureText(expected.participation, ko('stats.hidden')));
    expect(overview).toContain('<svg class="chart"');
    expect(overview).toContain('<select name="period" data-testid="period">');
    expect(overview).toContain(`<option value="${PERIOD}" selected>`);

    const css = await web.get('/dashboard/assets/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('content-security-policy')).toBe(CSP);
    const missing = await web.get('/dashboard/nothing-here', cookie);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
  });

  it('department cells hidden for small groups say why, with the exports\' words and the stats feature\'s reasons', async () => {
    web = await openWeb(dialect);
    await seedAnswers(web);
    const cookie = await web.signIn('3001');
    const bureau = await departmentId(web, '행정국');
    const report = await computeStats(web.h.services.db, { period: parsePeriod(PERIOD, '2026-11-27'), departmentId: bureau }, statsOptions(web));
    const body = await (await web.get(`/dashboard/departments?period=${PERIOD}`, cookie)).text();
    // 총무과 (2 people) is a small group; 감사과 is hidden with it so that 행정국 minus 감사과 does not give it away.
    expect(report.departments.map((d) => [d.path, d.participation.reason])).toEqual([
      ['행정국/감사과', 'complementary'],
      ['행정국/총무과', 'small_group'],
    ]);
    for (const d of report.departments) {
      const row = rowOf(body, d.departmentId);
      expect(row).toContain(`data-reason="${d.participation.reason}">${suppressionNote(ko, d.participation)}<`);
      expect(row).toContain(`<td class="num">${d.headcount}</td>`);
    }
    expect(body).toContain('소집단 비공개');
    expect(body).toContain('차감 방지 비공개');

    const topics = await (await web.get(`/dashboard/topics?period=${PERIOD}`, cookie)).text();
    const org = await computeStats(web.h.services.db, { period: parsePeriod(PERIOD, '2026-11-27'), departmentId: null }, statsOptions(web));
    expect(org.topics.length).toBeGreaterThan(0);
    for (const topic of org.topics) expect(topics).toContain(web.h.services.content.topics[topic.topic]?.ko ?? topic.topic);
  });

  it('a manager sees only their subtree, on every page and every URL typed by hand', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('2001');
    const welfare = await departmentId(web, '복지국');
    const audit = await departmentId(web, '행정국/감사과');
    const overview = await (await web.get('/dashboard/', cookie)).text();
    expect(/data-testid="headcount" data-value="(\d+)"/.exec(overview)?.[1]).toBe('9');
    for (const path of ['/dashboard/', '/dashboard/departments', '/dashboard/topics', '/dashboard/campaigns']) {
      const body = await (await web.get(path, cookie)).text();
      expect([path, body.includes('복지국')]).toEqual([path, false]);
    }
    const other = await web.get(`/dashboard/departments/${welfare}`, cookie);
    expect(other.status).toBe(403);
    expect(pageOf(await other.text())).toBe('forbidden');
    const own = await web.get(`/dashboard/departments/${audit}`, cookie);
    expect(own.status).toBe(200);
    expect(pageOf(await own.text())).toBe('department');
    expect((await web.get('/dashboard/departments/999999', cookie)).status).toBe(404);
    expect((await web.get('/dashboard/departments/abc', cookie)).status).toBe(404);

    const pledge = await web.h.services.db.selectFrom('pledges').select('id').where('active', '=', 1).orderBy('id').executeTakeFirstOrThrow();
    const nonSigners = await web.get(`/dashboard/campaigns/pledge/${pledge.id}/non-signers`, cookie);
    expect(nonSigners.status).toBe(403);
    expect(await (await web.get('/dashboard/campaigns', cookie)).text()).not.toContain('data-testid="non-signers"');
    expect((await web.get('/dashboard/exports/participation.csv', cookie)).status).toBe(403);
    expect((await web.get('/dashboard/exports/annual-2026.xlsx', cookie)).status).toBe(403);
    expect(await (await web.get('/dashboard/exports', cookie)).text()).toContain('data-testid="exports-operators-only"');
    const listed = await web.h.services.db.selectFrom('audit_log').select('action').where('action', '=', 'pledge.non_signers').execute();
    expect(listed).toHaveLength(0);

    // The other bureau's head, likewise the other way round, in English (the roster's language).
    const head = await web.signIn('4001');
    const page = await (await web.get('/dashboard/', head)).text();
    expect(page).toMatch(/<html lang="en">/);
    expect((await web.get(`/dashboard/departments/${audit}`, head)).status).toBe(403);
  });

  it('hr opens the non-signer list; each view is audit-logged', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('3001');
    const pledge = await web.h.services.db.selectFrom('pledges').select(['id', 'pack', 'slug']).where('active', '=', 1).where('audience', '=', 'all').orderBy('id').executeTakeFirstOrThrow();
    const signer = await web.h.services.db.selectFrom('members').select('id').where('employee_no', '=', '1101').executeTakeFirstOrThrow();
    await web.h.services.db.insertInto('pledge_signatures').values({ member_id: signer.id, pledge_id: pledge.id, campaign_id: null, signed_at: '2026-11-20T01:00:00.000Z', day: '2026-11-20', platform: 'console', platform_user_id: '1101', locale: 'ko', text_hash: 'h' }).execute();
    const body = await (await web.get(`/dashboard/campaigns/pledge/${pledge.id}/non-signers`, cookie)).text();
    expect(pageOf(body)).toBe('non-signers');
    expect(body).toContain('감사2');
    expect(body).not.toContain('감사1<');
    const audit = await web.h.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'pledge.non_signers').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ pledge: `${pledge.pack}/${pledge.slug}`, listed: 13, via: 'dashboard' });
    expect((await web.get('/dashboard/campaigns/pledge/999999/non-signers', cookie)).status).toBe(404);
  });

  it('a HEAD request for a download or a non-signer list builds nothing and logs no view', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('3001');
    const pledge = await web.h.services.db.selectFrom('pledges').select('id').where('active', '=', 1).orderBy('id').executeTakeFirstOrThrow();
    const head = (path: string) => fetch(`${web.base}${path}`, { method: 'HEAD', redirect: 'manual', headers: { cookie } });
    expect((await head('/dashboard/exports/participation.csv')).status).toBe(200);
    expect((await head('/dashboard/exports/annual-2026.xlsx')).status).toBe(200);
    expect((await head(`/dashboard/campaigns/pledge/${pledge.id}/non-signers`)).status).toBe(200);
    expect((await head('/dashboard/exports/passwd')).status).toBe(404);
    const manager = await web.signIn('2001');
    expect((await fetch(`${web.base}/dashboard/exports/participation.csv`, { method: 'HEAD', redirect: 'manual', headers: { cookie: manager } })).status).toBe(403);
    const logged = await web.h.services.db.selectFrom('audit_log').select('action').where('action', 'in', ['export', 'report.annual', 'pledge.non_signers']).execute();
    expect(logged).toEqual([]);
  });

  it('exports download the very files the command line writes (CSV byte for byte)', async () => {
    web = await openWeb(dialect);
    await seedAnswers(web);
    const cookie = await web.signIn('3001');
    const period = '2026-11-02..2026-11-20';
    const downloads: Record<string, Buffer> = {};
    for (const file of ['participation.csv', 'topics.csv', 'participation.xlsx']) {
      const response = await web.get(`/dashboard/exports/${file}?period=${period}`, cookie);
      expect([file, response.status]).toEqual([file, 200]);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="probity-/);
      downloads[file] = Buffer.from(await response.arrayBuffer());
    }
    const dir = mkdtempSync(join(tmpdir(), 'probity-dash-'));
    try {
      let url = web.h.database.url;
      if (dialectOf(web.h.services.db) === 'sqlite') {
        url = `sqlite:${join(dir, 'copy.sqlite')}`;
        await sql`vacuum into ${join(dir, 'copy.sqlite')}`.execute(web.h.services.db);
      }
      for (const file of Object.keys(downloads)) {
        const [kind, format] = file.split('.') as [string, string];
        const out = join(dir, file);
        const lines: string[] = [];
        const code = await runCli(['export', kind, '--period', period, '--format', format, '--out', out], { out: (l) => lines.push(l), err: (l) => lines.push(l) }, { DATABASE_URL: url, PROBITY_LOCALE: 'ko' });
        expect([file, code, lines]).toEqual([file, 0, [expect.stringContaining(out)]]);
        const saved = lines[0]!.slice(lines[0]!.indexOf(out));
        // CSV byte for byte; an XLSX is a zip whose entries carry the time it was written, so its sheets are compared.
        if (format === 'csv') expect([file, readFileSync(saved).equals(downloads[file]!)]).toEqual([file, true]);
        else expect(await readXlsx(downloads[file]!)).toEqual(await readXlsx(readFileSync(saved)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const logged = await web.h.services.db.selectFrom('audit_log').select('details').where('action', '=', 'export').where('actor_member_id', 'is not', null).execute();
    expect(logged).toHaveLength(3);
  });

  it('department names, pledge and topic titles from the roster and the content are escaped on every page', async () => {
    web = await openWeb(dialect);
    await seedAnswers(web);
    const cookie = await web.signIn('3001');
    const hostile = '<img src=x onerror=alert(1)>"\'';
    const db = web.h.services.db;
    await db.updateTable('departments').set({ name: hostile, path: `행정국/${hostile}` }).where('path', '=', '행정국/감사과').execute();
    const pledge = web.h.services.content.pledges[0]!;
    pledge.title = { ko: hostile, en: hostile };
    for (const topic of Object.keys(web.h.services.content.topics)) web.h.services.content.topics[topic] = { ko: hostile, en: hostile };
    const pledgeRow = await db.selectFrom('pledges').select('id').where('pack', '=', pledge.pack).where('slug', '=', pledge.slug).executeTakeFirstOrThrow();
    const department = await db.selectFrom('departments').select('id').where('name', '=', hostile).executeTakeFirstOrThrow();
    for (const path of ['/dashboard/departments', `/dashboard/departments/${department.id}`, '/dashboard/topics', '/dashboard/campaigns', `/dashboard/campaigns/pledge/${pledgeRow.id}/non-signers`, '/dashboard/?lang=en']) {
      const body = await (await web.get(`${path}${path.includes('?') ? '&' : '?'}period=2026-11`, cookie)).text();
      expect([path, body.includes('<img')]).toEqual([path, false]);
      // The overview names the pledges by their titles too.
      expect([path, body.includes('&lt;img src=x onerror=alert(1)&gt;')]).toEqual([path, true]);
    }
  });

  it('switches language by ?lang= and remembers it; a bad period is a localised error; names are escaped', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('3001');
    await web.h.services.db.updateTable('members').set({ name: '<img src=x onerror=alert(1)>' }).where('employee_no', '=', '3001').execute();
    const escaped = await (await web.get('/dashboard/', cookie)).text();
    expect(escaped).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escaped).not.toContain('<img');
    const en = await (await web.get('/dashboard/departments?lang=en', cookie)).text();
    expect(en).toMatch(/<html lang="en">/);
    expect(en).toContain('>Departments<');
    expect(en).toContain('data-lang="ko"');
    const still = await (await web.get('/dashboard/topics', cookie)).text();
    expect(still).toMatch(/<html lang="en">/);
    const bad = await web.get('/dashboard/?period=2026-13&lang=ko', cookie);
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(pageOf(body)).toBe('error');
    expect(body).toContain('2026-13');
    expect(body).toMatch(/<html lang="ko">/);
  });
});
