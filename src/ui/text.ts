/** Cuts text to `max` characters (code points, so Korean and emoji count as one), marking the cut. */
export function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}
