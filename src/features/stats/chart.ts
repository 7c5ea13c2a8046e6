/**
 * Server-side PNG charts for the HR statistics: participation over the weeks and by department.
 *
 * Pure rendering: no i18n, no database, no platform. Callers pass the localised labels and get PNG
 * bytes back. Chart.js draws on a Skia canvas (@napi-rs/canvas, prebuilt binaries from npm), with
 * Noto Sans KR (SIL OFL 1.1, from the @embedpdf/fonts-kr package) registered once per process under
 * a private family name, so Korean department names render as text, never as tofu boxes.
 *
 * `null` values are suppressed figures (too few people to show without identifying them): no bar
 * or point is drawn for them, and the caller's `suppressedLabel` (default "—") marks the place.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  type ChartConfiguration,
  type ChartOptions,
  type ChartItem,
  type Plugin,
} from 'chart.js';

export interface ChartPoint {
  label: string;
  /** A percentage, 0–100; `null` for a suppressed figure. */
  value: number | null;
}

export interface ParticipationChartInput {
  /** The heading over both panels. */
  title: string;
  /** Weekly participation, oldest first. */
  trend: ChartPoint[];
  trendTitle: string;
  /** Participation by department, in the order to show (top to bottom). */
  departments: ChartPoint[];
  departmentsTitle: string;
  /** Appended to value labels and axis ticks; default "%". */
  valueSuffix?: string;
  /** Drawn where a suppressed (`null`) figure would be; default "—". */
  suppressedLabel?: string;
  /** An optional footnote under the panels, e.g. what the suppressed mark means. */
  note?: string;
}

/** The font family the charts use; registered once, under a name no system font has. */
export const CHART_FONT_FAMILY = 'ProbityNotoSansKR';

export const CHART_WIDTH = 1200;
const MIN_HEIGHT = 700;
const MAX_HEIGHT = 2400;
const PAD = 24;
const TITLE_BAND = 64;
const TREND_HEIGHT = 320;
const NOTE_BAND = 36;
const DEPT_ROW = 30;
const DEPT_CHROME = 96; // panel title, x axis and padding around the bars
const MAX_LABEL_WIDTH = 340;

const INK = '#1f2937';
const MUTED = '#6b7280';
const GRID = '#e5e7eb';
const SERIES = '#2563eb';
const SUPPRESSED = '#9ca3af';

let fontsReady = false;

/** Registers Noto Sans KR Regular and Bold under CHART_FONT_FAMILY; idempotent. */
export function ensureChartFonts(): void {
  if (fontsReady) return;
  const require = createRequire(import.meta.url);
  // The package exports only its JS entry (dist/…); the fonts sit in ../fonts beside it.
  const dir = join(dirname(require.resolve('@embedpdf/fonts-kr')), '..', 'fonts');
  for (const file of ['NotoSansKR-Regular.otf', 'NotoSansKR-Bold.otf']) {
    if (!GlobalFonts.registerFromPath(join(dir, file), CHART_FONT_FAMILY)) {
      throw new Error(`could not register the chart font ${join(dir, file)}`);
    }
  }
  fontsReady = true;
}

let chartJsReady = false;

function ensureChartJs(): void {
  if (chartJsReady) return;
  // Registration is Chart.js's own component registry: idempotent, and the only global it touches.
  Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Title);
  chartJsReady = true;
}

function font(size: number, weight: 'normal' | 'bold' = 'normal'): { family: string; size: number; weight: 'normal' | 'bold' } {
  return { family: CHART_FONT_FAMILY, size, weight };
}

function cssFont(size: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${size}px "${CHART_FONT_FAMILY}"`;
}

function checkValues(points: ChartPoint[], what: string): void {
  for (const p of points) {
    if (p.value !== null && !Number.isFinite(p.value)) {
      throw new RangeError(`${what}: value for "${p.label}" is not a finite number`);
    }
  }
}

/** Bars and points stay inside the 0–100 axis; the labels keep the given value. */
function clamp(value: number | null): number | null {
  return value === null ? null : Math.min(100, Math.max(0, value));
}

function formatValue(value: number, suffix: string): string {
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}${suffix}`;
}

/** Shortens `text` with an ellipsis until it fits `maxWidth` in the context's current font. */
function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${chars.slice(0, mid).join('')}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('')}…`;
}

/** Draws each value (or the suppressed mark) beside its bar or above its point. */
function valueLabels(opts: {
  values: (number | null)[];
  suffix: string;
  suppressedLabel: string;
  size: number;
  everyPoint: boolean;
}): Plugin {
  return {
    id: 'probityValueLabels',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const meta = chart.getDatasetMeta(0);
      const horizontal = chart.options.indexAxis === 'y';
      const valueScale = horizontal ? chart.scales.x : chart.scales.y;
      if (!valueScale) return;
      const zero = valueScale.getPixelForValue(0);
      const area = chart.chartArea;
      ctx.save();
      ctx.font = cssFont(opts.size);
      ctx.textBaseline = 'middle';
      opts.values.forEach((value, i) => {
        const element = meta.data[i];
        if (!element) return;
        if (horizontal) {
          const y = element.y;
          if (value === null) {
            ctx.fillStyle = SUPPRESSED;
            ctx.textAlign = 'left';
            ctx.fillText(opts.suppressedLabel, zero + 6, y);
            return;
          }
          const text = formatValue(value, opts.suffix);
          const end = element.x;
          const width = ctx.measureText(text).width;
          if (end + 6 + width > area.right) {
            ctx.fillStyle = '#ffffff';
            ctx.textAlign = 'right';
            ctx.fillText(text, end - 6, y);
          } else {
            ctx.fillStyle = INK;
            ctx.textAlign = 'left';
            ctx.fillText(text, end + 6, y);
          }
          return;
        }
        const x = element.x;
        ctx.textAlign = 'center';
        if (value === null) {
          ctx.fillStyle = SUPPRESSED;
          ctx.fillText(opts.suppressedLabel, x, zero - opts.size);
          return;
        }
        if (!opts.everyPoint) return;
        ctx.fillStyle = INK;
        ctx.fillText(formatValue(value, opts.suffix), x, Math.max(area.top + opts.size / 2, element.y - opts.size));
      });
      ctx.restore();
    },
  };
}

/**
 * Renders one Chart.js chart on a canvas of its own, copies it onto `target` at (x, y), and destroys
 * the chart, so no instance outlives the call (destroying clears its canvas, hence the copy first).
 */
function drawChart(
  target: SKRSContext2D,
  x: number,
  y: number,
  size: { width: number; height: number },
  config: ChartConfiguration<'line' | 'bar', (number | null)[], string>,
): void {
  const canvas = createCanvas(size.width, size.height);
  canvas.getContext('2d').lang = 'ko';
  // Chart.js's types name DOM canvases; the Skia canvas provides what its BasicPlatform uses.
  const chart = new Chart(canvas as unknown as ChartItem, config);
  try {
    chart.draw();
    target.drawImage(canvas, x, y);
  } finally {
    chart.destroy();
  }
}

function commonOptions(title: string): ChartOptions<'line' | 'bar'> {
  return {
    responsive: false,
    maintainAspectRatio: false,
    animation: false,
    devicePixelRatio: 1,
    events: [],
    layout: { padding: { left: 8, right: 24, top: 4, bottom: 4 } },
    plugins: {
      title: { display: true, text: title, align: 'start', color: INK, font: font(18, 'bold'), padding: { top: 4, bottom: 16 } },
      legend: { display: false },
      tooltip: { enabled: false },
    },
  };
}

function departmentsHeight(count: number, rest: number): number {
  const wanted = DEPT_CHROME + DEPT_ROW * Math.max(count, 4);
  const total = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, rest + wanted));
  return total - rest;
}

/**
 * One PNG, CHART_WIDTH wide: the heading, the weekly trend (line, 0–100) and participation by
 * department (horizontal bars, 0–100). The height grows with the number of departments, from 700
 * to at most 2400 pixels (past that the rows get thinner).
 */
export async function renderParticipationChart(input: ParticipationChartInput): Promise<Uint8Array> {
  ensureChartFonts();
  ensureChartJs();
  checkValues(input.trend, 'trend');
  checkValues(input.departments, 'departments');
  const suffix = input.valueSuffix ?? '%';
  const suppressedLabel = input.suppressedLabel ?? '—';
  const note = input.note?.trim() ?? '';

  const width = CHART_WIDTH;
  const inner = width - 2 * PAD;
  const rest = TITLE_BAND + TREND_HEIGHT + (note ? NOTE_BAND : 0) + PAD * 2;
  const deptHeight = departmentsHeight(input.departments.length, rest);
  const height = rest + deptHeight;

  const out = createCanvas(width, height);
  const ctx = out.getContext('2d');
  ctx.lang = 'ko';
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = INK;
  ctx.textBaseline = 'middle';
  ctx.font = cssFont(26, 'bold');
  ctx.fillText(fitText(ctx, input.title, inner), PAD, PAD + TITLE_BAND / 2 - 8);

  const trendLabelSize = 12;
  drawChart(ctx, PAD, PAD + TITLE_BAND, { width: inner, height: TREND_HEIGHT }, {
    type: 'line',
    data: {
      labels: input.trend.map((p) => p.label),
      datasets: [
        {
          data: input.trend.map((p) => clamp(p.value)),
          borderColor: SERIES,
          backgroundColor: SERIES,
          borderWidth: 3,
          pointRadius: input.trend.length > 26 ? 2.5 : 4,
          spanGaps: false,
        },
      ],
    },
    options: {
      ...commonOptions(input.trendTitle),
      scales: {
        x: { offset: true, ticks: { color: MUTED, font: font(12), maxRotation: 0, autoSkip: true }, grid: { display: false } },
        y: {
          min: 0,
          max: 100,
          ticks: { color: MUTED, font: font(12), stepSize: 20, callback: (v) => `${v}${suffix}` },
          grid: { color: GRID },
        },
      },
    },
    plugins: [valueLabels({ values: input.trend.map((p) => p.value), suffix, suppressedLabel, size: trendLabelSize, everyPoint: input.trend.length <= 16 })],
  });

  const rows = Math.max(input.departments.length, 1);
  const rowHeight = (deptHeight - DEPT_CHROME) / rows;
  const deptFontSize = Math.max(9, Math.min(14, Math.floor(rowHeight * 0.5)));
  ctx.font = cssFont(deptFontSize);
  const deptLabels = input.departments.map((p) => fitText(ctx, p.label, MAX_LABEL_WIDTH));
  drawChart(ctx, PAD, PAD + TITLE_BAND + TREND_HEIGHT, { width: inner, height: deptHeight }, {
    type: 'bar',
    data: {
      labels: deptLabels,
      datasets: [
        {
          data: input.departments.map((p) => clamp(p.value)),
          backgroundColor: SERIES,
          borderRadius: 3,
          barPercentage: 0.8,
          categoryPercentage: 0.9,
          maxBarThickness: 22,
        },
      ],
    },
    options: {
      ...commonOptions(input.departmentsTitle),
      indexAxis: 'y',
      scales: {
        x: {
          min: 0,
          max: 100,
          ticks: { color: MUTED, font: font(12), stepSize: 20, callback: (v) => `${v}${suffix}` },
          grid: { color: GRID },
        },
        y: { ticks: { color: INK, font: font(deptFontSize), autoSkip: false }, grid: { display: false } },
      },
    },
    plugins: [valueLabels({ values: input.departments.map((p) => p.value), suffix, suppressedLabel, size: Math.min(deptFontSize, 13), everyPoint: true })],
  });

  if (note) {
    ctx.fillStyle = MUTED;
    ctx.font = cssFont(13);
    ctx.textBaseline = 'middle';
    ctx.fillText(fitText(ctx, note, inner), PAD, height - PAD - NOTE_BAND / 2);
  }
  return new Uint8Array(await out.encode('png'));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = String.fromCharCode(png[12] ?? 0, png[13] ?? 0, png[14] ?? 0, png[15] ?? 0);
  if (type !== 'IHDR') throw new Error('PNG without an IHDR chunk first');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
