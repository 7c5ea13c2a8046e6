/**
 * Server-drawn SVG charts: nothing to run in the browser, and presentation attributes only (no
 * style attribute), so the strict Content-Security-Policy holds. Text in them is escaped like any HTML.
 */
import { html, type SafeHtml } from '../../../ui/html.js';

export interface Bar {
  label: string;
  /** 0..100, or null when there is nothing to show. */
  value: number | null;
  /** Shown instead of the value (e.g. "소집단 비공개") when the figure is hidden. */
  hidden?: string;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 36, left: 40 };

/** A bar per week, 0–100 %; a hidden week is an outlined bar with its reason as the tooltip. */
export function barChart(title: string, bars: readonly Bar[]): SafeHtml {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = bars.length > 0 ? plotW / bars.length : plotW;
  const barW = Math.max(4, Math.min(48, step * 0.7));
  const y = (v: number) => PAD.top + plotH - (v / 100) * plotH;
  const grid = [0, 25, 50, 75, 100].map(
    (v) => html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" class="axis">${v}%</text>`,
  );
  const shapes = bars.map((bar, i) => {
    const x = PAD.left + i * step + (step - barW) / 2;
    const label = html`<text x="${x + barW / 2}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" class="axis">${bar.label}</text>`;
    if (bar.value === null) {
      const tip = bar.hidden ?? '–';
      return html`<g><title>${bar.label}: ${tip}</title><rect x="${x}" y="${y(100)}" width="${barW}" height="${plotH}" class="bar-hidden"/>${label}</g>`;
    }
    const v = Math.max(0, Math.min(100, bar.value));
    return html`<g><title>${bar.label}: ${v}%</title><rect x="${x}" y="${y(v)}" width="${barW}" height="${y(0) - y(v)}" class="bar"/><text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle" class="value">${v}%</text>${label}</g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${grid}${shapes}</svg>`;
}
