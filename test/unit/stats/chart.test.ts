import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import {
  CHART_FONT_FAMILY,
  CHART_WIDTH,
  ensureChartFonts,
  pngSize,
  renderParticipationChart,
  type ParticipationChartInput,
} from '../../../src/features/stats/chart.js';

const SERIES: [number, number, number] = [0x25, 0x63, 0xeb]; // the bar and line colour in chart.ts

function input(overrides: Partial<ParticipationChartInput> = {}): ParticipationChartInput {
  return {
    title: '청렴 퀴즈 참여 현황',
    trendTitle: '주간 참여율',
    trend: [
      { label: '1주', value: 40 },
      { label: '2주', value: 55.5 },
      { label: '3주', value: null },
      { label: '4주', value: 72 },
    ],
    departmentsTitle: '부서별 참여율',
    departments: [
      { label: '경영지원실', value: 91.7 },
      { label: '인사팀', value: null },
      { label: '감사실', value: 64 },
    ],
    suppressedLabel: '— 비공개',
    ...overrides,
  };
}

async function pixels(png: Uint8Array): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { data: ctx.getImageData(0, 0, image.width, image.height).data, width: image.width, height: image.height };
}

function countDifferent(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n += 1;
  }
  return n;
}

function countColour(data: Uint8ClampedArray, [r, g, b]: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) n += 1;
  return n;
}

/** Renders `text` in the chart font on a small white canvas and returns the pixels. */
function drawText(text: string): Uint8ClampedArray {
  const canvas = createCanvas(240, 60);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 240, 60);
  ctx.fillStyle = '#000000';
  ctx.font = `32px ${CHART_FONT_FAMILY}`;
  ctx.fillText(text, 8, 44);
  return ctx.getImageData(0, 0, 240, 60).data;
}

function ink(data: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) n += 1;
  return n;
}

describe('pngSize', () => {
  it('reads the IHDR of a PNG and rejects other bytes', async () => {
    const png = new Uint8Array(await createCanvas(37, 11).encode('png'));
    expect(pngSize(png)).toEqual({ width: 37, height: 11 });
    expect(() => pngSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toThrow(/not a PNG/);
    expect(() => pngSize(new TextEncoder().encode('\x89PNG\r\n\x1a\n but not really a PNG file'))).toThrow();
  });
});

describe('the chart font', () => {
  it('is registered once, and draws real Hangul glyphs (distinct shapes, not one tofu box repeated)', () => {
    ensureChartFonts();
    ensureChartFonts();
    expect(GlobalFonts.has(CHART_FONT_FAMILY)).toBe(true);
    const styles = GlobalFonts.families.find((f) => f.family === CHART_FONT_FAMILY)?.styles ?? [];
    expect(styles.map((s) => s.weight).sort()).toEqual([400, 700]);
    const a = drawText('가나다');
    const b = drawText('라마바');
    expect(ink(a)).toBeGreaterThan(300);
    expect(ink(b)).toBeGreaterThan(300);
    // A missing glyph is drawn as the same box for every character; real glyphs differ.
    expect(countDifferent(a, b)).toBeGreaterThan(300);
  });
});

describe('renderParticipationChart', () => {
  it('renders a PNG 1200 wide and at least 700 high, of a plausible size', async () => {
    const png = await renderParticipationChart(input());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height } = pngSize(png);
    expect(width).toBe(CHART_WIDTH);
    expect(height).toBeGreaterThanOrEqual(700);
    expect(height).toBeLessThanOrEqual(900);
    expect(png.length).toBeGreaterThan(20_000);
    const { data } = await pixels(png);
    expect(countColour(data, SERIES)).toBeGreaterThan(5_000); // bars and the line are drawn
  });

  it('grows with the number of departments, up to a cap', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `부서 ${i + 1}`, value: (i * 37) % 101 }));
    const h30 = pngSize(await renderParticipationChart(input({ departments: many(30) }))).height;
    const h3 = pngSize(await renderParticipationChart(input())).height;
    const h500 = pngSize(await renderParticipationChart(input({ departments: many(500) }))).height;
    expect(h30).toBeGreaterThan(h3);
    expect(h500).toBe(2400);
  });

  it('draws the Korean department labels as text: swapping two labels of equal length changes the image', async () => {
    // With tofu boxes both labels would render identically and the two images would be the same.
    const departments = (first: string, second: string) => [
      { label: first, value: 50 },
      { label: second, value: 50 },
    ];
    const a = await pixels(await renderParticipationChart(input({ departments: departments('경영지원실', '정보보호팀') })));
    const b = await pixels(await renderParticipationChart(input({ departments: departments('정보보호팀', '경영지원실') })));
    expect(countDifferent(a.data, b.data)).toBeGreaterThan(500);
  });

  it('draws labels at all: the same chart with empty labels differs substantially', async () => {
    const korean = await pixels(await renderParticipationChart(input()));
    const blank = await pixels(
      await renderParticipationChart(
        input({ departments: input().departments.map((d) => ({ ...d, label: '' })), title: '', trendTitle: '', departmentsTitle: '' }),
      ),
    );
    expect(korean.height).toBe(blank.height);
    expect(countDifferent(korean.data, blank.data)).toBeGreaterThan(3_000);
  });

  it('draws no bar or point for a suppressed (null) figure, and marks it with the caller’s label', async () => {
    const allSuppressed = input({
      trend: input().trend.map((p) => ({ ...p, value: null })),
      departments: input().departments.map((d) => ({ ...d, value: null })),
    });
    const suppressed = await pixels(await renderParticipationChart(allSuppressed));
    expect(countColour(suppressed.data, SERIES)).toBe(0);
    const unmarked = await pixels(await renderParticipationChart({ ...allSuppressed, suppressedLabel: '' }));
    expect(countDifferent(suppressed.data, unmarked.data)).toBeGreaterThan(500);
  });

  it('renders empty series and a footnote without failing', async () => {
    const png = await renderParticipationChart(input({ trend: [], departments: [], note: '— 비공개: 5명 미만' }));
    expect(pngSize(png).width).toBe(CHART_WIDTH);
  });

  it('rejects values that are not finite numbers', async () => {
    await expect(renderParticipationChart(input({ trend: [{ label: 'x', value: Number.NaN }] }))).rejects.toThrow(RangeError);
  });

  it('leaves no Chart.js instance behind', async () => {
    await renderParticipationChart(input());
    expect(Object.keys(Chart.instances)).toEqual([]);
  });
});
