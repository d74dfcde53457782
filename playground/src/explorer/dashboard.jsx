// Dashboard charts from `stats` (chart.js, loaded with this chunk only).
import { useEffect, useRef } from 'react';
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip,
} from 'chart.js';
import { useChangesRefetch, useQuery } from './api.js';
import { EntityLink, ErrorBox, KindBadge, Loading, label } from './ui.jsx';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.animation = false;

const STATS = `query Stats {
  stats {
    nodes relations conflicts
    byKind { kind count }
    meetingsPerYear { year series { id name } count }
    attendanceByState { state { id name } count }
    attendanceByMode { mode count }
    documentsPerMeeting { meeting { id name } documents signatures }
  }
}`;

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

export default function Dashboard() {
  const q = useQuery(STATS, {});
  useChangesRefetch({}, q.refetch);
  if (!q.data && q.loading) return <Loading what="stats" />;
  if (!q.data) return <ErrorBox error={q.error} />;
  const s = q.data.stats;
  const byState = s.attendanceByState.slice(0, 20);
  const docs = [...s.documentsPerMeeting].sort((a, b) => b.documents - a.documents).slice(0, 10);
  return (
    <div className="dashboard">
      <section className="card">
        <h1>Dashboard</h1>
        <div className="tiles">
          <div className="tile"><strong>{s.nodes}</strong> records</div>
          <div className="tile"><strong>{s.relations}</strong> relations</div>
          <div className="tile"><strong>{s.conflicts}</strong> conflicts</div>
        </div>
        <p className="kinds">
          {s.byKind.map((k) => (
            <span key={k.kind}><KindBadge kind={k.kind} /> {k.count}</span>
          ))}
        </p>
      </section>
      <div className="charts">
        <section className="card">
          <h2>Meetings per year</h2>
          <ChartBox
            label="Meetings per year, by series"
            config={{
              type: 'bar',
              data: perYear(s.meetingsPerYear),
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
        <section className="card wide">
          <h2>Attendance by state{s.attendanceByState.length > 20 && ' (top 20)'}</h2>
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
      </section>
    </div>
  );
}
