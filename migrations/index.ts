import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_scheduling.js';
import * as m0003 from './0003_direct_messages.js';
import * as m0004 from './0004_pledges_announcements.js';
import * as m0005 from './0005_statistics.js';
import * as m0006 from './0006_letter_audience.js';
import * as m0007 from './0007_console_operator.js';
import * as m0008 from './0008_pulse.js';
import * as m0009 from './0009_dashboard.js';
import * as m0010 from './0010_plan.js';
import * as m0011 from './0011_training.js';
import * as m0012 from './0012_holdout.js';

/** Every migration, in order. Names sort; a new one is added here and never renamed. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_scheduling': m0002,
  '0003_direct_messages': m0003,
  '0004_pledges_announcements': m0004,
  '0005_statistics': m0005,
  '0006_letter_audience': m0006,
  '0007_console_operator': m0007,
  '0008_pulse': m0008,
  '0009_dashboard': m0009,
  '0010_plan': m0010,
  '0011_training': m0011,
  '0012_holdout': m0012,
};
