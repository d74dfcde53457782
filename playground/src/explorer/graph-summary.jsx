// What the graph view shows instead of a hairball when a neighbourhood is
// large (over `SUMMARY_OVER` neighbours): how many neighbours of each kind,
// the best-connected neighbours (each a link to its own graph and page),
// and a button to draw it all anyway.
import { EntityLink, KindBadge } from './ui.jsx';

/** A root with more neighbours than this gets the summary first. */
export const SUMMARY_OVER = 50;
/** Neighbours listed as the best connected. */
const TOP = 10;

/** Counts by kind (most first) and the best-connected neighbours of `root` among `nodes`. */
export function summarize(root, nodes) {
  const others = nodes.filter((n) => n.id !== root);
  const byKind = new Map();
  for (const n of others) byKind.set(n.kind, (byKind.get(n.kind) ?? 0) + 1);
  const kinds = [...byKind.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = [...others]
    .sort((a, b) => (b.relationsCount ?? 0) - (a.relationsCount ?? 0) || a.name.localeCompare(b.name))
    .slice(0, TOP);
  return { count: others.length, kinds, top };
}

export function GraphSummary({ root, nodes, truncated, relations, onShow }) {
  const s = summarize(root.id, nodes);
  return (
    <section className="card graph-summary" data-testid="graph-summary">
      <h2>
        {truncated ? 'More than ' : ''}
        {s.count} neighbours — too many to draw legibly
      </h2>
      <p className="muted">
        {root.name} has {relations} relation{relations === 1 ? '' : 's'}
        {truncated ? `; the server sent the nearest ${s.count} neighbours` : ''}.{' '}
        <button type="button" onClick={onShow}>Show anyway</button>
      </p>
      <div className="summary-cols">
        <table className="summary-kinds">
          <thead><tr><th>Kind</th><th>Neighbours</th></tr></thead>
          <tbody>
            {s.kinds.map(([k, c]) => (
              <tr key={k} data-kind={k}><td><KindBadge kind={k} /></td><td>{c}</td></tr>
            ))}
          </tbody>
        </table>
        <div>
          <h3>Best-connected neighbours</h3>
          <ol className="summary-top">
            {s.top.map((n) => (
              <li key={n.id}>
                <KindBadge kind={n.kind} /> <EntityLink node={n} />{' '}
                <span className="muted small">{n.relationsCount} relation{n.relationsCount === 1 ? '' : 's'}</span>{' '}
                <a className="small" href={`#/graph/${encodeURIComponent(n.id)}`}>graph</a>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
