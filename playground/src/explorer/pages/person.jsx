// A person's page: offices over time, meetings attended, speeches,
// signatures (each a page of `PAGE` rows, more on demand) and the people met.
import { useState } from 'react';
import { CITE, gql } from '../api.js';
import { DateRange, EntityLink, PAGE, PagedTable, Section, dateText, label } from '../ui.jsx';
import { Capacity, HEAD, Header, N, more, rolesText, sources, speechColumns, usePage } from './common.jsx';

const P_TENURE = `id office { ${N} jurisdiction { ${N} } } start { text earliest } end { text } acting note
      seen { text } startBy { text } endAfter { text } endBefore { text } ${CITE}`;
const P_ATTENDANCE = `id mode roles capacityStatus note
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

const MET_WITH = `query MetWith($id: ID!, $after: String) {
  person(id: $id) {
    id
    metWith(first: 10, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { person { ${N} } count firstDate { text } lastDate { text } }
    }
  }
}`;

const TENURES = [
  ['Office', (t) => <><EntityLink node={t.office} />{t.acting && <span className="tag">acting</span>}</>],
  ['Jurisdiction', (t) => <EntityLink node={t.office?.jurisdiction} />],
  ['Held', (t) => <><DateRange start={t.start} end={t.end} /><Vague t={t} /></>],
  sources,
];
/** A tenure's vague dates in words: seen on, held by, left between. */
function Vague({ t }) {
  const parts = [
    t.seen?.length > 0 && `seen in office ${t.seen.map((d) => d.text).join(', ')}`,
    t.startBy && `held it by ${t.startBy.text}`,
    t.endAfter && t.endBefore && `left between ${t.endAfter.text} and ${t.endBefore.text}`,
    t.endAfter && !t.endBefore && `still held it through ${t.endAfter.text}`,
    !t.endAfter && t.endBefore && `had left by ${t.endBefore.text}`,
  ].filter(Boolean);
  return parts.length > 0 ? <div className="muted vague">{parts.join('; ')}</div> : null;
}

const ATTENDANCES = [
  ['Date', (a) => dateText(a.meeting?.startDate), 'nowrap'],
  ['Meeting', (a) => <EntityLink node={a.meeting} />],
  ['Mode', (a) => label(a.mode)],
  ['Roles', (a) => rolesText(a.roles)],
  ['Capacity', (a) => <Capacity a={a} />],
  ['On behalf of', (a) => <EntityLink node={a.onBehalfOf} fallback="" />],
  sources,
];
const SIGNATURES = [
  ['Document', (s) => <EntityLink node={s.document} />],
  ['Date', (s) => dateText(s.date)],
  ['Capacity', (s) => <EntityLink node={s.capacity} fallback="" />],
  ['On behalf of', (s) => <EntityLink node={s.onBehalfOf} fallback="" />],
  sources,
];
const SPEECHES = speechColumns('meeting');

export function PersonPage({ id }) {
  const { node: p, body } = usePage(PERSON, id, (d) => d.person);
  if (body) return body;
  const list = (field, sel) => more('person', p.id, field, sel);
  return (
    <div className="entity" data-entity={p.id}>
      <Header node={p} />
      <Section title="Offices over time" count={p.tenuresCount} id="tenures">
        <PagedTable rows={p.tenures} total={p.tenuresCount} fetchMore={list('tenures', P_TENURE)} columns={TENURES} />
      </Section>
      <Section title="Meetings attended" count={p.attendancesCount} id="attendances">
        <PagedTable
          rows={p.attendances}
          total={p.attendancesCount}
          fetchMore={list('attendances', P_ATTENDANCE)}
          columns={ATTENDANCES}
        />
      </Section>
      {p.speechesCount > 0 && (
        <Section title="Speeches" count={p.speechesCount}>
          <PagedTable rows={p.speeches} total={p.speechesCount} fetchMore={list('speeches', P_SPEECH)} columns={SPEECHES} />
        </Section>
      )}
      {p.signaturesCount > 0 && (
        <Section title="Signatures" count={p.signaturesCount}>
          <PagedTable
            rows={p.signatures}
            total={p.signaturesCount}
            fetchMore={list('signatures', P_SIGNATURE)}
            columns={SIGNATURES}
          />
        </Section>
      )}
      <MetWith id={p.id} />
    </div>
  );
}

/** The people met, by cursor, ten at a time; nothing is fetched until asked. */
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
