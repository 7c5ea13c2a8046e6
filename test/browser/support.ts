/**
 * What the dashboard's browser tests need: Debian's Chromium driven by playwright-core, `npm start`
 * kept running in console mode with its stdin open (people type into it while the browser looks),
 * a free port, and a small seeded organisation whose last working day is yesterday.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { addDays, localDay, type Day } from '../../src/time.js';
import { ROOT } from '../e2e/support.js';

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 900 };

/**
 * Whether the browser tests run. In CI they must: a missing Chromium is an error there, not a skip.
 * Elsewhere they are skipped, saying why, only when Debian's Chromium is not installed.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI']) throw new Error(`CI must install Debian's Chromium (${CHROMIUM}): the dashboard's browser tests may not be skipped in CI`);
  console.warn(`dashboard browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
  return false;
}

/** A browser of its own with a fresh profile: no cookie, cache or history carried between people. */
export async function launchBrowser(locale = 'ko-KR'): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'probity-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    viewport: VIEWPORT,
    locale,
    timezoneId: 'Asia/Seoul',
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `count` working days ending yesterday in Seoul (weekends and Korean public holidays skipped): the seed's first day. */
export function firstSeedDay(count: number, now = new Date()): { firstDay: Day; today: Day } {
  const calendar = new WorkingDayCalendar();
  const today = localDay(now, 'Asia/Seoul');
  let day = today;
  for (let found = 0; found < count; ) {
    day = addDays(day, -1);
    if (calendar.isWorkingDay(day)) found++;
  }
  return { firstDay: day, today };
}

/**
 * `npm start` in console mode as a long-running process: lines are typed one at a time and the
 * test waits for what it prints, as a person at the terminal would.
 */
export class ConsoleProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private errors = '';
  private exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    this.child = spawn(tsx, [join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      // Nothing of the developer's own configuration leaks into the run.
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.errors += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get stdout(): string {
    return this.output;
  }

  get stderr(): string {
    return this.errors;
  }

  /** Types one line and waits until the output after it matches `expect`; returns that output. */
  async type(line: string, expect: RegExp, timeoutMs = 30_000): Promise<string> {
    const from = this.output.length;
    this.child.stdin.write(`${line}\n`);
    return this.waitFor(expect, from, timeoutMs);
  }

  async waitFor(expect: RegExp, from = 0, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const since = this.output.slice(from);
      if (expect.test(since)) return since;
      if (this.child.exitCode !== null) throw new Error(`npm start exited (${this.child.exitCode}) before printing ${expect}:\n${since}\n${this.errors}`);
      if (Date.now() > deadline) throw new Error(`npm start did not print ${expect} within ${timeoutMs} ms:\n${since}\n${this.errors}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Types `/integrity dashboard` and returns the one-time link it prints on a line of its own. */
  async dashboardLink(): Promise<string> {
    const printed = await this.type('/integrity dashboard', SIGNIN_LINK_LINE);
    return SIGNIN_LINK_LINE.exec(printed)![1]!;
  }

  /** Ends the console as a person does (end of input), and SIGTERM if it does not stop. */
  async stop(): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The link printed as plain text on its own line (leading spaces of a card's indentation allowed). */
export const SIGNIN_LINK_LINE = /^\s*(https?:\/\/\S+\/dashboard\/signin\?token=[A-Za-z0-9_-]{43,})\s*$/m;
