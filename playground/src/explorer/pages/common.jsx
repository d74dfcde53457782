// What the entity pages share: the selections every page asks for, the
// header, loading a page's query (kept live), "more rows" of a list by
// offset, and cells several pages show (capacity, speeches, relation props).
import { CITE, gql, useLiveRefetch, useQuery } from '../api.js';
import { Cite, DateRange, EntityLink, ErrorBox, KindBadge, Loading, entityHref, label } from '../ui.jsx';
import { NODE_QUERY, graphiqlHref } from '../graphiql.js';
import { ExportMenu } from '../export-menu.jsx';

/** A node as a link: enough to name it and point at its page. */
export const N = `id name kind`;
export const HEAD = `id kind name description
  aliases { text lang script kind ${CITE} }
  ${CITE}
  notes { text ${CITE} }`;
/** A relation with every property any kind may have. */
export const REL = `id kind note from { ${N} } to { ${N} }
  start { text } end { text } date { text } acting status mode roles ordinal summary headCount
  capacity { ${N} } head { ${N} } onBehalfOf { ${N} } topic { ${N} } ${CITE}`;

/** `fetchMore` for the list `field` of the `root` with this `id`: the rows from `offset`. */
export const more = (root, id, field, sel, args = '') => (offset, first) =>
  gql(`query More($id: ID!, $first: Int, $offset: Int) {
  ${root}(id: $id) { id ${field}(${args}first: $first, offset: $offset) { ${sel} } }
}`, { id, first, offset }).then((d) => d[root]?.[field] ?? []);

/** Runs a page's query, refetched on live changes; `body` is what to show instead of the page, if anything. */
export function usePage(query, id, pick) {
  const q = useQuery(query, { id });
  useLiveRefetch(id, q.data, q.refetch);
  const node = q.data ? pick(q.data) : null;
  let body = null;
  if (!q.data && q.loading) body = <Loading />;
  else if (q.error && !q.data) body = <ErrorBox error={q.error} />;
  else if (q.data && !node) body = <p className="error">No record with id <code>{id}</code>.</p>;
  return { node, body };
}

export function Header({ node, children }) {
  return (
    <header className="entity-head card">
      <div className="entity-title">
        <KindBadge kind={node.kind} />
        <h1>{node.name}</h1>
        <Cite citations={node.citations} />
      </div>
      <p className="muted mono">{node.id}</p>
      {node.aliases?.length > 0 && (
        <p className="aliases">
          Also:{' '}
          {node.aliases.map((a, i) => (
            <span className="alias" key={i} lang={a.lang || undefined} title={[label(a.kind), a.lang, a.script].filter(Boolean).join(' · ')}>
              {a.text}
              <Cite citations={a.citations} />
            </span>
          ))}
        </p>
      )}
      {node.description && <p className="description">{node.description}</p>}
      {children}
      {node.notes?.length > 0 && (
        <ul className="notes">
          {node.notes.map((n, i) => (
            <li key={i}>
              {n.text} <Cite citations={n.citations} />
            </li>
          ))}
        </ul>
      )}
      <p className="actions">
        <a href={`#/graph/${encodeURIComponent(node.id)}`} className="button">Graph of the neighbourhood</a>
        <a href={graphiqlHref(NODE_QUERY, { id: node.id })} className="button ghost graphiql-link">Query in GraphiQL</a>
        <a href="#history" className="button ghost" onClick={(e) => { e.preventDefault(); document.getElementById('history')?.scrollIntoView(); }}>History</a>
        <ExportMenu scope={{ around: node.id }} />
      </p>
    </header>
  );
}

export function Capacity({ a }) {
  if (!a.capacity) return <span className="muted">{a.capacityStatus === 'UNKNOWN' ? 'unknown' : ''}</span>;
  return (
    <>
      <EntityLink node={a.capacity} />
      {a.capacityStatus && a.capacityStatus !== 'STATED' && (
        <span className={`tag ${a.capacityStatus.toLowerCase()}`} title="Not stated by a source; from the person's tenures">
          {label(a.capacityStatus)}
        </span>
      )}
    </>
  );
}

/** An attendance's roles, in the sources' order ("Host, Chair"). */
export const rolesText = (roles) => (roles ?? []).map(label).join(', ');

/**
 * Who led a delegation no one is named for: the head office, and who held it
 * then as far as tenures tell (inferred or only possible), or that nobody knows.
 */
export function Head({ a }) {
  if (!a.head) return null;
  const holders = a.headHolders ?? [];
  return (
    <span className="head">
      led by <EntityLink node={a.head} />
      {a.headHolderStatus === 'UNKNOWN' && <span className="tag unknown" title="No tenure or dated evidence says who held the office then">holder unknown</span>}
      {holders.length > 0 && (
        <span className="muted">
          {' '}({a.headHolderStatus === 'INFERRED' ? 'held then by' : 'possibly held then by'}{' '}
          {holders.map((h, i) => (
            <span key={h.person.id}>{i > 0 && ' or '}<EntityLink node={h.person} /></span>
          ))}
          )
          <span className={`tag ${a.headHolderStatus.toLowerCase()}`} title="Not stated by a source; from tenures and dated evidence">
            {label(a.headHolderStatus)}
          </span>
        </span>
      )}
    </span>
  );
}

/** A cell of a row's sources, and a link to the relation's own page (its history). */
export const sources = ['Sources', (r) => (
  <>
    <Cite citations={r.citations} />
    {r.id?.startsWith('rel:') && <a className="rel-link" href={entityHref(r.id)} title="This relation: its page and history">⋯</a>}
  </>
)];

/** Columns of a table of speeches, from a person's side (`who="meeting"`) or a meeting's (`who="person"`). */
export const speechColumns = (who) => [
  [who === 'meeting' ? 'Meeting' : 'Speaker', (s) => (
    <>
      {who === 'meeting' ? <EntityLink node={s.meeting} /> : <EntityLink node={s.person} />}
      {s.onBehalfOf && <span className="muted"> for <EntityLink node={s.onBehalfOf} /></span>}
    </>
  )],
  ['Topic', (s) => <EntityLink node={s.topic} fallback="" />],
  ['Summary', (s) => s.summary, 'summary'],
  sources,
];

export function RelProps({ r }) {
  const bits = [];
  if (r.start || r.end) bits.push(['dates', <DateRange start={r.start} end={r.end} />]);
  if (r.date) bits.push(['date', r.date.text]);
  if (r.mode) bits.push(['mode', label(r.mode)]);
  if (r.roles?.length) bits.push(['roles', rolesText(r.roles)]);
  if (r.status) bits.push(['status', label(r.status)]);
  if (r.acting) bits.push(['acting', 'yes']);
  if (r.ordinal != null) bits.push(['no.', r.ordinal]);
  if (r.capacity) bits.push(['capacity', <EntityLink node={r.capacity} />]);
  if (r.head) bits.push(['led by', <EntityLink node={r.head} />]);
  if (r.headCount != null) bits.push(['people', r.headCount]);
  if (r.onBehalfOf) bits.push(['on behalf of', <EntityLink node={r.onBehalfOf} />]);
  if (r.topic) bits.push(['topic', <EntityLink node={r.topic} />]);
  if (r.summary) bits.push(['summary', r.summary]);
  if (bits.length === 0) return null;
  return (
    <dl className="props">
      {bits.map(([k, v]) => (
        <span key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </span>
      ))}
    </dl>
  );
}
