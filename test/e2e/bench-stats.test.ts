/** The statistics benchmark keeps working: a small seed, then timed reports ending with the JSON line. */
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { benchTarget, lastJson } from './benchSupport.js';

const target = benchTarget('bench_e2e');
const { sqlitePath, pgDatabase } = target;
const bench = target.run;

afterAll(() => target.drop());

describe('npm run bench -- seed / stats (small)', () => {
  it('seeds a small organisation and times the reports on every configured database', async () => {
    const seeded = await bench(['seed', '--members', '300', '--days', '30', '--db', `sqlite:${sqlitePath}`, '--pg-db', pgDatabase]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const seed = lastJson(seeded.stdout);
    expect(seed['members']).toBeGreaterThan(300);
    expect(seed['answers']).toBeGreaterThan(1000);

    const timed = await bench(['stats', '--db', `sqlite:${sqlitePath}`, '--pg-db', pgDatabase, '--runs', '3', '--warmup', '1']);
    expect(timed.code, timed.stderr).toBe(0);
    const result = lastJson(timed.stdout);
    expect(Object.keys(result)).toEqual(['members', 'answers', 'sqliteMedianMs', 'postgresMedianMs', 'peakRssMb']);
    expect(result).toMatchObject({ members: seed['members'], answers: seed['answers'] });
    expect(result['sqliteMedianMs']).toBeGreaterThan(0);
    if (TEST_DATABASE_URL) expect(result['postgresMedianMs']).toBeGreaterThan(0);
    else expect(result['postgresMedianMs']).toBeNull();
    expect(result['peakRssMb']).toBeGreaterThan(0);
    expect(timed.stdout).toContain('| sqlite | organisation |');
  }, 120_000);
});
