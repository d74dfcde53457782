// Sections about where things are and who stood where: a place's chain of
// larger places, the places inside it and the meetings held in it or inside
// it; an organization's members, observers and dialogue partners on a date;
// a meeting's attendees grouped by their states' standing on its date.
import { useState } from 'react';
import { CITE, useQuery } from '../api.js';
import { Cite, EntityLink, ErrorBox, Loading, PAGE, PagedTable, Section, dateText, label } from '../ui.jsx';
import { N, more } from './common.jsx';

const P_MEETING = `${N} startDate { text } category`;

const PLACE = `query PlaceInside($id: ID!) {
  place(id: $id) {
    id within { ${N} }
    places(first: ${PAGE}) { ${N} category } placesCount
    meetings(first: ${PAGE}) { ${P_MEETING} place { ${N} } } meetingsCount
    direct: meetingsCount(direct: true)
  }
}`;

/** The place page's own sections: where it lies, what lies in it, what was held there. */
export function PlaceInside({ id }) {
  const q = useQuery(PLACE, { id });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const p = q.data.place;
  if (!p) return null;
  return (
    <>
      {p.within.length > 0 && (
        <p className="card within" data-testid="within">
          Lies in {p.within.map((w, i) => <span key={w.id}>{i > 0 && ' › '}<EntityLink node={w} /></span>)}
        </p>
      )}
      <Section title="Places inside" count={p.placesCount} id="places-inside">
        <PagedTable
          rows={p.places}
          total={p.placesCount}
          fetchMore={more('place', id, 'places', `${N} category`)}
          empty="No places recorded inside this one."
          columns={[['Place', (x) => <EntityLink node={x} />], ['Category', (x) => x.category || '']]}
        />
      </Section>
      <Section title="Meetings here and at places inside" count={p.meetingsCount} id="place-meetings">
        {p.meetingsCount > p.direct && (
          <p className="muted small">{p.direct} held at this place itself, {p.meetingsCount - p.direct} at places inside it.</p>
        )}
        <PagedTable
          className="place-meetings"
          rows={p.meetings}
          total={p.meetingsCount}
          fetchMore={more('place', id, 'meetings', `${P_MEETING} place { ${N} }`)}
          columns={[
            ['Date', (m) => <span className="nowrap">{dateText(m.startDate)}</span>],
            ['Meeting', (m) => <EntityLink node={m} />],
            ['Held at', (m) => <EntityLink node={m.place} fallback="" />],
          ]}
        />
      </Section>
    </>
  );
}

const STATUSES = ['', 'MEMBER', 'OBSERVER', 'DIALOGUE_PARTNER'];
const MEMBERSHIP = `state { ${N} } status since { text } until { text } note ${CITE}`;
const MEMBERS = `query Members($id: ID!, $at: String, $status: MembershipStatus, $first: Int) {
  organization(id: $id) {
    id members(at: $at, status: $status, first: $first) { ${MEMBERSHIP} }
    membersCount(at: $at, status: $status)
  }
}`;

/** An organization's members, observers and dialogue partners, all or on a date. */
export function MembersAt({ id }) {
  const [at, setAt] = useState('');
  const [status, setStatus] = useState('');
  const date = /^\d{4}(-\d{2}(-\d{2})?)?$/.test(at) ? at : null;
  const vars = { id, at: date, status: status || null, first: PAGE };
  const q = useQuery(MEMBERS, vars);
  const o = q.data?.organization;
  const args = `${date ? `at: ${JSON.stringify(date)}, ` : ''}${status ? `status: ${status}, ` : ''}`;
  return (
    <Section title={date ? `Standing on ${date}` : 'Members, observers and partners'} count={o?.membersCount} id="members">
      <form className="members-at" onSubmit={(e) => e.preventDefault()}>
        <label>
          On date <input name="at" placeholder="YYYY-MM-DD" value={at} onChange={(e) => setAt(e.target.value.trim())} size={11} />
        </label>{' '}
        <label>
          Status{' '}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{s ? label(s) : 'any'}</option>)}
          </select>
        </label>
      </form>
      {!o ? (
        q.error ? <ErrorBox error={q.error} /> : <Loading />
      ) : (
        <PagedTable
          key={`${date}:${status}`}
          className="members"
          rows={o.members}
          total={o.membersCount}
          fetchMore={more('organization', id, 'members', MEMBERSHIP, args)}
          empty="No state had a standing then."
          columns={[
            ['State', (m) => <EntityLink node={m.state} />],
            ['Status', (m) => label(m.status)],
            ['Since', (m) => dateText(m.since)],
            ['Until', (m) => dateText(m.until)],
            ['Sources', (m) => <><Cite citations={m.citations} />{m.note && <div className="muted small">{m.note}</div>}</>],
          ]}
        />
      )}
    </Section>
  );
}

const BY_STATUS = `query ByStatus($id: ID!) {
  meeting(id: $id) {
    id organizer { ${N} }
    participantsByStatus { status count states { count state { ${N} } } }
  }
}`;

/** A meeting's attendees grouped by their states' standing in its organization that day. */
export function StatusGroups({ id }) {
  const q = useQuery(BY_STATUS, { id });
  const m = q.data?.meeting;
  if (!m) return q.error ? <ErrorBox error={q.error} /> : null;
  const groups = m.participantsByStatus;
  if (groups.length === 0) return null;
  return (
    <Section title="Attendees by standing on the day" count={groups.length} id="by-status">
      {m.organizer && <p className="muted small">Standing in <EntityLink node={m.organizer} /> on the meeting's date.</p>}
      <table className="by-status">
        <tbody>
          {groups.map((g) => (
            <tr key={g.status || 'none'} data-status={g.status || 'NONE'}>
              <th>{g.status ? label(g.status) : 'no standing known'}</th>
              <td className="nowrap">{g.count}</td>
              <td>
                {g.states.map((s, i) => (
                  <span key={s.state?.id || 'none'}>{i > 0 && ', '}<EntityLink node={s.state} fallback="no state" /></span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
