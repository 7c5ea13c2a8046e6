import type { Config } from '../config.js';
import type { Db } from '../db/createDb.js';
import type { Member } from '../db/schema.js';
import type { ContentCatalog } from '../features/content/content.js';
import type { Locale, Translator } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../ops/metrics.js';
import type { WorkingDayCalendar } from '../scheduler/calendar.js';
import type { Clock, Day } from '../time.js';
import type { InboundEvent } from './events.js';
import type { Role } from './roles.js';

/** What every use case may use; built once by the composition root. */
export interface Services {
  db: Db;
  clock: Clock;
  config: Config;
  calendar: WorkingDayCalendar;
  content: ContentCatalog;
  log: Logger;
  /** Where the core reports its work for monitoring; nothing is recorded when absent. */
  metrics?: Metrics;
}

/** One request: the services plus who is asking, in which language, on which organisation-local day. */
export interface RequestContext extends Services {
  event: InboundEvent;
  member: Member;
  roles: Role[];
  locale: Locale;
  t: Translator;
  today: Day;
  nowIso: string;
}
