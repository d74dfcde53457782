// A Gantt-like chart of tenures: one row per holding, on a shared time axis
// in years. What the evidence fixes is a solid bar (from the latest the start
// may be to the earliest the end may be); what it leaves open is a pale band
// (the start somewhere between its bounds, the end not yet known); a row
// with no dated evidence says so. Used by the state page (its officials) and
// the office page (its holders).
import { EntityLink, label } from '../ui.jsx';

/** `YYYY[-MM[-DD]]` as a fractional year (2022-07-02 → about 2022.5). */
export function yearOf(date) {
  if (!date) return null;
  const [y, m = 1, d = 1] = date.split('-').map(Number);
  return y + (m - 1) / 12 + (d - 1) / 365;
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The spans of one holding: `band` (what may be, pale) and `solid` (what the
 * evidence fixes), each `[from, to]` as dates, `from` null meaning "before
 * the axis" and `to` null "still, as far as known".
 */
export function spans(dates) {
  const s = dates.start;
  const e = dates.end;
  const startBy = s.latest ?? s.earliest;
  const endFrom = e.earliest ?? startBy;
  if (!startBy && !endFrom && !e.latest) return null;
  const band = [s.earliest ?? null, e.latest ?? null];
  const solid = startBy && endFrom && startBy <= endFrom ? [startBy, endFrom] : null;
  return { band, solid };
}

/** The axis: from the first dated year to this year, whole years. */
function axisOf(rows) {
  const years = rows.flatMap((r) => {
    const d = r.dates;
    return [d.start.earliest, d.start.latest, d.end.earliest, d.end.latest].filter(Boolean).map(yearOf);
  });
  const now = yearOf(today());
  if (years.length === 0) return null;
  const lo = Math.floor(Math.min(...years, now));
  const hi = Math.max(Math.ceil(Math.max(...years, now)), lo + 1);
  return { lo, hi };
}

/** Year ticks: every year on a short axis, every 2, 5 or 10 on longer ones. */
function ticks({ lo, hi }) {
  const span = hi - lo;
  const step = span <= 12 ? 1 : span <= 24 ? 2 : span <= 60 ? 5 : 10;
  const out = [];
  for (let y = Math.ceil(lo / step) * step; y <= hi; y += step) out.push(y);
  return out;
}

const W = 1000;

/** One holding's bar: the pale band, then the solid part over it. */
function Bar({ row, axis }) {
  const sp = spans(row.dates);
  const x = (date, edge) => {
    const v = date ? yearOf(date) : edge;
    return ((Math.min(Math.max(v, axis.lo), axis.hi) - axis.lo) / (axis.hi - axis.lo)) * W;
  };
  const bx1 = x(sp.band[0], axis.lo);
  const bx2 = x(sp.band[1], yearOf(today()));
  const what = `${row.person?.name ?? '?'}: start ${bounds(row.dates.start)}, end ${bounds(row.dates.end)}`;
  return (
    <g>
      <title>{what}</title>
      <rect className="tenure-band" x={bx1} y={5} width={Math.max(bx2 - bx1, 2)} height={12} rx={2}
        data-from={sp.band[0] ?? ''} data-to={sp.band[1] ?? ''} />
      {sp.solid && (
        <rect className={`tenure-solid${row.acting ? ' acting' : ''}`} x={x(sp.solid[0])} y={5}
          width={Math.max(x(sp.solid[1]) - x(sp.solid[0]), 3)} height={12} rx={2}
          data-from={sp.solid[0]} data-to={sp.solid[1]} />
      )}
    </g>
  );
}

/** "between A and B", "by B", "from A", "unknown". */
function bounds(b) {
  if (!b.earliest && !b.latest) return 'unknown';
  if (b.earliest === b.latest) return b.earliest;
  if (b.earliest && b.latest) return `between ${b.earliest} and ${b.latest}`;
  return b.latest ? `by ${b.latest}` : `from ${b.earliest}`;
}

/**
 * `groups`: `[{ key, head, rows }]`, `head` a node shown above its rows (or
 * null), each row a holder (`person`, `dates`, `acting`).
 */
export function TenureChart({ groups, label: aria }) {
  const all = groups.flatMap((g) => g.rows);
  const axis = axisOf(all);
  if (!axis) return <p className="muted">No dated evidence to draw a timeline from.</p>;
  const tk = ticks(axis);
  const at = (y) => `${((y - axis.lo) / (axis.hi - axis.lo)) * 100}%`;
  return (
    <div className="tenure-chart" role="figure" aria-label={aria} data-from={axis.lo} data-to={axis.hi}>
      <table>
        <thead>
          <tr>
            <th />
            <th className="tenure-axis">
              {tk.map((y) => (
                <span key={y} className="tick" style={{ left: at(y) }} data-year={y}>{y}</span>
              ))}
            </th>
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={g.key} data-group={g.key}>
            {g.head && (
              <tr className="tenure-group">
                <th colSpan={2}><EntityLink node={g.head} /></th>
              </tr>
            )}
            {g.rows.map((r, i) => (
              <tr key={`${r.person?.id}:${r.tenure?.id ?? i}`} className="tenure-row" data-holder={r.person?.id}>
                <td className="tenure-who">
                  <EntityLink node={r.person} />
                  {r.acting && <span className="tag">acting</span>}
                  <span className="muted small"> {label(r.dates.certainty)}</span>
                </td>
                <td className="tenure-track">
                  {spans(r.dates) ? (
                    <svg viewBox={`0 0 ${W} 22`} preserveAspectRatio="none" width="100%" height="22">
                      {tk.map((y) => {
                        const gx = ((y - axis.lo) / (axis.hi - axis.lo)) * W;
                        return <line key={y} x1={gx} x2={gx} y1={0} y2={22} className="tenure-grid" />;
                      })}
                      <Bar row={r} axis={axis} />
                    </svg>
                  ) : (
                    <span className="tenure-unknown muted small">no dated evidence</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
      <p className="muted small tenure-key">
        <span className="key solid" /> held, as the evidence fixes it <span className="key band" /> may have been held (start or end not known exactly)
      </p>
    </div>
  );
}
