// Entity pages: a person, a meeting, and every other kind. Long lists come
// from the server a page at a time: the page query asks for the first `PAGE`
// rows and the count of each list, and "more" fetches the next rows by offset.
import { useState } from 'react';
import { CITE, gql, useLiveRefetch, useQuery } from './api.js';
import {
  Cite, DateRange, EntityLink, ErrorBox, KindBadge, Loading, PAGE, Section, ServerPaged, dateText, kindOf, label,
} from './ui.jsx';

const N = `id name kind`;
const HEAD = `id kind name description
  aliases { text lang script kind ${CITE} }
  ${CITE}
  notes { text ${CITE} }`;

const P_TENURE = `id office { ${N} jurisdiction { ${N} } } start { text earliest } end { text } acting note ${CITE}`;
const P_ATTENDANCE = `id mode role capacityStatus note
      meeting { ${N} startDate { text earliest } endDate { text } }
      capacity { ${N} } onBehalfOf { ${N} } ${CITE}`;
const P_SPEECH = `id meeting { ${N} startDate { text } } topic { ${N} } summary ${CITE}`;
const P_SIGNATURE = `id document { ${N} } date { text } capacity { ${N} } onBehalfOf { ${N} } ${CITE}`;

const PERSON = `query Person($id: ID!) {
  person(id: $id) {
    ${HEAD}
    tenures(first: ${PAGE}) { ${P_TENURE} } tenuresCount
    attendances(first: ${PAGE}) { ${P_ATTENDANCE} } attendancesCount
    speeches(first: ${PAGE}) { ${P_SPEECH} } speechesCount
    signatures(first: ${PAGE}) { ${P_SIGNATURE} } signaturesCount
  }
}`;

/** `fetchMore` for the list `field` of the `root` with this `id`: the rows from `offset`. */
const more = (root, id, field, sel, args = '') => (offset, first) =>
  gql(`query More($id: ID!, $first: Int, $offset: Int) {
  ${root}(id: $id) { id ${field}(${args}first: $first, offset: $offset) { ${sel} } }
}`, { id, first, offset }).then((d) => d[root]?.[field] ?? []);

const MET_WITH = `query MetWith($id: ID!, $after: String) {
  person(id: $id) {
    id
    metWith(first: 10, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { person { ${N} } count firstDate { text } lastDate { text } }
    }
  }
}`;

const REL = `id kind note from { ${N} } to { ${N} }
  start { text } end { text } date { text } acting status mode role ordinal summary
  capacity { ${N} } onBehalfOf { ${N} } topic { ${N} } ${CITE}`;

const M_ATTENDANCE = `id mode role capacityStatus note
      person { ${N} } capacity { ${N} } onBehalfOf { ${N} } ${CITE}`;
const M_SPEECH = `id person { ${N} } topic { ${N} } onBehalfOf { ${N} } summary ${CITE}`;
const D_SIGNATORY = `id person { ${N} } capacity { ${N} } onBehalfOf { ${N} } date { text } ${CITE}`;
/** Documents a meeting page shows at a time, each with a page of signatories. */
const DOC_PAGE = 10;
const M_DOCUMENT = `id name category date { text } language ${CITE}
      signatories(first: ${PAGE}) { ${D_SIGNATORY} } signatoriesCount`;
const M_MEETING = `${N} startDate { text } category`;

const MEETING = `query Meeting($id: ID!) {
  meeting(id: $id) {
    ${HEAD}
    category ordinal
    startDate { text } endDate { text }
    series { ${N} } place { ${N} } host { ${N} } organizer { ${N} } chair { ${N} }
    facts { ${REL} }
    attendances(first: ${PAGE}) { ${M_ATTENDANCE} } attendancesCount
    speeches(first: ${PAGE}) { ${M_SPEECH} } speechesCount
    documents(first: ${DOC_PAGE}) { ${M_DOCUMENT} } documentsCount
    parent { ${N} startDate { text } }
    parts(first: ${PAGE}) { ${M_MEETING} } partsCount
    preparatoryMeetings(first: ${PAGE}) { ${M_MEETING} } preparatoryMeetingsCount
    preparatoryFor { ${N} startDate { text } }
    topics { ${N} }
    conflicts { id note claims { ${REL} } }
  }
}`;

const REL_KINDS = ['HOLDS', 'BELONGS_TO', 'JURISDICTION', 'PART_OF', 'MEMBER_OF', 'ATTENDED', 'CHAIRED', 'SPOKE_AT',
  'SIGNED', 'ADOPTED_AT', 'HELD_IN', 'LOCATED_IN', 'HOSTED_BY', 'ORGANIZED_BY', 'IN_SERIES', 'SUB_EVENT_OF',
  'PREPARATORY_FOR', 'ABOUT'];
const DIRS = [['out', 'OUTGOING'], ['in', 'INCOMING']];

/** The node and how many relations it has of each kind and direction (`out_HOLDS`, `in_SIGNED` …). */
const NODE = `query Node($id: ID!) {
  node(id: $id) {
    ${HEAD}
    ... on Source { title url publisher category date { text } language }
    ... on State { code }
    ... on Document { category date { text } }
    ${DIRS.flatMap(([d, D]) => REL_KINDS.map((k) => `${d}_${k}: relationsCount(kinds: [${k}], direction: ${D})`)).join('\n    ')}
  }
}`;

/** The first page of one kind and direction of a node's relations. */
const GROUP = `query Group($id: ID!, $kinds: [RelationKind!], $direction: Direction, $first: Int) {
  node(id: $id) { id relations(kinds: $kinds, direction: $direction, first: $first) { ${REL} } }
}`;

export function EntityPage({ id }) {
  const kind = kindOf(id);
  if (kind === 'person') return <PersonPage id={id} />;
  if (kind === 'meeting') return <MeetingPage id={id} />;
  return <NodePage id={id} />;
}

function Header({ node, children }) {
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
        <a href={`/playground`} className="button ghost">Query in GraphiQL</a>
      </p>
    </header>
  );
}

function usePage(query, id, pick) {
  const q = useQuery(query, { id });
  useLiveRefetch(id, q.data, q.refetch);
  const node = q.data ? pick(q.data) : null;
  let body = null;
  if (!q.data && q.loading) body = <Loading />;
  else if (q.error && !q.data) body = <ErrorBox error={q.error} />;
  else if (q.data && !node) body = <p className="error">No record with id <code>{id}</code>.</p>;
  return { node, body };
}

// ---------------------------------------------------------------- person

function PersonPage({ id }) {
  const { node: p, body } = usePage(PERSON, id, (d) => d.person);
  if (body) return body;
  const list = (field, sel) => more('person', p.id, field, sel);
  return (
    <div className="entity" data-entity={p.id}>
      <Header node={p} />
      <Section title="Offices over time" count={p.tenuresCount} id="tenures">
        <ServerPaged
          rows={p.tenures}
          total={p.tenuresCount}
          fetchMore={list('tenures', P_TENURE)}
          render={(rows) => (
            <table>
              <thead><tr><th>Office</th><th>Jurisdiction</th><th>Held</th><th>Sources</th></tr></thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td><EntityLink node={t.office} />{t.acting && <span className="tag">acting</span>}</td>
                    <td><EntityLink node={t.office?.jurisdiction} /></td>
                    <td><DateRange start={t.start} end={t.end} /></td>
                    <td><Cite citations={t.citations} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      </Section>
      <Section title="Meetings attended" count={p.attendancesCount} id="attendances">
        <ServerPaged
          rows={p.attendances}
          total={p.attendancesCount}
          fetchMore={list('attendances', P_ATTENDANCE)}
          render={(rows) => (
            <table>
              <thead><tr><th>Date</th><th>Meeting</th><th>Mode</th><th>Role</th><th>Capacity</th><th>On behalf of</th><th>Sources</th></tr></thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id}>
                    <td className="nowrap">{dateText(a.meeting?.startDate)}</td>
                    <td><EntityLink node={a.meeting} /></td>
                    <td>{label(a.mode)}</td>
                    <td>{label(a.role)}</td>
                    <td><Capacity a={a} /></td>
                    <td><EntityLink node={a.onBehalfOf} fallback="" /></td>
                    <td><Cite citations={a.citations} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      </Section>
      {p.speechesCount > 0 && (
        <Section title="Speeches" count={p.speechesCount}>
          <ServerPaged
            rows={p.speeches}
            total={p.speechesCount}
            fetchMore={list('speeches', P_SPEECH)}
            render={(rows) => <Speeches rows={rows} who="meeting" />}
          />
        </Section>
      )}
      {p.signaturesCount > 0 && (
        <Section title="Signatures" count={p.signaturesCount}>
          <ServerPaged
            rows={p.signatures}
            total={p.signaturesCount}
            fetchMore={list('signatures', P_SIGNATURE)}
            render={(rows) => (
              <table>
                <thead><tr><th>Document</th><th>Date</th><th>Capacity</th><th>On behalf of</th><th>Sources</th></tr></thead>
                <tbody>
                  {rows.map((s) => (
                    <tr key={s.id}>
                      <td><EntityLink node={s.document} /></td>
                      <td>{dateText(s.date)}</td>
                      <td><EntityLink node={s.capacity} fallback="" /></td>
                      <td><EntityLink node={s.onBehalfOf} fallback="" /></td>
                      <td><Cite citations={s.citations} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          />
        </Section>
      )}
      <MetWith id={p.id} />
    </div>
  );
}

function Capacity({ a }) {
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

function MetWith({ id }) {
  const [pages, setPages] = useState(null);
  const [loading, setLoading] = useState(false);
  const load = async (after) => {
    setLoading(true);
    try {
      const d = await gql(MET_WITH, { id, after });
      const c = d.person.metWith;
      setPages((prev) => ({
        total: c.totalCount,
        next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
        rows: [...(after && prev ? prev.rows : []), ...c.nodes],
      }));
    } finally {
      setLoading(false);
    }
  };
  return (
    <Section title="Met with" count={pages?.total}>
      {!pages ? (
        <button type="button" className="more" onClick={() => load(null)} disabled={loading}>
          {loading ? 'Loading…' : 'Show the people met'}
        </button>
      ) : (
        <>
          <table>
            <thead><tr><th>Person</th><th>Shared meetings</th><th>First</th><th>Last</th></tr></thead>
            <tbody>
              {pages.rows.map((m) => (
                <tr key={m.person?.id}>
                  <td><EntityLink node={m.person} /></td>
                  <td>{m.count}</td>
                  <td>{dateText(m.firstDate)}</td>
                  <td>{dateText(m.lastDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages.next && (
            <button type="button" className="more" onClick={() => load(pages.next)} disabled={loading}>
              More
            </button>
          )}
        </>
      )}
    </Section>
  );
}

function Speeches({ rows, who }) {
  return (
    <table>
      <thead><tr><th>{who === 'meeting' ? 'Meeting' : 'Speaker'}</th><th>Topic</th><th>Summary</th><th>Sources</th></tr></thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.id}>
            <td>{who === 'meeting' ? <EntityLink node={s.meeting} /> : <EntityLink node={s.person} />}
              {s.onBehalfOf && <span className="muted"> for <EntityLink node={s.onBehalfOf} /></span>}</td>
            <td><EntityLink node={s.topic} fallback="" /></td>
            <td className="summary">{s.summary}</td>
            <td><Cite citations={s.citations} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------- meeting

const FACT_LABEL = {
  HELD_IN: 'Held in', HOSTED_BY: 'Hosted by', ORGANIZED_BY: 'Organized by', IN_SERIES: 'Series',
  CHAIRED: 'Chaired by', SUB_EVENT_OF: 'Part of', PREPARATORY_FOR: 'Prepared', ABOUT: 'About',
};

function MeetingPage({ id }) {
  const { node: m, body } = usePage(MEETING, id, (d) => d.meeting);
  if (body) return body;
  const list = (field, sel) => more('meeting', m.id, field, sel);
  return (
    <div className="entity" data-entity={m.id}>
      <Header node={m}>
        <dl className="facts">
          <dt>When</dt>
          <dd><DateRange start={m.startDate} end={m.endDate || m.startDate} /></dd>
          {m.category && (<><dt>Category</dt><dd>{m.category}</dd></>)}
          {m.series && (<><dt>Series</dt><dd><EntityLink node={m.series} />{m.ordinal != null && <span className="muted"> · no. {m.ordinal}</span>}</dd></>)}
          {m.parent && (<><dt>Part of</dt><dd><EntityLink node={m.parent} /></dd></>)}
          {m.topics.length > 0 && (<><dt>Topics</dt><dd>{m.topics.map((t, i) => <span key={t.id}>{i > 0 && ', '}<EntityLink node={t} /></span>)}</dd></>)}
        </dl>
      </Header>
      <Section title="Facts and their sources" count={m.facts.length} id="facts">
        <table>
          <tbody>
            {m.facts.map((f) => {
              const other = f.from?.id === m.id ? f.to : f.from;
              return (
                <tr key={f.id}>
                  <th>{FACT_LABEL[f.kind] || label(f.kind)}</th>
                  <td><EntityLink node={other} />{f.note && <div className="muted small">{f.note}</div>}</td>
                  <td><Cite citations={f.citations} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      {m.conflicts.length > 0 && (
        <Section title="Conflicting claims" count={m.conflicts.length} id="conflicts">
          {m.conflicts.map((c) => (
            <div className="conflict" key={c.id}>
              {c.note && <p>{c.note}</p>}
              <div className="claims">
                {c.claims.map((r) => (
                  <div className="claim" key={r.id}>
                    <h3>{label(r.kind)}</h3>
                    <p><EntityLink node={r.from} /> → <EntityLink node={r.to} /></p>
                    <RelProps r={r} />
                    {r.note && <p className="muted small">{r.note}</p>}
                    <p>Source: <Cite citations={r.citations} /></p>
                  </div>
                ))}
              </div>
            </div>
          ))}
        </Section>
      )}
      <Section title="Attendees" count={m.attendancesCount} id="attendees">
        <ServerPaged
          rows={m.attendances}
          total={m.attendancesCount}
          fetchMore={list('attendances', M_ATTENDANCE)}
          render={(rows) => (
            <table className="attendees">
              <thead><tr><th>Person</th><th>Mode</th><th>Role</th><th>Capacity</th><th>On behalf of</th><th>Sources</th></tr></thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id} data-rel={a.id}>
                    <td><EntityLink node={a.person} /></td>
                    <td>{label(a.mode)}</td>
                    <td>{label(a.role)}</td>
                    <td><Capacity a={a} /></td>
                    <td><EntityLink node={a.onBehalfOf} fallback="" /></td>
                    <td><Cite citations={a.citations} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      </Section>
      <Section title="Speeches" count={m.speechesCount} id="speeches">
        <ServerPaged
          rows={m.speeches}
          total={m.speechesCount}
          fetchMore={list('speeches', M_SPEECH)}
          render={(rows) => <Speeches rows={rows} who="person" />}
        />
      </Section>
      <Section title="Documents" count={m.documentsCount} id="documents">
        <ServerPaged
          rows={m.documents}
          total={m.documentsCount}
          pageSize={DOC_PAGE}
          fetchMore={list('documents', M_DOCUMENT)}
          render={(rows) =>
            rows.map((d) => (
              <div className="document" key={d.id}>
                <h3>
                  <EntityLink node={d} /> <Cite citations={d.citations} />
                </h3>
                <p className="muted">{[d.category, dateText(d.date), d.language].filter(Boolean).join(' · ')}</p>
                <ServerPaged
                  rows={d.signatories}
                  total={d.signatoriesCount}
                  fetchMore={more('document', d.id, 'signatories', D_SIGNATORY)}
                  empty="No signatories recorded."
                  render={(rows) => (
                    <table>
                      <thead><tr><th>Signed by</th><th>Capacity</th><th>On behalf of</th><th>Date</th><th>Sources</th></tr></thead>
                      <tbody>
                        {rows.map((s) => (
                          <tr key={s.id}>
                            <td><EntityLink node={s.person} /></td>
                            <td><EntityLink node={s.capacity} fallback="" /></td>
                            <td><EntityLink node={s.onBehalfOf} fallback="" /></td>
                            <td>{dateText(s.date)}</td>
                            <td><Cite citations={s.citations} /></td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                />
              </div>
            ))
          }
        />
      </Section>
      <div className="two">
        <Section title="Sub-meetings" count={m.partsCount} id="parts">
          <MeetingList rows={m.parts} total={m.partsCount} fetchMore={list('parts', M_MEETING)} />
        </Section>
        <Section title="Preparatory meetings" count={m.preparatoryMeetingsCount} id="preparatory">
          <MeetingList rows={m.preparatoryMeetings} total={m.preparatoryMeetingsCount} fetchMore={list('preparatoryMeetings', M_MEETING)} />
        </Section>
      </div>
      {m.preparatoryFor.length > 0 && (
        <Section title="Prepared" count={m.preparatoryFor.length}>
          <MeetingList rows={m.preparatoryFor} total={m.preparatoryFor.length} />
        </Section>
      )}
    </div>
  );
}

function MeetingList({ rows, total, fetchMore }) {
  return (
    <ServerPaged
      rows={rows}
      total={total}
      fetchMore={fetchMore}
      render={(rows) => (
        <ul className="plain">
          {rows.map((x) => (
            <li key={x.id}>
              <span className="muted nowrap">{dateText(x.startDate)}</span> <EntityLink node={x} />
              {x.category && <span className="muted"> · {x.category}</span>}
            </li>
          ))}
        </ul>
      )}
    />
  );
}

function RelProps({ r }) {
  const bits = [];
  if (r.start || r.end) bits.push(['dates', <DateRange start={r.start} end={r.end} />]);
  if (r.date) bits.push(['date', r.date.text]);
  if (r.mode) bits.push(['mode', label(r.mode)]);
  if (r.role) bits.push(['role', label(r.role)]);
  if (r.status) bits.push(['status', label(r.status)]);
  if (r.acting) bits.push(['acting', 'yes']);
  if (r.ordinal != null) bits.push(['no.', r.ordinal]);
  if (r.capacity) bits.push(['capacity', <EntityLink node={r.capacity} />]);
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

// ---------------------------------------------------------------- others

function NodePage({ id }) {
  const { node: n, body } = usePage(NODE, id, (d) => d.node);
  if (body) return body;
  const groups = DIRS.flatMap(([dir]) => REL_KINDS.map((kind) => ({ kind, dir, count: n[`${dir}_${kind}`] })))
    .filter((g) => g.count > 0);
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
      {groups.map((g) => (
        // Keyed by the count, so a live change to the group fetches it again.
        <RelationGroup key={`${g.kind}:${g.dir}:${g.count}`} id={n.id} {...g} />
      ))}
      {groups.length === 0 && <p className="muted card">No relations.</p>}
    </div>
  );
}

/** One kind and direction of a node's relations, fetched a page at a time. */
function RelationGroup({ id, kind, dir, count }) {
  const direction = dir === 'in' ? 'INCOMING' : 'OUTGOING';
  const q = useQuery(GROUP, { id, kinds: [kind], direction, first: PAGE });
  return (
    <Section title={`${label(kind)} ${dir === 'in' ? '(incoming)' : ''}`} count={count}>
      {!q.data ? (
        q.error ? <ErrorBox error={q.error} /> : <Loading />
      ) : (
        <ServerPaged
          rows={q.data.node?.relations}
          total={count}
          fetchMore={more('node', id, 'relations', REL, `kinds: [${kind}], direction: ${direction}, `)}
          render={(rows) => (
            <table>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td><EntityLink node={dir === 'out' ? r.to : r.from} /></td>
                    <td><RelProps r={r} /></td>
                    <td><Cite citations={r.citations} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      )}
    </Section>
  );
}
