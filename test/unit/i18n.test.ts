import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogues, LOCALES, t, translator, type MessageKey } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/en.js';
import { ko } from '../../src/i18n/ko.js';
import { withParticles } from '../../src/i18n/particles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesUnder(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const KEY_LITERAL = /'((?:error|quiz|me|whoami|lang|help|content|roster|cli|console|role|language|department)\.[a-z0-9_.]+)'/g;
/**
 * A few literals share the key namespace but are not messages: action names (`ANSWER_ACTION = 'quiz.answer'`)
 * and audit actions (`action: 'roster.import'`). They are recognised by what precedes them, not by name.
 */
const NOT_A_MESSAGE = /(?:\baction:\s*|_ACTION\s*=\s*)$/;

function keyLiteralsInSource(): { key: string; where: string }[] {
  const found: { key: string; where: string }[] = [];
  const files = [...tsFilesUnder(join(ROOT, 'src')), ...tsFilesUnder(join(ROOT, 'adapters'))].filter(
    (f) => !f.includes(`${join('src', 'i18n')}`),
  );
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(KEY_LITERAL)) {
      const before = source.slice(Math.max(0, match.index - 40), match.index);
      if (NOT_A_MESSAGE.test(before)) continue;
      const line = source.slice(0, match.index).split('\n').length;
      found.push({ key: match[1]!, where: `${relative(ROOT, file)}:${line}` });
    }
  }
  return found;
}

describe('message catalogues', () => {
  const koKeys = Object.keys(ko).sort();
  const enKeys = Object.keys(en).sort();

  it('every Korean key exists in English', () => {
    expect(koKeys.filter((k) => !(k in en))).toEqual([]);
  });

  it('every English key exists in Korean', () => {
    expect(enKeys.filter((k) => !(k in ko))).toEqual([]);
  });

  it('the catalogue registry offers exactly the supported locales', () => {
    expect(Object.keys(catalogues).sort()).toEqual([...LOCALES].sort());
  });

  it('no message is empty or blank in any locale', () => {
    for (const locale of LOCALES) {
      const blank = Object.entries(catalogues[locale]).filter(([, text]) => text.trim() === '').map(([k]) => k);
      expect(blank, `blank messages in ${locale}`).toEqual([]);
    }
  });

  it('each key has the same set of {placeholders} in Korean and English', () => {
    const mismatched = koKeys
      .filter((k) => k in en)
      .filter((k) => {
        const key = k as MessageKey;
        return placeholders(ko[key]).join(',') !== placeholders(en[key]).join(',');
      })
      .map((k) => `${k}: ko {${placeholders(ko[k as MessageKey]).join(',')}} en {${placeholders(en[k as MessageKey]).join(',')}}`);
    expect(mismatched).toEqual([]);
  });
});

describe('t()', () => {
  it('GIVEN parameters THEN every placeholder is filled, in each locale', () => {
    expect(t('en', 'me.month_value', { answered: 3, working: 20 })).toBe('3 of 20 working days');
    expect(t('ko', 'me.month_value', { answered: 3, working: 20 })).toBe('근무일 20일 중 3일 참여');
  });

  it('GIVEN a parameter value of 0 THEN it is filled, not treated as missing', () => {
    expect(t('en', 'quiz.result.streak', { days: 0 })).toBe('🔥 0-day streak');
  });

  it('GIVEN a missing parameter THEN its placeholder stays visible while the others are filled', () => {
    expect(t('en', 'me.month_value', { answered: 3 })).toBe('3 of {working} working days');
    expect(t('en', 'error.internal')).toContain('{incident}');
  });

  it('GIVEN an extra parameter the message does not use THEN it is ignored', () => {
    expect(t('en', 'error.forbidden', { whatever: 'x' })).toBe(en['error.forbidden']);
  });

  it('GIVEN a parameter value that itself looks like a placeholder THEN it is inserted literally, not expanded again', () => {
    expect(t('en', 'lang.changed', { language: '{language}' })).toBe('Language changed to {language}.');
  });

  it('translator(locale) is t() bound to that locale', () => {
    expect(translator('ko')('lang.changed', { language: 'English' })).toBe(t('ko', 'lang.changed', { language: 'English' }));
    expect(translator('en')('help.title')).toBe(en['help.title']);
  });
});

describe('message keys used in the source', () => {
  const used = keyLiteralsInSource();

  it('the scan finds the keys used by the engine, features, CLI and console (so it is really scanning)', () => {
    const keys = new Set(used.map((u) => u.key));
    for (const expected of ['error.stale_action', 'quiz.error.closed', 'roster.error.email', 'content.error.no_pack', 'cli.usage', 'console.welcome']) {
      expect(keys.has(expected), expected).toBe(true);
    }
  });

  it('every key literal in src/ and adapters/ exists in the catalogue', () => {
    const missing = used.filter((u) => !(u.key in ko)).map((u) => `${u.where} '${u.key}'`);
    expect(missing).toEqual([]);
  });
});

describe('Korean particles (이/가, 을/를, 은/는, 와/과, (으)로)', () => {
  it.each([
    ['감사과이(가) 있습니다', '감사과가 있습니다'],
    ['감사실이(가) 있습니다', '감사실이 있습니다'],
    ['서약을(를) 읽습니다', '서약을 읽습니다'],
    ['서한을(를) 읽습니다', '서한을 읽습니다'],
    ['메시지을(를) 읽습니다', '메시지를 읽습니다'],
    ['제목은(는)', '제목은'],
    ['담당자은(는)', '담당자는'],
    ['직원와(과)', '직원과'],
    ['간부와(과)', '간부와'],
    ['한국어(으)로', '한국어로'],
    ['서울(으)로', '서울로'],
    ['부산(으)로', '부산으로'],
    // Digits as they are read: 일 (ㄹ), 이, 삼, 영 …
    ['서한 #1 을(를) 보냅니다', '서한 #1을 보냅니다'],
    ['서한 #2 을(를) 보냅니다', '서한 #2를 보냅니다'],
    ['캠페인 #3 은(는)', '캠페인 #3은'],
    ['#10(으)로', '#10으로'],
    ['#7(으)로', '#7로'],
    // A quoted value: the particle attaches to the word inside the quotes.
    ['사번 "1002" 이(가) 없습니다', '사번 "1002"가 없습니다'],
    ['일정 "퀴즈" 을(를) 멈춥니다', '일정 "퀴즈"를 멈춥니다'],
    // A reading Probity cannot know (Latin letters): both forms stay.
    ['서약 "all-staff" 이(가) 없습니다', '서약 "all-staff" 이(가) 없습니다'],
  ])('GIVEN "%s" THEN it reads "%s"', (written, read) => {
    expect(withParticles(written)).toBe(read);
  });

  it('GIVEN a message whose value decides the particle WHEN translated THEN the right particle is chosen, in Korean only', () => {
    expect(t('ko', 'error.unknown_employee_no', { employeeNo: '1004' })).toBe('직원 명부에 사번 "1004"가 없습니다.');
    expect(t('ko', 'error.unknown_employee_no', { employeeNo: '1003' })).toBe('직원 명부에 사번 "1003"이 없습니다.');
    expect(t('ko', 'pledge.closed', { id: 2 })).toMatch(/^서약 캠페인 #2를 마쳤습니다/);
  });
});
