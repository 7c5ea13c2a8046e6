/** Runs Probity's own entry points (npm start, npm run cli) as a person would, in child processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'probity-e2e-'));
}

/** A clean environment: nothing of the developer's own configuration leaks into the run. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  return { ...env, ...extra };
}

/** `start` is `npm start` (src/main.ts); `cli` is `npm run cli --` (src/main.ts cli). */
export function run(entry: 'start' | 'cli', args: string[], options: { env: Record<string, string>; input?: string; cwd?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TSX, [join(ROOT, 'src', 'main.ts'), ...(entry === 'cli' ? ['cli'] : []), ...args], { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.end(options.input ?? '');
  });
}

export function query<T>(sqlitePath: string, sql: string): T[] {
  const db = new SqliteDatabase(sqlitePath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
