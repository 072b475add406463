/**
 * Dependency-free SVG charts for BENCHMARKS.md: line charts (linear or log y) and bar
 * charts. Each function returns a complete standalone SVG document with a white
 * background, so its dark text reads the same on GitHub's light and dark themes.
 */

export interface LineSeries {
  name: string;
  points: Array<[number, number]>;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Log-scale y axis, ticks at powers of ten (points with y ≤ 0 are left out). */
  logY?: boolean;
  width?: number;
  height?: number;
}

export interface BarChartOptions {
  title: string;
  xLabel?: string;
  yLabel: string;
  /** One bar per label, in order: `[label, value]` or `{ label, value }`. */
  bars: Array<[string, number] | { label: string; value: number }>;
  width?: number;
  height?: number;
}

/** Distinct colours that stay apart for common colour-vision deficiencies (Okabe–Ito, darkened for white). */
const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#000000"];
const TEXT = "#222222";
const GRID = "#E3E3E3";
const FONT = "font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\"";
const MARGIN = { top: 48, right: 24, bottom: 56, left: 72 };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** A short label for a tick value: 950, 1.5k, 12M, 0.25. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const trim = (n: number) => String(Number(n.toPrecision(3)));
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/** Round tick values covering [min, max], about `count` of them (1, 2 or 5 × 10ⁿ apart). */
function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) max = min + 1;
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12" fill="${TEXT}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#FFFFFF"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

/**
 * Axis lines, y grid and tick labels, axis titles. `bottom` is the plot's lower edge;
 * `slant` writes the x labels at an angle (long labels side by side).
 */
function axes(
  width: number,
  height: number,
  bottom: number,
  xLabel: string,
  yLabel: string,
  xTicks: Array<{ at: number; label: string }>,
  yTicks: Array<{ at: number; label: string }>,
  slant = false,
): string[] {
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const out = [];
  for (const t of yTicks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${t.at}" y2="${t.at}" stroke="${GRID}"/>`);
    out.push(`<text x="${left - 8}" y="${t.at + 4}" text-anchor="end">${escapeXml(t.label)}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${t.at}" x2="${t.at}" y1="${bottom}" y2="${bottom + 5}" stroke="${TEXT}"/>`);
    out.push(
      slant
        ? `<text transform="translate(${t.at + 4} ${bottom + 14}) rotate(-35)" text-anchor="end">${escapeXml(t.label)}</text>`
        : `<text x="${t.at}" y="${bottom + 19}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    );
  }
  out.push(`<path d="M${left} ${top}V${bottom}H${right}" fill="none" stroke="${TEXT}"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${height - 14}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(yLabel)}</text>`,
  );
  return out;
}

/** A legend box in the plot's top-right corner (where growing series rarely are), one row per entry. */
function legend(entries: Array<{ name: string; color: string }>, width: number): string[] {
  const rowHeight = 18;
  const widest = Math.max(...entries.map((e) => e.name.length));
  const x = width - MARGIN.right - 12 - (36 + widest * 7);
  const y = MARGIN.top + 10;
  const out = [
    `<rect x="${x}" y="${y}" width="${36 + widest * 7}" height="${entries.length * rowHeight + 8}" fill="#FFFFFF" fill-opacity="0.9" stroke="${GRID}"/>`,
  ];
  entries.forEach((e, i) => {
    const cy = y + 4 + rowHeight * i + rowHeight / 2;
    out.push(`<line x1="${x + 8}" x2="${x + 26}" y1="${cy}" y2="${cy}" stroke="${e.color}" stroke-width="2.5"/>`);
    out.push(`<circle cx="${x + 17}" cy="${cy}" r="3.5" fill="${e.color}"/>`);
    out.push(`<text x="${x + 32}" y="${cy + 4}">${escapeXml(e.name)}</text>`);
  });
  return out;
}

export function lineChart(options: LineChartOptions): string {
  const { width = 720, height = 420, logY = false } = options;
  const series = options.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)).sort((a, b) => a[0] - b[0]),
  }));
  const all = series.flatMap((s) => s.points);
  const xs = all.length > 0 ? all.map((p) => p[0]) : [0, 1];
  const ys = all.length > 0 ? all.map((p) => p[1]) : [1, 10];
  const xTickValues = niceTicks(Math.min(...xs, 0), Math.max(...xs));
  const xMin = xTickValues[0];
  const xMax = xTickValues[xTickValues.length - 1];

  let yTickValues: number[];
  let yValue: (v: number) => number;
  if (logY) {
    const low = Math.floor(Math.log10(Math.min(...ys)));
    const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...ys))));
    yTickValues = Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
    yValue = Math.log10;
  } else {
    yTickValues = niceTicks(Math.min(...ys, 0), Math.max(...ys));
    yValue = (v) => v;
  }
  const yMin = yValue(yTickValues[0]);
  const yMax = yValue(yTickValues[yTickValues.length - 1]);

  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) => MARGIN.top + plotH - ((yValue(y) - yMin) / (yMax - yMin)) * plotH;
  const round = (n: number) => Math.round(n * 10) / 10;

  const body = axes(
    width,
    height,
    height - MARGIN.bottom,
    options.xLabel,
    options.yLabel,
    xTickValues.map((v) => ({ at: round(px(v)), label: formatNumber(v) })),
    yTickValues.map((v) => ({ at: round(py(v)), label: formatNumber(v) })),
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    if (s.points.length > 1) {
      const d = s.points.map(([x, y], j) => `${j === 0 ? "M" : "L"}${round(px(x))} ${round(py(y))}`).join("");
      body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"/>`);
    }
    for (const [x, y] of s.points) {
      body.push(
        `<circle cx="${round(px(x))}" cy="${round(py(y))}" r="4" fill="${color}" stroke="#FFFFFF" stroke-width="1"><title>${escapeXml(`${s.name}: ${x}, ${formatNumber(y)}`)}</title></circle>`,
      );
    }
  });
  body.push(
    ...legend(
      series.map((s, i) => ({ name: s.name, color: COLORS[i % COLORS.length] })),
      width,
    ),
  );
  return svgDocument(width, height, options.title, body);
}

export function barChart(options: BarChartOptions): string {
  const { width = 720, height = 420 } = options;
  const bars = options.bars.map((b) => (Array.isArray(b) ? { label: b[0], value: b[1] } : b));
  const yTickValues = niceTicks(0, Math.max(...bars.map((b) => b.value), 1));
  const yMax = yTickValues[yTickValues.length - 1];
  const plotW = width - MARGIN.left - MARGIN.right;
  const slot = plotW / Math.max(1, bars.length);
  // Labels wider than their slot are slanted, and the plot gives them the room they need.
  const longest = Math.max(0, ...bars.map((b) => b.label.length));
  const slant = longest * 6.5 > slot - 4;
  const bottom = height - MARGIN.bottom - (slant ? Math.round(longest * 6.5 * Math.sin(Math.PI / 5)) : 0);
  const plotH = bottom - MARGIN.top;
  const py = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const barW = Math.min(80, slot * 0.6);
  const round = (n: number) => Math.round(n * 10) / 10;

  const body = axes(
    width,
    height,
    bottom,
    options.xLabel ?? "",
    options.yLabel,
    bars.map((b, i) => ({ at: round(MARGIN.left + slot * (i + 0.5)), label: b.label })),
    yTickValues.map((v) => ({ at: round(py(v)), label: formatNumber(v) })),
    slant,
  );
  bars.forEach((b, i) => {
    const color = COLORS[0];
    const x = round(MARGIN.left + slot * (i + 0.5) - barW / 2);
    const top = round(py(Math.max(0, b.value)));
    body.push(
      `<rect x="${x}" y="${top}" width="${round(barW)}" height="${round(bottom - top)}" fill="${color}"><title>${escapeXml(`${b.label}: ${formatNumber(b.value)}`)}</title></rect>`,
    );
    body.push(`<text x="${round(x + barW / 2)}" y="${top - 6}" text-anchor="middle">${escapeXml(formatNumber(b.value))}</text>`);
  });
  return svgDocument(width, height, options.title, body);
}
