import { describe, expect, it } from 'vitest';
import { html, query, raw } from '../../src/features/dashboard/web/html.js';
import { barChart } from '../../src/features/dashboard/web/svg.js';

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
