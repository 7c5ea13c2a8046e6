/** Runs `npm run bench -- …` as a person would, on a small seed of its own (SQLite file, PostgreSQL database). */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { ROOT, tempDir } from './support.js';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface BenchTarget {
  sqlitePath: string;
  /** A database of its own, never the developer's probity_bench_stats. */
  pgDatabase: string;
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Drops the PostgreSQL database the seed made (nothing without TEST_DATABASE_URL). */
  drop(): Promise<void>;
}

export function benchTarget(name: string): BenchTarget {
  const sqlitePath = join(tempDir(), `${name}.sqlite`);
  const pgDatabase = `probity_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  return {
    sqlitePath,
    pgDatabase,
    run: (args) =>
      new Promise((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...(TEST_DATABASE_URL ? { TEST_DATABASE_URL } : {}) };
        const child = spawn(TSX, [join(ROOT, 'bench', 'run.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    async drop() {
      if (!TEST_DATABASE_URL) return;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The benchmark's last line: its JSON summary. */
export const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | null>;
