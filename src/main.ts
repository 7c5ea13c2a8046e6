/**
 * Composition root: config → logger → database, migrations, content → engine → adapters.
 * The only file in src/ that may import adapters/.
 */
import { ConsoleAdapter } from '../adapters/console/console.js';
import { composers, createEngine, planners } from './app.js';
import { openServices } from './bootstrap.js';
import { ConfigError, loadConfig, loadEnvFile } from './config.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { ContentError } from './features/content/loader.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ScheduleError } from './scheduler/schedules.js';
import { createLogger } from './log.js';

function argValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  loadEnvFile();
  const config = loadConfig();
  // Console mode keeps stderr quiet unless asked: stdout is the conversation.
  const log = createLogger(config.logLevel ?? 'warn');
  const services = await openServices(config, { log });
  try {
    const engine = createEngine(services);
    const as = argValue(argv, '--as');
    const console = new ConsoleAdapter(engine, {
      input: process.stdin,
      output: process.stdout,
      locale: config.locale,
      interactive: process.stdin.isTTY === true,
      ...(as !== undefined ? { as } : {}),
    });
    const dispatcher = new Dispatcher(services, [console], { composers });
    const scheduler = new Scheduler(services, planners, () => dispatcher.wake());
    await console.enrol();
    // Catch up first, so that what was due while Probity was down is delivered before anything else.
    await scheduler.runDue();
    await dispatcher.drainDue();
    scheduler.start();
    dispatcher.start();
    try {
      await console.run();
    } finally {
      await scheduler.stop();
      await dispatcher.stop();
    }
    return 0;
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof ContentError || error instanceof ScheduleError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Probity failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
