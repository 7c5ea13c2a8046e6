/**
 * The dispatcher process of the fan-out benchmark: the real Dispatcher draining the outbox of a
 * SQLite file through HttpChatPort until nothing is left. The benchmark kills it with SIGKILL in
 * --crash mode and starts it again.
 */
import { composers } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/createDb.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { loadContent } from '../../src/features/content/loader.js';
import { silentLogger } from '../../src/log.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { systemClock } from '../../src/time.js';
import { HttpChatPort } from './httpPort.js';

const [databasePath, apiUrl, rate] = process.argv.slice(2);
if (!databasePath || !apiUrl || !rate) throw new Error('usage: worker <sqlite path> <api url> <rate>');

const config = loadConfig({ DATABASE_URL: `sqlite:${databasePath}`, PROBITY_RATE_LIMITS: `slack=${rate}`, PROBITY_INSTANCE_ID: 'bench-dispatcher' });
const db = createDb(config.database);
const services = { db, clock: systemClock, config, calendar: new WorkingDayCalendar(), content: loadContent(config.contentDirs).catalog, log: silentLogger };
const dispatcher = new Dispatcher(services, [new HttpChatPort(apiUrl)], { composers });
process.stdout.write('ready\n');
await dispatcher.drainAll();
await db.destroy();
process.stdout.write('done\n');
