import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl, type Config } from '../../src/config.js';

/** Runs loadConfig expecting it to throw a ConfigError, and returns it. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  return expect.unreachable(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: defaults', () => {
  const config: Config = loadConfig({});

  it('GIVEN no variables THEN the database is SQLite at ./data/probity.sqlite', () => {
    expect(config.database).toEqual({ dialect: 'sqlite', path: './data/probity.sqlite' });
  });

  it('GIVEN no variables THEN the time zone is Asia/Seoul and the locale Korean', () => {
    expect(config.timezone).toBe('Asia/Seoul');
    expect(config.locale).toBe('ko');
  });

  it('GIVEN no variables THEN only the shipped content directory is loaded, with no weights, closures or log level', () => {
    expect(config.contentDirs).toEqual(['content']);
    expect(config.topicWeights).toEqual({});
    expect(config.closures).toEqual([]);
    expect(config.logLevel).toBeUndefined();
  });

  it('GIVEN variables that are empty or blank THEN they count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PROBITY_TIMEZONE: '   ', PROBITY_LOCALE: '', LOG_LEVEL: ' ' })).toEqual(config);
  });
});

describe('loadConfig: values', () => {
  it.each([
    ['postgres://probity:secret@db.internal:5432/probity'],
    ['postgresql://probity@localhost/probity?sslmode=require'],
  ])('GIVEN DATABASE_URL %s THEN it is a PostgreSQL connection with that URL', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ dialect: 'postgres', url });
  });

  it.each([
    ['sqlite::memory:', ':memory:'],
    ['sqlite:relative/db.sqlite', 'relative/db.sqlite'],
    ['sqlite:///var/lib/probity/db.sqlite', '/var/lib/probity/db.sqlite'],
  ])('GIVEN DATABASE_URL %s THEN it is SQLite at %s', (url, path) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ dialect: 'sqlite', path });
  });

  it('GIVEN a time zone, English and a log level THEN they are used', () => {
    const config = loadConfig({ PROBITY_TIMEZONE: 'Europe/London', PROBITY_LOCALE: 'en', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ timezone: 'Europe/London', locale: 'en', logLevel: 'debug' });
  });

  it('GIVEN extra content directories THEN they come after the shipped one, in order, split on commas or semicolons', () => {
    expect(loadConfig({ PROBITY_CONTENT_DIRS: ' /srv/ours , ./local;/srv/more ' }).contentDirs).toEqual(['content', '/srv/ours', './local', '/srv/more']);
  });

  it('GIVEN topic weights THEN they are parsed as numbers, including 0 and decimals', () => {
    expect(loadConfig({ PROBITY_QUIZ_TOPIC_WEIGHTS: 'budget-execution=3, graft-act=0,personnel=1.5' }).topicWeights).toEqual({
      'budget-execution': 3,
      'graft-act': 0,
      personnel: 1.5,
    });
  });

  it('GIVEN closures THEN they are kept as days', () => {
    expect(loadConfig({ PROBITY_CLOSURES: '2026-12-31, 2027-01-04' }).closures).toEqual(['2026-12-31', '2027-01-04']);
  });
});

describe('loadConfig: bad values stop start-up with a message naming the variable', () => {
  it.each([
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', 'postgres://'],
    ['PROBITY_TIMEZONE', 'Mars/Base'],
    ['PROBITY_LOCALE', 'fr'],
    ['PROBITY_QUIZ_TOPIC_WEIGHTS', 'a=b'],
    ['PROBITY_QUIZ_TOPIC_WEIGHTS', 'graft-act=-1'],
    ['PROBITY_CLOSURES', '2026-13-45'],
    ['PROBITY_CLOSURES', '27/11/2026'],
    ['LOG_LEVEL', 'loud'],
  ])('GIVEN %s=%s THEN a ConfigError names that variable', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.issues.map((i) => i.variable)).toEqual([variable]);
    expect(error.message).toContain(variable);
    expect(error.issues[0]!.ko).not.toBe('');
    expect(error.issues[0]!.en).not.toBe('');
  });

  it('GIVEN a bad value THEN the message shows it, in Korean and English', () => {
    const error = configError({ PROBITY_LOCALE: 'fr' });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('설정 오류');
    expect(error.message).toContain('Configuration error');
    expect(error.message).toContain('"fr"');
  });

  it('GIVEN several bad variables THEN all of them are reported at once', () => {
    const error = configError({
      DATABASE_URL: 'mysql://x',
      PROBITY_TIMEZONE: 'Mars/Base',
      PROBITY_LOCALE: 'fr',
      PROBITY_QUIZ_TOPIC_WEIGHTS: 'a=b',
      PROBITY_CLOSURES: '2026-13-45',
      LOG_LEVEL: 'loud',
    });
    const variables = ['DATABASE_URL', 'PROBITY_TIMEZONE', 'PROBITY_LOCALE', 'PROBITY_QUIZ_TOPIC_WEIGHTS', 'PROBITY_CLOSURES', 'LOG_LEVEL'];
    expect(error.issues.map((i) => i.variable).sort()).toEqual([...variables].sort());
    for (const variable of variables) expect(error.message).toContain(variable);
  });

  it('GIVEN two bad entries in one list THEN each is reported', () => {
    const error = configError({ PROBITY_CLOSURES: '2026-13-45,2026-12-31,tomorrow' });
    expect(error.issues.map((i) => i.variable)).toEqual(['PROBITY_CLOSURES', 'PROBITY_CLOSURES']);
    expect(error.message).toContain('2026-13-45');
    expect(error.message).toContain('tomorrow');
  });

  it('GIVEN PROBITY_CLOSURES with a day that does not exist (2026-02-30) THEN a ConfigError names the variable', () => {
    const error = configError({ PROBITY_CLOSURES: '2026-02-30' });
    expect(error.issues.map((i) => i.variable)).toEqual(['PROBITY_CLOSURES']);
  });
});

describe('parseDatabaseUrl', () => {
  it('GIVEN an unsupported URL THEN it records an issue for DATABASE_URL', () => {
    const issues: Parameters<typeof parseDatabaseUrl>[1] = [];
    parseDatabaseUrl('mysql://x', issues);
    expect(issues.map((i) => i.variable)).toEqual(['DATABASE_URL']);
  });
});

describe('loadConfig: the result is frozen', () => {
  const config = loadConfig({ PROBITY_QUIZ_TOPIC_WEIGHTS: 'graft-act=2', PROBITY_CLOSURES: '2026-12-31', PROBITY_CONTENT_DIRS: 'extra' });

  it('the config object itself cannot be changed', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { locale: string }).locale = 'en';
    }).toThrow(TypeError);
    expect(config.locale).toBe('ko');
  });

  it('its lists and weight map cannot be changed either', () => {
    expect(Object.isFrozen(config.contentDirs)).toBe(true);
    expect(Object.isFrozen(config.topicWeights)).toBe(true);
    expect(Object.isFrozen(config.closures)).toBe(true);
    expect(() => (config.closures as string[]).push('2027-01-01')).toThrow(TypeError);
    expect(() => {
      (config.topicWeights as Record<string, number>)['graft-act'] = 9;
    }).toThrow(TypeError);
    expect(config.topicWeights).toEqual({ 'graft-act': 2 });
  });
});
