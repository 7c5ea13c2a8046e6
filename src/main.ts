/**
 * Composition root: config → logger → database, migrations, content, schedules → engine → adapters →
 * scheduler and outbox dispatcher, with the operations listener (/healthz, /readyz, /metrics) when it
 * is on. The only file in src/ that may import adapters/.
 * Slack, Discord and NAVER WORKS run when their variables are set; otherwise the console does.
 * `main.ts cli …` runs the admin commands (npm run cli), with the adapters' own commands added.
 */
import { ConsoleAdapter } from '../adapters/console/console.js';
import { composers, createEngine, planners } from './app.js';
import { openServices } from './bootstrap.js';
import { runCli, type CliExtension } from './cli.js';
import { ConfigError, loadConfig, loadEnvFile } from './config.js';
import { Dispatcher } from './delivery/dispatcher.js';
import type { ChatPort } from './delivery/port.js';
import { ContentError } from './features/content/loader.js';
import { purgeOldAnswers } from './features/stats/retention.js';
import type { Services } from './engine/context.js';
import { createLogger, type Logger } from './log.js';
import type { WorkingDayCalendar } from './scheduler/calendar.js';
import { localDay } from './time.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ScheduleError } from './scheduler/schedules.js';
import { t } from './i18n/index.js';
import { platformCheck } from './ops/health.js';
import type { HttpListener } from './ops/http.js';
import { startOperations } from './ops/operations.js';
import { mountDashboard } from './features/dashboard/web/server.js';

function argValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The holiday data is packaged per year: say so well before it runs out, not after a holiday is missed. */
function warnIfCalendarRunsOut(calendar: WorkingDayCalendar, timezone: string, log: Logger): void {
  const uncovered = calendar.uncoveredSoon(localDay(new Date(), timezone));
  if (uncovered) {
    log.warn({ until: uncovered }, 'the Korean public-holiday data does not cover the coming weeks: update @hyunbinseo/holidays-kr, or holidays will be treated as working days');
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** npm run cli -- discord register [--guild <id>]: every configured guild unless one is named. */
const discordRegister: CliExtension = async (config, args, io) => {
  if (!config.discord) {
    io.err(t(config.locale, 'cli.discord.not_configured'));
    return 1;
  }
  const guild = argValue(args, '--guild');
  const guilds = guild ? [guild] : config.discord.guildIds;
  const { registerCommands } = await import('../adapters/discord/app.js');
  for (const id of guilds) {
    await registerCommands(config.discord, id);
    io.out(t(config.locale, 'cli.discord.registered', { guild: id }));
  }
  return 0;
};

async function main(argv: readonly string[]): Promise<number> {
  loadEnvFile();
  if (argv[0] === 'cli') {
    return runCli(argv.slice(1), undefined, undefined, { 'discord register': discordRegister });
  }
  const config = loadConfig();
  const chat = config.slack !== undefined || config.discord !== undefined || config.naverworks !== undefined;
  // Console mode keeps stderr quiet unless asked: stdout is the conversation.
  const log = createLogger(config.logLevel ?? (chat ? 'info' : 'warn'));
  const services = await openServices(config, { log });
  warnIfCalendarRunsOut(services.calendar, config.timezone, log);
  const stops: (() => Promise<void>)[] = [async () => services.close()];
  try {
    const engine = createEngine(services);
    const ports: ChatPort[] = [];
    let console: ConsoleAdapter | undefined;
    // Readiness asks the adapters once they exist; until then their platform counts as down.
    let slackConnected = () => false;
    let discordConnected = () => false;
    let naverworksMounted = false;
    let listener: HttpListener | undefined;
    if (config.http) {
      const platforms = [
        ...(config.slack ? [platformCheck('slack', () => slackConnected())] : []),
        ...(config.discord ? [platformCheck('discord', () => discordConnected())] : []),
        ...(config.naverworks ? [platformCheck('naverworks', () => naverworksMounted)] : []),
      ];
      const operations = await startOperations(services, config.http, platforms);
      listener = operations.listener;
      stops.unshift(operations.stop);
      if (config.publicUrl) mountDashboard(listener, services);
    }

    // Platform SDKs are loaded only when their platform is configured: the console and the admin
    // commands start without them.
    if (config.slack) {
      const { createSlackAdapter } = await import('../adapters/slack/app.js');
      const slack = createSlackAdapter(engine, services, config.slack);
      await slack.start();
      slackConnected = slack.connected;
      stops.unshift(slack.stop);
      ports.push(slack.port);
      // In the background: a slow or rate-limited directory must not keep Probity from running.
      slack.syncDirectory().then(
        (synced) => log.info({ ...synced, unassigned: synced.unassigned }, 'slack directory synced'),
        (error: unknown) => log.error({ err: error }, 'slack directory sync failed; people are linked as they write'),
      );
    }
    if (config.discord) {
      const { createDiscordAdapter } = await import('../adapters/discord/app.js');
      const discord = createDiscordAdapter(engine, services, config.discord);
      await discord.start();
      discordConnected = () => discord.client.isReady();
      stops.unshift(discord.stop);
      ports.push(discord.port);
    }
    // NAVER WORKS calls Probity: its callback is a route on the HTTP listener (config requires it on).
    if (config.naverworks && listener) {
      const { createNaverWorksAdapter } = await import('../adapters/naverworks/app.js');
      const naverworks = createNaverWorksAdapter(engine, services, config.naverworks);
      naverworks.mount(listener);
      naverworksMounted = true;
      await naverworks.start();
      stops.unshift(naverworks.stop);
      ports.push(naverworks.port);
      naverworks.syncDirectory().then(
        (synced) => synced && log.info({ ...synced, unassigned: synced.unassigned }, 'naverworks directory synced'),
        (error: unknown) => log.error({ err: error }, 'naverworks directory sync failed; people are linked by the roster (works_id) or as they write'),
      );
    }
    if (!chat) {
      const as = argValue(argv, '--as');
      console = new ConsoleAdapter(engine, {
        input: process.stdin,
        output: process.stdout,
        locale: config.locale,
        interactive: process.stdin.isTTY === true,
        ...(as !== undefined ? { as } : {}),
      });
      await console.enrol();
      ports.push(console);
    }

    const dispatcher = new Dispatcher(services, ports, { composers });
    const scheduler = new Scheduler(services, planners, () => dispatcher.wake());
    // Catch up first, so that what was due while Probity was down is delivered before anything else.
    await scheduler.runDue();
    await dispatcher.drainDue();
    scheduler.start();
    dispatcher.start();
    const retention = startRetention(services);
    stops.unshift(async () => {
      clearInterval(retention);
      await scheduler.stop();
      await dispatcher.stop();
    });

    // SIGTERM stops the console cleanly too (a service manager, a container), not only Ctrl+D.
    if (console) await Promise.race([console.run(), untilSignal()]);
    else await untilSignal();
    return 0;
  } finally {
    for (const stop of stops) await stop();
  }
}

const RETENTION_INTERVAL_MS = 24 * 3_600_000;

/**
 * Once at start and then daily: raw quiz answers older than PROBITY_ANSWER_RETENTION_DAYS are purged
 * after the statistics' aggregates hold them (several instances may do it side by side: it is a delete).
 */
function startRetention(services: Services): NodeJS.Timeout {
  const purge = async () => {
    try {
      const now = services.clock.now();
      const result = await purgeOldAnswers(services.db, { today: localDay(now, services.config.timezone), retentionDays: services.config.answerRetentionDays, now, timeZone: services.config.timezone });
      if (result.answers > 0) services.log.info(result, 'purged quiz answers past their retention');
    } catch (error) {
      services.log.error({ err: error }, 'retention purge failed');
    }
  };
  void purge();
  return setInterval(() => void purge(), RETENTION_INTERVAL_MS).unref();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof ContentError || error instanceof ScheduleError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Probity failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
