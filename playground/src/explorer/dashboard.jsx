// Dashboard charts from `counts` and `stats` (chart.js, loaded with this chunk
// only). Two queries: a bounded overview first, then the stats the overview
// shows how to ask for, every list bounded by the server (`first`), so a
// large graph is never loaded whole.
import { useEffect, useRef } from 'react';
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip,
} from 'chart.js';
import { useChangesRefetch, useQuery } from './api.js';
import { EntityLink, ErrorBox, KindBadge, Loading, label } from './ui.jsx';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.animation = false;

/** Up to this many series, meetings per year are split by series (a row per year and series). */
const SERIES_SPLIT = 8;
/** Meetings ranked by documents, and states by attendance, that the dashboard shows. */
const TOP_MEETINGS = 10;
const TOP_STATES = 20;
/** Most bars in the meetings-per-year chart; a longer span is grouped into runs of years. */
const MAX_BARS = 60;

const OVERVIEW = `query Overview {
  counts { nodes relations conflicts byKind { kind count } }
  allSeries(first: 1) { totalCount }
}`;

/** The second query: with many series, meetings per year come as one total a year. */
function detailsQuery(o) {
  const split = o.allSeries.totalCount <= SERIES_SPLIT;
  return `query Details {
  stats {
    attendanceByState(first: ${TOP_STATES}) { state { id name } count }
    attendanceByStateCount
    attendanceByMode { mode count }
    attendanceByStatus { status count }
    ${split ? 'meetingsPerYear { year series { id name } count }' : 'meetingsPerYearTotal { year count }'}
    documentsPerMeeting(first: ${TOP_MEETINGS}) { meeting { id name } documents signatures }
  }
}`;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#ca8a04', '#64748b'];

function ChartBox({ config, label: aria }) {
  const canvas = useRef(null);
  useEffect(() => {
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={aria} />
    </div>
  );
}

function perYear(rows) {
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const series = [...new Map(rows.map((r) => [r.series?.id ?? '', r.series?.name ?? 'no series'])).entries()];
  return {
    labels: years.map(String),
    datasets: series.map(([sid, name], i) => ({
      label: name,
      backgroundColor: PALETTE[i % PALETTE.length],
      data: years.map((y) => rows.filter((r) => r.year === y && (r.series?.id ?? '') === sid).reduce((s, r) => s + r.count, 0)),
    })),
  };
}

/** Meetings per year as one dataset, years grouped into runs when there are more than `MAX_BARS`. */
function perYearTotals(rows) {
  if (rows.length === 0) return { labels: [], datasets: [] };
  const [a, b] = [rows[0].year, rows[rows.length - 1].year];
  const step = Math.ceil((b - a + 1) / MAX_BARS);
  const spans = [];
  for (let y = a; y <= b; y += step) spans.push([y, Math.min(y + step - 1, b)]);
  const sum = ([x, y]) => rows.filter((r) => r.year >= x && r.year <= y).reduce((s, r) => s + r.count, 0);
  return {
    labels: spans.map(([x, y]) => (x === y ? String(x) : `${x}–${y}`)),
    datasets: [{ label: 'meetings', backgroundColor: PALETTE[0], data: spans.map(sum) }],
  };
}

export default function Dashboard() {
  const o = useQuery(OVERVIEW, {});
  const q = useQuery(o.data ? detailsQuery(o.data) : '', {}, { skip: !o.data });
  useChangesRefetch({}, () => {
    o.refetch();
    q.refetch();
  });
  if (!o.data) return o.error ? <ErrorBox error={o.error} /> : <Loading what="stats" />;
  if (!q.data && !q.error) return <Loading what="stats" />;
  if (!q.data) return <ErrorBox error={q.error} />;
  const c = o.data.counts;
  const s = q.data.stats;
  const byState = s.attendanceByState;
  const docs = s.documentsPerMeeting;
  return (
    <div className="dashboard">
      <section className="card">
        <h1>Dashboard</h1>
        <div className="tiles">
          <div className="tile"><strong>{c.nodes}</strong> records</div>
          <div className="tile"><strong>{c.relations}</strong> relations</div>
          <div className="tile"><strong>{c.conflicts}</strong> conflicts</div>
        </div>
        <p className="kinds">
          {c.byKind.map((k) => (
            <span key={k.kind}><KindBadge kind={k.kind} /> {k.count}</span>
          ))}
        </p>
      </section>
      <div className="charts">
        <section className="card">
          <h2>Meetings per year{!s.meetingsPerYear && ` (${o.data.allSeries.totalCount} series, not split)`}</h2>
          <ChartBox
            label={s.meetingsPerYear ? 'Meetings per year, by series' : 'Meetings per year'}
            config={{
              type: 'bar',
              data: s.meetingsPerYear ? perYear(s.meetingsPerYear) : perYearTotals(s.meetingsPerYearTotal),
              options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
            }}
          />
        </section>
        <section className="card">
          <h2>Attendance by mode</h2>
          <ChartBox
            label="Attendance by mode"
            config={{
              type: 'doughnut',
              data: {
                labels: s.attendanceByMode.map((m) => label(m.mode)),
                datasets: [{ data: s.attendanceByMode.map((m) => m.count), backgroundColor: PALETTE }],
              },
              options: { responsive: true, maintainAspectRatio: false },
            }}
          />
        </section>
        <section className="card">
          <h2>Attendance by standing</h2>
          <p className="muted small">The attending state's standing in the meeting's organization on the meeting's date.</p>
          <table className="by-status">
            <tbody>
              {s.attendanceByStatus.map((r) => (
                <tr key={r.status || 'none'}><th>{r.status ? label(r.status) : 'no standing known'}</th><td>{r.count}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card wide">
          <h2>Attendance by state{s.attendanceByStateCount > TOP_STATES && ` (top ${TOP_STATES} of ${s.attendanceByStateCount})`}</h2>
          <ChartBox
            label="Attendance by state"
            config={{
              type: 'bar',
              data: {
                labels: byState.map((r) => r.state?.name ?? 'unknown'),
                datasets: [{ label: 'attendances', data: byState.map((r) => r.count), backgroundColor: '#16a34a' }],
              },
              options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
            }}
          />
        </section>
      </div>
      <section className="card">
        <h2>Documents per meeting</h2>
        {docs.length === 0 ? (
          <p className="muted">No documents recorded.</p>
        ) : (
          <table>
            <thead><tr><th>Meeting</th><th>Documents</th><th>Signatures</th></tr></thead>
            <tbody>
              {docs.map((d) => (
                <tr key={d.meeting.id}>
                  <td><EntityLink node={d.meeting} /></td>
                  <td>{d.documents}</td>
                  <td>{d.signatures}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
