/** The configuration issue 6 adds: working hours for leadership messages, the pledge reminder cap, the organisation's name. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function issueFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return expect.unreachable(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: pledges and leadership messages', () => {
  it('GIVEN nothing THEN 09:00-18:00, three reminders, and no organisation name', () => {
    const config = loadConfig({});
    expect(config.workingHours).toEqual({ start: 9 * 60, end: 18 * 60 });
    expect(config.pledgeReminderMax).toBe(3);
    expect(config.organisationName).toBeUndefined();
  });

  it('GIVEN values THEN they are used', () => {
    const config = loadConfig({ PROBITY_WORKING_HOURS: '08:30-17:45', PROBITY_PLEDGE_REMINDER_MAX: '0', PROBITY_ORGANISATION_NAME: '  세종특별자치시 ' });
    expect(config.workingHours).toEqual({ start: 8 * 60 + 30, end: 17 * 60 + 45 });
    expect(config.pledgeReminderMax).toBe(0);
    expect(config.organisationName).toBe('세종특별자치시');
  });

  it.each(['9-18', '18:00-09:00', '09:00-09:00', '09:00-24:00', '09:60-18:00', '0900-1800'])('GIVEN PROBITY_WORKING_HOURS=%s THEN start-up stops naming the variable', (value) => {
    expect(issueFor({ PROBITY_WORKING_HOURS: value })).toContain('PROBITY_WORKING_HOURS');
  });

  it.each(['-1', '21', '2.5', 'three'])('GIVEN PROBITY_PLEDGE_REMINDER_MAX=%s THEN start-up stops naming the variable', (value) => {
    expect(issueFor({ PROBITY_PLEDGE_REMINDER_MAX: value })).toContain('PROBITY_PLEDGE_REMINDER_MAX');
  });
});
