// A meeting's page: its facts with their sources, conflicting claims,
// attendees, speeches, documents with their signatories, sub-meetings and
// preparatory meetings (each list a page at a time, more on demand).
import { CITE } from '../api.js';
import { Cite, DateRange, EntityLink, PAGE, PagedTable, Section, ServerPaged, dateText, entityHref, label } from '../ui.jsx';
import { Capacity, HEAD, Head, Header, N, REL, RelProps, more, rolesText, sources, speechColumns, usePage } from './common.jsx';
import { StatusGroups } from './standing.jsx';

const M_ATTENDANCE = `id mode roles capacityStatus note isDelegation headCount
      attendee { ${N} } capacity { ${N} } onBehalfOf { ${N} } head { ${N} }
      headHolderStatus headHolders { person { ${N} } certainty } ${CITE}`;
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
    category ordinal status
    startDate { text } endDate { text }
    series { ${N} } place { ${N} } host { ${N} } organizer { ${N} }
    chairs { id chair { ${N} } ${CITE} }
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

/** How a fact reads from the meeting's side; other kinds by their name. */
const FACT_LABEL = {
  HELD_IN: 'Held in', HOSTED_BY: 'Hosted by', ORGANIZED_BY: 'Organized by', IN_SERIES: 'Series',
  CHAIRED: 'Chaired by', SUB_EVENT_OF: 'Part of', PREPARATORY_FOR: 'Prepared', ABOUT: 'About',
};

const ATTENDEES = [
  ['Attendee', (a) => (
    <>
      <EntityLink node={a.attendee} />
      {a.isDelegation && <span className="tag delegation" title="A delegation; no one in it is named">delegation</span>}
      {a.headCount != null && <span className="muted"> · {a.headCount} people</span>}
    </>
  )],
  ['Mode', (a) => label(a.mode)],
  ['Roles', (a) => rolesText(a.roles)],
  ['Capacity or head', (a) => (a.isDelegation ? <Head a={a} /> : <Capacity a={a} />)],
  ['On behalf of', (a) => <EntityLink node={a.onBehalfOf} fallback="" />],
  sources,
];
const SIGNATORIES = [
  ['Signed by', (s) => <EntityLink node={s.person} />],
  ['Capacity', (s) => <EntityLink node={s.capacity} fallback="" />],
  ['On behalf of', (s) => <EntityLink node={s.onBehalfOf} fallback="" />],
  ['Date', (s) => dateText(s.date)],
  sources,
];
const SPEECHES = speechColumns('person');
const attendeeRow = (a) => ({ 'data-rel': a.id });

export function MeetingPage({ id }) {
  const { node: m, body } = usePage(MEETING, id, (d) => d.meeting);
  if (body) return body;
  const list = (field, sel) => more('meeting', m.id, field, sel);
  return (
    <div className="entity" data-entity={m.id}>
      <Header node={m}>
        <dl className="facts">
          <dt>When</dt>
          <dd><DateRange start={m.startDate} end={m.endDate || m.startDate} /></dd>
          <dt>Status</dt>
          <dd><span className={`tag status-${m.status.toLowerCase()}`}>{label(m.status)}</span>
            {m.status !== 'HELD' && <span className="muted small"> · not counted as held in statistics</span>}</dd>
          {m.chairs.length > 0 && (<><dt>Chair</dt><dd>{m.chairs.map((c, i) => (
            <span key={c.id}>{i > 0 && ', '}<EntityLink node={c.chair} /> <Cite citations={c.citations} /></span>
          ))}</dd></>)}
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
              <p className="small"><a href={entityHref(c.id)}>This conflict's page and history</a></p>
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
        <PagedTable
          className="attendees"
          rows={m.attendances}
          total={m.attendancesCount}
          fetchMore={list('attendances', M_ATTENDANCE)}
          columns={ATTENDEES}
          rowProps={attendeeRow}
        />
      </Section>
      <StatusGroups id={m.id} />
      <Section title="Speeches" count={m.speechesCount} id="speeches">
        <PagedTable rows={m.speeches} total={m.speechesCount} fetchMore={list('speeches', M_SPEECH)} columns={SPEECHES} />
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
                <PagedTable
                  rows={d.signatories}
                  total={d.signatoriesCount}
                  fetchMore={more('document', d.id, 'signatories', D_SIGNATORY)}
                  empty="No signatories recorded."
                  columns={SIGNATORIES}
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
