// What the dashboard's charts share: a fixed colour for every category (an
// attendance mode, a standing, a series), so a category keeps its colour
// whatever the filters leave; a chart.js plugin that writes each value on
// its bar or slice; and chart options that show every category label.
import { Chart } from 'chart.js';

/** Attendance modes and standings: the same colour everywhere, always. */
export const MODE_COLORS = { IN_PERSON: '#2563eb', ONLINE: '#16a34a', UNKNOWN: '#94a3b8' };
export const STATUS_COLORS = { MEMBER: '#2563eb', OBSERVER: '#9333ea', DIALOGUE_PARTNER: '#ea580c', NONE: '#94a3b8' };
/** Meetings in no series. */
export const NO_SERIES_COLOR = '#94a3b8';

const SERIES_PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#ca8a04', '#0f766e', '#7c3aed', '#b45309'];

/** A series' colour, from its id alone (a string hash), so it never depends on which series a filter keeps. */
export function seriesColor(id) {
  if (!id) return NO_SERIES_COLOR;
  let h = 0;
  for (const ch of id) h = (Math.imul(h, 31) + ch.codePointAt(0)) >>> 0;
  return SERIES_PALETTE[h % SERIES_PALETTE.length];
}

/** The text drawn on a value: `12`, or on a slice `12 (40%)`. */
export function valueText(value, total, withShare) {
  if (!value) return '';
  return withShare && total > 0 ? `${value} (${Math.round((value / total) * 100)}%)` : String(value);
}

/**
 * Writes each non-zero value on its bar (inside when it fits, else just
 * past its end) or slice (at its middle), and records what it wrote on the
 * canvas (`data-values`, JSON of [label, dataset, text]) for the tests.
 */
export const valueLabels = {
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const doughnut = chart.config.type === 'doughnut';
    const written = [];
    ctx.save();
    ctx.font = `600 11px ${Chart.defaults.font.family}`;
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      const total = ds.data.reduce((s, v) => s + (v || 0), 0);
      meta.data.forEach((el, i) => {
        const text = valueText(ds.data[i], total, doughnut);
        if (!text) return;
        let x;
        let y;
        ctx.textAlign = 'center';
        ctx.fillStyle = '#fff';
        if (doughnut) {
          ({ x, y } = el.tooltipPosition());
        } else if (chart.options.indexAxis === 'y') {
          const width = Math.abs(el.x - el.base);
          const inside = ctx.measureText(text).width + 8 < width;
          x = inside ? (el.x + el.base) / 2 : el.x + 4;
          y = el.y;
          if (!inside) {
            ctx.textAlign = 'left';
            ctx.fillStyle = '#1e293b';
          }
        } else {
          const height = Math.abs(el.base - el.y);
          const inside = height > 14;
          x = el.x;
          y = inside ? (el.y + el.base) / 2 : el.y - 8;
          if (!inside) ctx.fillStyle = '#1e293b';
        }
        ctx.fillText(text, x, y);
        written.push([chart.data.labels[i], ds.label ?? '', text]);
      });
    });
    ctx.restore();
    chart.canvas.dataset.values = JSON.stringify(written);
  },
};

/** Axis options that keep every category label (no skipping), turned if need be. */
export const everyLabel = { autoSkip: false, maxRotation: 60, minRotation: 0 };
