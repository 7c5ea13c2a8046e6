/**
 * The survey quiet period (PROBITY_SURVEY_QUIET). The ACRC counts coaching staff ahead of its own
 * integrity survey as undermining the assessment, so inside these yearly windows no pulse is opened,
 * sent or reminded, and no nudge about the assessment goes out. Pure.
 */
import type { QuietWindow } from '../config.js';

/** The nudge topic that speaks about the integrity assessment and its survey. */
export const ASSESSMENT_TOPIC = 'assessment';

/** The quiet window a day (YYYY-MM-DD) falls in, if any; windows recur every year. */
export function quietWindowOf(day: string, windows: readonly QuietWindow[]): QuietWindow | undefined {
  const monthDay = day.slice(5);
  return windows.find((w) => (w.from <= w.to ? monthDay >= w.from && monthDay <= w.to : monthDay >= w.from || monthDay <= w.to));
}
