// Dashboard charts from `counts`, `stats`, `topPairs` and `centrality`
// (chart.js, loaded with this chunk only). Two queries: a bounded overview
// first, then the figures the overview shows how to ask for, every list
// bounded by the server (`first`), so a large graph is never loaded whole.
// A date range and a series (dashboard-filter.jsx) drive every chart: they
// go to the server as the meeting filters each of those fields takes.
// Colours are fixed per category and values written on the charts
// (dashboard-charts.js).
import { useEffect, useRef, useState } from 'react';
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip,
} from 'chart.js';
import { useChangesRefetch, useQuery } from './api.js';
import { EntityLink, ErrorBox, KindBadge, Loading, label } from './ui.jsx';
import { MODE_COLORS, STATUS_COLORS, everyLabel, seriesColor, valueLabels } from './dashboard-charts.js';
import { DashboardFilter, filterFromParams } from './dashboard-filter.jsx';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip, valueLabels);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.animation = false;

/** Up to this many series, meetings per year are split by series (a row per year and series). */
const SERIES_SPLIT = 8;
/** Meetings ranked by documents, and states by attendance, that the dashboard shows. */
const TOP_MEETINGS = 10;
const TOP_STATES = 20;
/** Pairs who met most, and most central people, that the dashboard shows. */
const TOP_PAIRS = 10;
const TOP_CENTRAL = 10;
/** Most bars in the meetings-per-year chart; a longer span is grouped into runs of years. */
const MAX_BARS = 60;

const OVERVIEW = `query Overview {
  counts { nodes relations conflicts byKind { kind count } }
  allSeries(first: 100) { totalCount nodes { id name } }
}`;

const FILTER_ARGS = 'from: $from, to: $to, series: $series';

/** The second query: with many series, meetings per year come as one total a year. */
function detailsQuery(o) {
  const split = o.allSeries.totalCount <= SERIES_SPLIT;
  return `query Details($from: String, $to: String, $series: ID) {
  topPairs(kind: PERSON, ${FILTER_ARGS}, first: ${TOP_PAIRS}) { totalCount pairs { a { id name } b { id name } count } }
  centrality(kind: PERSON, measure: DEGREE, ${FILTER_ARGS}, first: ${TOP_CENTRAL}) { scores { node { id name } score } }
  stats(${FILTER_ARGS}) {
    attendanceByState(first: ${TOP_STATES}) { state { id name } count }
    attendanceByStateCount
    attendanceByMode { mode count }
    attendanceByStatus { status count }
    ${split ? 'meetingsPerYear { year series { id name } count }' : 'meetingsPerYearTotal { year count }'}
    documentsPerMeeting(first: ${TOP_MEETINGS}) { meeting { id name } documents signatures }
  }
}`;
}

function ChartBox({ config, label: aria, height }) {
  const canvas = useRef(null);
  useEffect(() => {
    const chart = new Chart(canvas.current, config);
    // For the browser tests: each chart by its label.
    (window.__attacheCharts ??= {})[aria] = chart;
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  return (
    <div className="chart" style={height ? { height } : undefined}>
      <canvas ref={canvas} role="img" aria-label={aria} />
    </div>
  );
}

function perYear(rows) {
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const series = [...new Map(rows.map((r) => [r.series?.id ?? '', r.series?.name ?? 'no series'])).entries()];
  return {
    labels: years.map(String),
    datasets: series.map(([sid, name]) => ({
      label: name,
      backgroundColor: seriesColor(sid),
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
    datasets: [{ label: 'meetings', backgroundColor: seriesColor(''), data: spans.map(sum) }],
  };
}

export default function Dashboard({ params }) {
  const [filter, setFilter] = useState(() => filterFromParams(params));
  const o = useQuery(OVERVIEW, {});
  const vars = { from: filter.from || null, to: filter.to || null, series: filter.series || null };
  const q = useQuery(o.data ? detailsQuery(o.data) : '', vars, { skip: !o.data });
  useChangesRefetch({}, () => {
    o.refetch();
    q.refetch();
  });
  if (!o.data) return o.error ? <ErrorBox error={o.error} /> : <Loading what="stats" />;
  const c = o.data.counts;
  const head = (
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
      <DashboardFilter value={filter} onChange={setFilter} series={o.data.allSeries} />
    </section>
  );
  // One tree whether the figures are in or not, so the filter keeps its focus while they load.
  return (
    <div className="dashboard" data-filter={JSON.stringify(vars)} data-loading={q.loading || !q.data ? 'yes' : 'no'}>
      {head}
      {q.data ? (
        <Charts s={q.data.stats} pairs={q.data.topPairs} central={q.data.centrality} seriesCount={o.data.allSeries.totalCount} />
      ) : q.error ? <ErrorBox error={q.error} /> : <Loading what="stats" />}
    </div>
  );
}

const count = { beginAtZero: true, ticks: { precision: 0 } };

function Charts({ s, pairs, central, seriesCount }) {
  const byState = s.attendanceByState;
  const docs = s.documentsPerMeeting;
  const scores = central.scores;
  return (
    <>
      <div className="charts">
        <section className="card">
          <h2>Meetings per year{!s.meetingsPerYear && ` (${seriesCount} series, not split)`}</h2>
          <ChartBox
            label={s.meetingsPerYear ? 'Meetings per year, by series' : 'Meetings per year'}
            config={{
              type: 'bar',
              data: s.meetingsPerYear ? perYear(s.meetingsPerYear) : perYearTotals(s.meetingsPerYearTotal),
              options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true, ticks: everyLabel }, y: { stacked: true, ...count } } },
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
                datasets: [{ label: 'attendances', data: s.attendanceByMode.map((m) => m.count), backgroundColor: s.attendanceByMode.map((m) => MODE_COLORS[m.mode] ?? '#64748b') }],
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
                <tr key={r.status || 'none'} data-status={r.status || 'NONE'}>
                  <th><span className="swatch" style={{ background: STATUS_COLORS[r.status || 'NONE'] }} /> {r.status ? label(r.status) : 'no standing known'}</th>
                  <td>{r.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card wide">
          <h2>Attendance by state{s.attendanceByStateCount > TOP_STATES && ` (top ${TOP_STATES} of ${s.attendanceByStateCount})`}</h2>
          <ChartBox
            label="Attendance by state"
            height={Math.max(160, 26 * byState.length + 40)}
            config={{
              type: 'bar',
              data: {
                labels: byState.map((r) => r.state?.name ?? 'unknown'),
                datasets: [{ label: 'attendances', data: byState.map((r) => r.count), backgroundColor: '#16a34a' }],
              },
              options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: count, y: { ticks: everyLabel } } },
            }}
          />
        </section>
        <section className="card wide">
          <h2>Most connected people (co-attendees)</h2>
          {scores.length === 0 ? <p className="muted">No held meeting with attendees in this selection.</p> : (
            <ChartBox
              label="Most connected people"
              height={Math.max(160, 26 * scores.length + 40)}
              config={{
                type: 'bar',
                data: {
                  labels: scores.map((r) => r.node.name),
                  datasets: [{ label: 'co-attendees', data: scores.map((r) => r.score), backgroundColor: '#2563eb' }],
                },
                options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: count, y: { ticks: everyLabel } } },
              }}
            />
          )}
        </section>
      </div>
      <section className="card" id="top-pairs">
        <h2>Who met most{pairs.totalCount > pairs.pairs.length && ` (top ${pairs.pairs.length} of ${pairs.totalCount} pairs)`}</h2>
        {pairs.pairs.length === 0 ? <p className="muted">No two people met in this selection.</p> : (
          <table className="top-pairs">
            <thead><tr><th>Person</th><th>Person</th><th>Meetings together</th></tr></thead>
            <tbody>
              {pairs.pairs.map((p) => (
                <tr key={`${p.a?.id}|${p.b?.id}`}>
                  <td><EntityLink node={p.a} /></td>
                  <td><EntityLink node={p.b} /></td>
                  <td>{p.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
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
    </>
  );
}
