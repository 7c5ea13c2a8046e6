/**
 * The dashboard's downloads are built on the event loop: the same file asked for twice at once (a
 * double click, two officers) is built once, each request still answered and audit-logged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { openWeb, type Web } from './dashboard-support.js';

const builds = vi.hoisted(() => ({ annual: 0, exports: 0 }));
/** A build as long as a large organisation's, so that requests sent together arrive while it runs. */
const slow = vi.hoisted(() => () => new Promise((resolve) => setTimeout(resolve, 300)));
vi.mock('../../src/features/stats/annual.js', async (original) => {
  const actual = await original<typeof import('../../src/features/stats/annual.js')>();
  return { ...actual, annualReport: async (...args: Parameters<typeof actual.annualReport>) => (builds.annual++, await slow(), actual.annualReport(...args)) };
});
vi.mock('../../src/features/stats/exports.js', async (original) => {
  const actual = await original<typeof import('../../src/features/stats/exports.js')>();
  return { ...actual, buildExport: async (...args: Parameters<typeof actual.buildExport>) => (builds.exports++, await slow(), actual.buildExport(...args)) };
});

describe.each(DIALECTS)('web dashboard downloads (%s)', (dialect) => {
  let web: Web;
  afterEach(async () => web?.close());

  it('the same file asked for twice at once is built once; both are answered and logged', async () => {
    web = await openWeb(dialect);
    const cookie = await web.signIn('3001');
    builds.annual = 0;
    builds.exports = 0;
    const year = web.h.clock.now().toISOString().slice(0, 4);
    const annual = await Promise.all([web.get(`/dashboard/exports/annual-${year}.md`, cookie), web.get(`/dashboard/exports/annual-${year}.xlsx`, cookie), web.get(`/dashboard/exports/annual-${year}.md`, cookie)]);
    expect(annual.map((r) => r.status)).toEqual([200, 200, 200]);
    const [a, , c] = await Promise.all(annual.map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(a!.equals(c!)).toBe(true);
    expect(builds.annual).toBe(1);
    const csv = await Promise.all([web.get('/dashboard/exports/participation.csv?period=2026-10', cookie), web.get('/dashboard/exports/participation.csv?period=2026-10', cookie), web.get('/dashboard/exports/participation.csv?period=2026-09', cookie)]);
    expect(csv.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(builds.exports).toBe(2);
    // Built again once the first is done: nothing is kept.
    expect((await web.get(`/dashboard/exports/annual-${year}.md`, cookie)).status).toBe(200);
    expect(builds.annual).toBe(2);
    const logged = await web.h.services.db.selectFrom('audit_log').select('action').where('action', 'in', ['export', 'report.annual']).execute();
    expect(logged).toHaveLength(7);
  });
});
