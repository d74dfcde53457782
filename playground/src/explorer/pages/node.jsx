// The page of every other kind (state, organization, office, series,
// document, place, topic, source): its header, then its relations grouped by
// kind and direction, each group a page at a time. The relation kinds come
// from the server's schema (kinds.js); when it answers no introspection they
// are unknown, and the groups are by direction only, each row naming its kind.
import { useQuery } from '../api.js';
import { kinds } from '../kinds.js';
import { EntityLink, ErrorBox, Loading, PAGE, PagedTable, Section, label } from '../ui.jsx';
import { HEAD, Header, REL, RelProps, more, sources, usePage } from './common.jsx';
import { MembersAt, PlaceInside } from './standing.jsx';
import { OfficeHolders } from './office.jsx';
import { StateOverview } from './state.jsx';

const DIRS = [['out', 'OUTGOING'], ['in', 'INCOMING']];

/** Groups of relations a node may have: each kind (or, kinds unknown, all kinds) in each direction. */
function groupsOf() {
  const rel = kinds().relation;
  return DIRS.flatMap(([dir, direction]) =>
    (rel ?? [null]).map((kind) => ({ key: `${dir}_${kind ?? 'ALL'}`, kind, dir, direction })),
  );
}

/** The node and how many relations it has in each group (`out_HOLDS`, `in_SIGNED` …, or `out_ALL`, `in_ALL`). */
function nodeQuery(groups) {
  const counts = groups.map(
    (g) => `${g.key}: relationsCount(${g.kind ? `kinds: [${g.kind}], ` : ''}direction: ${g.direction})`,
  );
  return `query Node($id: ID!) {
  node(id: $id) {
    ${HEAD}
    ... on Source { title url publisher category date { text } language }
    ... on State { code }
    ... on Document { category date { text } }
    ${counts.join('\n    ')}
  }
}`;
}

/** The first page of one group of a node's relations. */
const GROUP = `query Group($id: ID!, $kinds: [RelationKind!], $direction: Direction, $first: Int) {
  node(id: $id) { id relations(kinds: $kinds, direction: $direction, first: $first) { ${REL} } }
}`;

/** The groups and the page query, made once (the kinds are known before the first page renders). */
let made = null;
const make = () => {
  if (!made) {
    const groups = groupsOf();
    made = { groups, query: nodeQuery(groups) };
  }
  return made;
};

export function NodePage({ id }) {
  const { groups, query } = make();
  const { node: n, body } = usePage(query, id, (d) => d.node);
  if (body) return body;
  const shown = groups.map((g) => ({ ...g, count: n[g.key] })).filter((g) => g.count > 0);
  return (
    <div className="entity" data-entity={n.id}>
      <Header node={n}>
        {n.kind === 'SOURCE' && (
          <dl className="facts">
            {n.title && (<><dt>Title</dt><dd>{n.title}</dd></>)}
            {n.publisher && (<><dt>Publisher</dt><dd>{n.publisher}</dd></>)}
            {n.date && (<><dt>Date</dt><dd>{n.date.text}</dd></>)}
            {n.language && (<><dt>Language</dt><dd>{n.language}</dd></>)}
            {n.url && (<><dt>URL</dt><dd><a href={n.url} target="_blank" rel="noopener noreferrer">{n.url}</a></dd></>)}
          </dl>
        )}
        {n.code && <p>Code: <strong>{n.code}</strong></p>}
      </Header>
      {n.kind === 'PLACE' && <PlaceInside id={n.id} />}
      {n.kind === 'ORGANIZATION' && <MembersAt id={n.id} />}
      {n.kind === 'OFFICE' && <OfficeHolders id={n.id} />}
      {n.kind === 'STATE' && <StateOverview id={n.id} />}
      {shown.map((g) => (
        // Keyed by the count, so a live change to the group fetches it again.
        <RelationGroup key={`${g.key}:${g.count}`} id={n.id} {...g} />
      ))}
      {shown.length === 0 && <p className="muted card">No relations.</p>}
    </div>
  );
}

/** One group of a node's relations, fetched a page at a time. */
function RelationGroup({ id, kind, dir, direction, count }) {
  const q = useQuery(GROUP, { id, kinds: kind ? [kind] : null, direction, first: PAGE });
  const title = kind ? `${label(kind)} ${dir === 'in' ? '(incoming)' : ''}` : `Relations ${dir === 'in' ? '(incoming)' : '(outgoing)'}`;
  const columns = [
    ...(kind ? [] : [['', (r) => label(r.kind)]]),
    ['', (r) => <EntityLink node={dir === 'out' ? r.to : r.from} />],
    ['', (r) => <RelProps r={r} />],
    ['', sources[1]],
  ];
  return (
    <Section title={title} count={count}>
      {!q.data ? (
        q.error ? <ErrorBox error={q.error} /> : <Loading />
      ) : (
        <PagedTable
          rows={q.data.node?.relations}
          total={count}
          fetchMore={more('node', id, 'relations', REL, `${kind ? `kinds: [${kind}], ` : ''}direction: ${direction}, `)}
          columns={columns}
        />
      )}
    </Section>
  );
}
