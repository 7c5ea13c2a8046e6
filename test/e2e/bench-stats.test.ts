/** The statistics benchmark keeps working: a small seed, then timed reports ending with the JSON line. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { ROOT, tempDir } from './support.js';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const sqlitePath = join(tempDir(), 'bench-stats.sqlite');
// A database of its own, never the developer's probity_bench_stats.
const pgDatabase = `probity_bench_e2e_${randomBytes(4).toString('hex')}`;

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
