// The page of a relation (`rel:…`) or a recorded conflict (`conflict:…`):
// what it says, with its sources; the entity page adds its history below.
import { Cite, EntityLink, ErrorBox, Loading, label } from '../ui.jsx';
import { useQuery } from '../api.js';
import { REL, RelProps } from './common.jsx';
import { graphiqlHref } from '../graphiql.js';

const RELATION = `query Relation($id: ID!) {
  relation(id: $id) { ${REL} conflicts { id note } }
}`;

const CONFLICT = `query Conflict($id: ID!) {
  conflict(id: $id) { id note claims { ${REL} } }
}`;

/** A relation: its two ends, its properties and sources, the conflicts it is a claim in. */
export function RelationPage({ id }) {
  const q = useQuery(RELATION, { id });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const r = q.data.relation;
  if (!r) return <p className="error card">No relation with id <code>{id}</code> now; its history follows.</p>;
  return (
    <header className="entity-head card" data-entity={r.id}>
      <div className="entity-title">
        <span className="kind" style={{ background: '#475569' }}>{label(r.kind)}</span>
        <h1>
          <EntityLink node={r.from} /> → <EntityLink node={r.to} />
        </h1>
        <Cite citations={r.citations} />
      </div>
      <p className="muted mono">{r.id}</p>
      <RelProps r={r} />
      {r.note && <p className="muted">{r.note}</p>}
      {r.conflicts.length > 0 && (
        <p>
          A claim in:{' '}
          {r.conflicts.map((c) => (
            <a key={c.id} href={`#/entity/${encodeURIComponent(c.id)}`} className="mono">{c.id}</a>
          ))}
        </p>
      )}
      <p className="actions">
        <a href={graphiqlHref(RELATION, { id: r.id })} className="button ghost graphiql-link">Query in GraphiQL</a>
      </p>
    </header>
  );
}

/** A recorded conflict: its note and each claim with its source. */
export function ConflictPage({ id }) {
  const q = useQuery(CONFLICT, { id });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const c = q.data.conflict;
  if (!c) return <p className="error card">No conflict with id <code>{id}</code> now; its history follows.</p>;
  return (
    <header className="entity-head card conflict" data-entity={c.id}>
      <h1>Conflicting claims</h1>
      <p className="muted mono">{c.id}</p>
      {c.note && <p>{c.note}</p>}
      <div className="claims">
        {c.claims.map((r) => (
          <div className="claim" key={r.id}>
            <h3><a href={`#/entity/${encodeURIComponent(r.id)}`}>{label(r.kind)}</a></h3>
            <p><EntityLink node={r.from} /> → <EntityLink node={r.to} /></p>
            <RelProps r={r} />
            <p>Source: <Cite citations={r.citations} /></p>
          </div>
        ))}
      </div>
      <p className="actions">
        <a href={graphiqlHref(CONFLICT, { id: c.id })} className="button ghost graphiql-link">Query in GraphiQL</a>
      </p>
    </header>
  );
}
