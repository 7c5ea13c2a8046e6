import { describe, expect, it } from 'vitest';
import type { NudgeItem, Season } from '../../src/features/content/content.js';
import { selectNudge } from '../../src/features/nudges/nudges.js';

function nudge(slug: string, seasons: Season[] = [], pack = 'core'): NudgeItem {
  return {
    pack,
    file: `${pack}/nudges.yaml`,
    slug,
    topic: 'graft-act',
    seasons,
    text: { ko: `${slug} 안내`, en: `About ${slug}` },
    basis: [{ law: 'graft-act', article: { ko: '제8조', en: 'Art. 8' }, verify: false }],
  };
}

const key = (n: NudgeItem) => `${n.pack}/${n.slug}`;

/** Sends `count` nudges in a row, feeding each choice back into the counts as the delivery does. */
function send(nudges: readonly NudgeItem[], seasons: readonly Season[], count: number, counts = new Map<string, number>()): string[] {
  const sent: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = selectNudge(nudges, counts, seasons);
    if (!item) throw new Error('nothing selected');
    sent.push(key(item));
    counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  }
  return sent;
}

const sorted = (keys: readonly string[]) => [...keys].sort();

const OFF_SEASON = [nudge('meal-limit'), nudge('gift-refusal'), nudge('report-channel'), nudge('conflict-of-interest'), nudge('hospitality')];
const GIFT = [nudge('holiday-gifts', ['gift-season']), nudge('farm-gift-limit', ['gift-season'])];
const PERSONNEL = [nudge('fair-promotion', ['personnel-season'])];
const ALL = [...OFF_SEASON.slice(0, 2), GIFT[0]!, ...OFF_SEASON.slice(2, 4), PERSONNEL[0]!, GIFT[1]!, OFF_SEASON[4]!];

describe('selectNudge: rotation without repeats', () => {
  it('GIVEN no nudges THEN there is nothing to send', () => {
    expect(selectNudge([], new Map(), [])).toBeUndefined();
    expect(selectNudge([], new Map(), ['gift-season'])).toBeUndefined();
  });

  it('GIVEN two full rounds out of season THEN each round sends every nudge exactly once', () => {
    const sent = send(ALL, [], 2 * ALL.length);
    const everyKey = sorted(ALL.map(key));
    expect(sorted(sent.slice(0, ALL.length))).toEqual(everyKey);
    expect(sorted(sent.slice(ALL.length))).toEqual(everyKey);
  });

  it('GIVEN counts left over from earlier rounds THEN the least-sent nudges go first and none gets ahead by two', () => {
    const counts = new Map([
      ['core/meal-limit', 2],
      ['core/gift-refusal', 1],
      ['core/report-channel', 2],
    ]);
    const sent = send(OFF_SEASON, [], 5, counts);
    expect(sorted(sent.slice(0, 2))).toEqual(['core/conflict-of-interest', 'core/hospitality']);
    expect(sorted(sent.slice(2, 5))).toEqual(['core/conflict-of-interest', 'core/gift-refusal', 'core/hospitality']);
    expect(new Set(counts.values())).toEqual(new Set([2]));
  });

  it('GIVEN the same slug in two packs THEN they are different nudges and both go out in a round', () => {
    const nudges = [nudge('meal-limit', [], 'core'), nudge('meal-limit', [], 'local')];
    expect(sorted(send(nudges, [], 2))).toEqual(['core/meal-limit', 'local/meal-limit']);
  });
});

describe('selectNudge: in-season items first', () => {
  it('GIVEN the gift season THEN the gift-season nudges are sent first, then the rest, each exactly once per round, for two rounds', () => {
    const sent = send(ALL, ['gift-season'], 2 * ALL.length);
    const gift = sorted(GIFT.map(key));
    const rest = sorted(ALL.filter((n) => !GIFT.includes(n)).map(key));
    for (const round of [sent.slice(0, ALL.length), sent.slice(ALL.length)]) {
      expect(sorted(round.slice(0, GIFT.length))).toEqual(gift);
      expect(sorted(round.slice(GIFT.length))).toEqual(rest);
    }
  });

  it('GIVEN one in-season nudge THEN it does not repeat before the rest of the round has gone out', () => {
    const sent = send(ALL, ['personnel-season'], ALL.length + 1);
    expect(sent[0]).toBe('core/fair-promotion');
    expect(sent.slice(1, ALL.length)).not.toContain('core/fair-promotion');
    expect(sent[ALL.length]).toBe('core/fair-promotion');
  });

  it('GIVEN two seasons at once THEN the items of either season are preferred', () => {
    const sent = send(ALL, ['gift-season', 'personnel-season'], 3);
    expect(sorted(sent)).toEqual(sorted([...GIFT, ...PERSONNEL].map(key)));
  });

  it('GIVEN a season with no items of its own THEN the ordinary rotation goes on', () => {
    const sent = send(OFF_SEASON, ['year-end'], OFF_SEASON.length);
    expect(sorted(sent)).toEqual(sorted(OFF_SEASON.map(key)));
  });

  it('GIVEN the season starts mid-round THEN its unsent items come next and the round still completes without repeats', () => {
    // Round so far: two ordinary nudges and one gift nudge.
    const counts = new Map([
      ['core/meal-limit', 1],
      ['core/gift-refusal', 1],
      ['core/holiday-gifts', 1],
    ]);
    const sent = send(ALL, ['gift-season'], ALL.length - 3, counts);
    expect(sent[0]).toBe('core/farm-gift-limit');
    expect(sorted(sent)).toEqual(sorted(ALL.map(key).filter((k) => !['core/meal-limit', 'core/gift-refusal', 'core/holiday-gifts'].includes(k))));
  });

  it('GIVEN the season ends THEN in-season items rejoin the ordinary rotation without being preferred', () => {
    const counts = new Map<string, number>();
    send(ALL, ['gift-season'], GIFT.length, counts); // the gift nudges went out in season
    const after = send(ALL, [], ALL.length - GIFT.length, counts);
    expect(after.some((k) => GIFT.map(key).includes(k))).toBe(false);
  });
});
