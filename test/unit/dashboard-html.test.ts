import { describe, expect, it } from 'vitest';
import { html, query, raw } from '../../src/ui/html.js';
import { barChart } from '../../src/features/dashboard/web/svg.js';
import type { PageStats } from '../../src/features/dashboard/web/data.js';
import { heatScale, topicHeatMap } from '../../src/features/dashboard/web/pages.js';
import { translator } from '../../src/i18n/index.js';
import type { RateFigure } from '../../src/features/stats/metrics.js';

describe('dashboard html template', () => {
  it('escapes every interpolated value, arrays included, but not nested templates', () => {
    const hostile = `<script>alert("x")</script>&'`;
    const out = html`<p title="${hostile}">${hostile}${[hostile, html`<b>${hostile}</b>`]}${raw('<hr>')}${null}${undefined}${false}${0}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b><hr>0</p>',
    );
  });

  it('builds query strings without empty parameters, encoded', () => {
    expect(query({ period: '2026-01-01..2026-03-31', lang: undefined, x: '' })).toBe('?period=2026-01-01..2026-03-31');
    expect(query({ period: 'a&b=c' })).toBe('?period=a%26b%3Dc');
    expect(query({})).toBe('');
  });

  it('draws a hidden week as an outline with its reason, and escapes labels in the SVG', () => {
    const svg = barChart('<trend>', [{ label: '11-02', value: 50 }, { label: '11-09', value: null, hidden: '소집단 비공개' }]).value;
    expect(svg).toContain('aria-label="&lt;trend&gt;"');
    expect(svg).toContain('class="bar"');
    expect(svg).toContain('<title>11-09: 소집단 비공개</title>');
    expect(svg).toContain('class="bar-hidden"');
    expect(svg).not.toContain('style=');
  });
});

describe('dashboard heat map', () => {
  const t = translator('ko');
  const rate = (value: number | null, suppressed = false): RateFigure =>
    suppressed ? { value: null, suppressed: true, reason: 'small_group', numerator: null, denominator: null } : { value, suppressed: false, reason: null, numerator: 1, denominator: 1 };
  const report = (topics: Record<string, RateFigure>) => ({ headcount: 10, minGroupSize: 5, scope: { id: null, path: null }, topics: Object.entries(topics).map(([topic, accuracy]) => ({ topic, accuracy })) });
  /** A page's statistics with the organisation and two departments under it. */
  const stats = (reports: Record<string, ReturnType<typeof report>>) =>
    ({
      viewer: { t, locale: 'ko' },
      periodParam: undefined,
      report: async (id: number | null) => reports[String(id)],
      childrenOf: async (id: number | null) => (id === null ? [{ id: 1, path: '행정국', name: '행정국', parentId: null }, { id: 2, path: '복지국', name: '복지국', parentId: null }] : []),
    }) as unknown as PageStats;
  const shades = (out: string) => [...out.matchAll(/<td class="num (heat-\d)">([^<]+)</g)].map((m) => [m[2], m[1]]);

  it('spreads its five shades over the range of the shown cells, so 55–90 % are told apart, with the bounds in the legend', async () => {
    const out = (await topicHeatMap(stats({
      null: report({ a: rate(0.72), b: rate(0.9) }),
      '1': report({ a: rate(0.55), b: rate(0.83) }),
      '2': report({ a: rate(0.64), b: rate(0.2, true) }),
    }), null, (code) => `주제 ${code}`)).value;
    expect(shades(out)).toEqual([['72%', 'heat-2'], ['90%', 'heat-4'], ['55%', 'heat-0'], ['83%', 'heat-4'], ['64%', 'heat-1']]);
    expect(out).toContain('data-reason="small_group"');
    const legend = /<p class="legend"[^>]*>(.*?)<\/p>/.exec(out)![1]!;
    expect([...legend.matchAll(/class="swatch (heat-\d)">([^<]+)</g)].map((m) => m[2])).toEqual(['55–62%', '62–69%', '69–76%', '76–83%', '83–90%']);
    expect(out).toContain('55–90%');
  });

  it('does not make five shades out of a two-point spread, and stays within 0–100 %', () => {
    expect(heatScale([0.85, 0.87])!.bounds).toEqual([81, 83, 85, 87, 89, 91]);
    expect(heatScale([0.98, 0.99])!.bounds).toEqual([90, 92, 94, 96, 98, 100]);
    expect(heatScale([0.01])!.bounds).toEqual([0, 2, 4, 6, 8, 10]);
    expect(heatScale([])).toBeUndefined();
  });
});
