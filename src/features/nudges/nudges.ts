/**
 * Which nudge goes out: a rotation without repeats until every nudge has been sent, with in-season
 * items (the holiday gift period, year-end, personnel season) preferred while their season lasts.
 */
import type { NudgeItem, Season } from '../content/content.js';

export function selectNudge(nudges: readonly NudgeItem[], timesSent: ReadonlyMap<string, number>, seasons: readonly Season[]): NudgeItem | undefined {
  if (nudges.length === 0) return undefined;
  const key = (n: NudgeItem) => `${n.pack}/${n.slug}`;
  const inSeason = nudges.filter((n) => n.seasons.some((s) => seasons.includes(s)));
  // In season, the season's own items rotate among themselves first.
  const pool = inSeason.length > 0 && inSeason.some((n) => (timesSent.get(key(n)) ?? 0) <= minimum(nudges, timesSent, key)) ? inSeason : nudges;
  const least = minimum(pool, timesSent, key);
  return pool.find((n) => (timesSent.get(key(n)) ?? 0) === least);
}

function minimum(items: readonly NudgeItem[], counts: ReadonlyMap<string, number>, key: (n: NudgeItem) => string): number {
  return Math.min(...items.map((n) => counts.get(key(n)) ?? 0));
}
