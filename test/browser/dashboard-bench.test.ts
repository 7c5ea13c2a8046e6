/**
 * The dashboard benchmark keeps working (it needs no browser: it speaks HTTP to the dashboard as one
 * does): a small seed, then every page timed over the real sign-in flow, ending with the JSON line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { benchTarget, lastJson } from '../e2e/benchSupport.js';

const target = benchTarget('bench_dash_e2e');
const { sqlitePath, pgDatabase } = target;
const bench = target.run;

afterAll(() => target.drop());

describe('npm run bench -- dashboard (small)', () => {
  it('signs in as an officer and a manager and times every page on every configured database', async () => {
    const seeded = await bench(['seed', '--members', '300', '--days', '30', '--db', `sqlite:${sqlitePath}`, '--pg-db', pgDatabase]);
    expect(seeded.code, seeded.stderr).toBe(0);

    const timed = await bench(['dashboard', '--db', `sqlite:${sqlitePath}`, '--pg-db', pgDatabase, '--runs', '2', '--warmup', '0', '--downloads']);
    expect(timed.code, timed.stderr).toBe(0);
    const result = lastJson(timed.stdout);
    expect(Object.keys(result)).toEqual(['members', 'answers', 'sqliteWorstMedianMs', 'sqliteWorstP95Ms', 'postgresWorstMedianMs', 'postgresWorstP95Ms', 'pagesOverTarget']);
    expect(result['members']).toBe(lastJson(seeded.stdout)['members']);
    expect(result['sqliteWorstMedianMs']).toBeGreaterThan(0);
    if (TEST_DATABASE_URL) expect(result['postgresWorstMedianMs']).toBeGreaterThan(0);
    else expect(result['postgresWorstMedianMs']).toBeNull();
    for (const page of ['overview', 'departments', 'department', 'topics', 'campaigns', 'non-signers', 'exports']) {
      expect(timed.stdout).toContain(`| sqlite | hr (organisation) | ${page} |`);
    }
    // The manager's rows: no non-signer list (a 403 for managers), the rest as the officer's.
    expect(timed.stdout).toMatch(/\| sqlite \| manager \([^)]+\) \| departments \|/);
    expect(timed.stdout).not.toMatch(/\| manager \([^)]+\) \| non-signers \|/);
    expect(timed.stdout).toContain('| sqlite | hr (organisation) | ⤓ participation.csv |');
  }, 180_000);
});
