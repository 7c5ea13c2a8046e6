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
import { createWebClient, SlackChatPort } from '../../adapters/slack/outbound.js';
import { dmChannelStore } from '../../src/features/people/people.repository.js';
import { HttpChatPort } from './httpPort.js';

const [databasePath, apiUrl, rate, platform = 'slack'] = process.argv.slice(2);
if (!databasePath || !apiUrl || !rate) throw new Error('usage: worker <sqlite path> <api url> <rate> [slack|generic]');

const config = loadConfig({ DATABASE_URL: `sqlite:${databasePath}`, PROBITY_RATE_LIMITS: `slack=${rate}`, PROBITY_INSTANCE_ID: 'bench-dispatcher' });
const db = createDb(config.database);
const services = { db, clock: systemClock, config, calendar: new WorkingDayCalendar(), content: loadContent(config.contentDirs).catalog, log: silentLogger };
// The real Slack adapter's port and WebClient, or a plain HTTP port for comparison.
const port = platform === 'slack' ? new SlackChatPort(createWebClient('xoxb-bench', `${apiUrl}/api/`), dmChannelStore(db, 'slack')) : new HttpChatPort(apiUrl);
const dispatcher = new Dispatcher(services, [port], { composers });
process.stdout.write('ready\n');
await dispatcher.drainAll();
await db.destroy();
process.stdout.write('done\n');
