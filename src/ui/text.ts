/** Cuts text to `max` characters (code points, so Korean and emoji count as one), marking the cut. */
export function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/** A share as people read it: "33.3%", or "–" when there is nothing to divide. */
export function percentText(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 1000) / 10}%`;
}
