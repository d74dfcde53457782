// The state page's own sections, for the questions asked of a state: who
// held its offices over time (a tenure chart per office, from the holders
// and their dated evidence, `Office.holders` ordered by start), and how many
// meetings it hosted and took part in, year by year (`State.hosted`, and
// `stats(state:)` counting the held meetings the `meetings` filter keeps).
import { useQuery } from '../api.js';
import { ErrorBox, Loading, Section } from '../ui.jsx';
import { N } from './common.jsx';
import { TenureChart } from './tenure.jsx';

/** Offices drawn, and holders per office; a state with more says so. */
const OFFICES = 40;
const HOLDERS = 25;
/** Hosted meetings read to count by year. */
const HOSTED = 500;
const BOUND = 'earliest latest certainty';
export const HOLDER = `person { ${N} } tenure { id } acting dates { certainty start { ${BOUND} } end { ${BOUND} } }`;

const OVERVIEW = `query StateOverview($id: ID!) {
  state(id: $id) {
    id officesCount
    offices(first: ${OFFICES}) { ${N} holdersCount holders(orderBy: { field: START }, first: ${HOLDERS}) { ${HOLDER} } }
    hostedCount hosted(first: ${HOSTED}) { id status startDate { earliest } }
  }
  stats(state: $id) { meetingsPerYearTotal { year count } }
}`;

/** Rows `{ year, hosted, tookPart }`, by year; undated hosted meetings are left out. */
export function byYear(hosted, totals) {
  const rows = new Map();
  const row = (y) => rows.get(y) ?? rows.set(y, { year: y, hosted: 0, tookPart: 0 }).get(y);
  for (const m of hosted) {
    const y = Number(m.startDate?.earliest?.slice(0, 4));
    // Only a held meeting counts, as in `stats` (none recorded reads held).
    if (y && m.status === 'HELD') row(y).hosted += 1;
  }
  for (const t of totals) row(t.year).tookPart += t.count;
  return [...rows.values()].sort((a, b) => a.year - b.year);
}

function YearBars({ rows }) {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.hosted, r.tookPart)));
  const bar = (cls, n, what) => (
    <div className={`bar ${cls}`} style={{ width: `${(n / max) * 100}%` }} title={`${n} ${what}`} data-count={n}>
      {n}
    </div>
  );
  return (
    <>
      <p className="muted small year-key">
        <span className="key" style={{ background: '#ea580c' }} />hosted
        <span className="key" style={{ background: '#2563eb' }} />took part (hosted, held there, organized, chaired or attended)
      </p>
      <div className="year-bars" role="figure" aria-label="Meetings hosted and taken part in, by year">
        {rows.map((r) => (
          <div key={r.year} className="year-row" data-year={r.year} style={{ display: 'contents' }}>
            <strong>{r.year}</strong>
            <div className="bars">
              {bar('hosted', r.hosted, 'hosted')}
              {bar('took-part', r.tookPart, 'taken part in')}
            </div>
          </div>
        ))}
      </div>
    </>
  );
}

export function StateOverview({ id }) {
  const q = useQuery(OVERVIEW, { id });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const s = q.data.state;
  if (!s) return null;
  const offices = s.offices.filter((o) => o.holdersCount > 0);
  const years = byYear(s.hosted, q.data.stats.meetingsPerYearTotal);
  return (
    <>
      <Section title="Officials over time" count={offices.reduce((n, o) => n + o.holdersCount, 0)} id="officials">
        {offices.length === 0 ? (
          <p className="muted">No office of this state has a recorded holder.</p>
        ) : (
          <TenureChart
            label="Officials of the state over time"
            groups={offices.map((o) => ({ key: o.id, head: o, rows: o.holders }))}
          />
        )}
        {s.officesCount > OFFICES && <p className="muted">The first {OFFICES} of {s.officesCount} offices.</p>}
        {offices.some((o) => o.holdersCount > HOLDERS) && <p className="muted">At most {HOLDERS} holders an office; its page lists them all.</p>}
      </Section>
      <Section title="Meetings by year" count={years.reduce((n, r) => n + r.tookPart, 0)} id="meetings-by-year">
        {years.length === 0 ? <p className="muted">No dated meeting.</p> : <YearBars rows={years} />}
        {s.hostedCount > HOSTED && <p className="muted">Hosted: counted from the first {HOSTED} of {s.hostedCount}.</p>}
      </Section>
    </>
  );
}
