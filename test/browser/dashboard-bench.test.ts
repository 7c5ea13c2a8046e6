/**
 * The dashboard benchmark keeps working (it needs no browser: it speaks HTTP to the dashboard as one
 * does): a small seed, then every page timed over the real sign-in flow, ending with the JSON line.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { ROOT, tempDir } from '../e2e/support.js';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const sqlitePath = join(tempDir(), 'bench-dashboard.sqlite');
// A database of its own, never the developer's probity_bench_stats.
const pgDatabase = `probity_bench_dash_e2e_${randomBytes(4).toString('hex')}`;

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...(TEST_DATABASE_URL ? { TEST_DATABASE_URL } : {}) };
    const child = spawn(TSX, [join(ROOT, 'bench', 'run.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | null>;

afterAll(async () => {
  if (!TEST_DATABASE_URL) return;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
  await admin.end();
});

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
