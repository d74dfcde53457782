// A timeline of meetings: the `meetings` connection, a page at a time,
// newest first unless asked otherwise, kept to a date range and to the
// series, state, organization or place chosen.
import { useEffect, useRef, useState } from 'react';
import { gql, subscribeChanges } from './api.js';
import { DateRange, EntityLink, ErrorBox, Loading } from './ui.jsx';
import { ExportMenu } from './export-menu.jsx';

const PAGE = 20;
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const MEETINGS = `query Timeline($first: Int!, $after: String, $series: ID, $state: ID, $organization: ID, $place: ID,
    $from: String, $to: String, $orderBy: MeetingOrder) {
  meetings(first: $first, after: $after, series: $series, state: $state, organization: $organization, place: $place,
      from: $from, to: $to, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name category
      startDate { text earliest } endDate { text }
      series { id name } place { id name } host { id name }
    }
  }
}`;
const FILTERS = `{
  allSeries(first: 100) { nodes { id name } }
  states(first: 250) { nodes { id name } }
  organizations(first: 250) { nodes { id name } }
  places(first: 250) { nodes { id name } }
}`;

export function Timeline() {
  const [filters, setFilters] = useState({ series: '', state: '', organization: '', place: '', from: '', to: '', order: 'DESC' });
  const [dates, setDates] = useState({ from: '', to: '' });
  const [options, setOptions] = useState(null);
  const [list, setList] = useState({ rows: [], total: null, next: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState(null);
  const vars = {
    series: filters.series || null,
    state: filters.state || null,
    organization: filters.organization || null,
    // A place keeps meetings held there or at any place inside it.
    place: filters.place || null,
    // Meetings whose dates may fall in the range, at each date's precision.
    from: filters.from || null,
    to: filters.to || null,
    orderBy: { field: 'DATE', direction: filters.order },
  };
  const keys = [filters.series, filters.state, filters.organization, filters.place, filters.from, filters.to, filters.order];
  // Only the latest request's answer is shown: an earlier one (filters since changed) may come in last.
  const seq = useRef(0);
  const load = async (after, keep) => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const d = await gql(MEETINGS, { ...vars, first: PAGE, after });
      if (n !== seq.current) return;
      const c = d.meetings;
      setList((prev) => ({
        rows: [...(keep ? prev.rows : []), ...c.nodes],
        total: c.totalCount,
        next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
      }));
      setError(null);
    } catch (e) {
      if (n === seq.current) setError(e);
    } finally {
      if (n === seq.current) setLoading(false);
    }
  };
  useEffect(() => {
    gql(FILTERS).then(setOptions, () => {});
  }, []);
  useEffect(() => {
    load(null, false);
  }, keys);
  // A meeting created, changed or deleted: reload the first page.
  useEffect(() => {
    let timer = null;
    const off = subscribeChanges({ entities: ['meeting'] }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => load(null, false), 200);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, keys);

  let year = null;
  const select = (key, items) => (
    <label>
      {key}{' '}
      <select name={key} value={filters[key]} onChange={(e) => setFilters({ ...filters, [key]: e.target.value })}>
        <option value="">any</option>
        {(items || []).map((o) => (
          <option key={o.id} value={o.id}>{o.name}</option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="timeline">
      <section className="card">
        <h1>Timeline of meetings</h1>
        <div className="filters">
          {select('series', options?.allSeries.nodes)}
          {select('state', options?.states.nodes)}
          {select('organization', options?.organizations.nodes)}
          {select('place', options?.places.nodes)}
        </div>
        <div className="filters">
          {['from', 'to'].map((key) => (
            <label key={key}>
              {key}{' '}
              <input
                name={key}
                placeholder="YYYY[-MM[-DD]]"
                size={11}
                value={dates[key]}
                aria-invalid={dates[key] !== '' && !DATE.test(dates[key])}
                onChange={(e) => {
                  const t = e.target.value.trim();
                  setDates({ ...dates, [key]: t });
                  if (t === '' || DATE.test(t)) setFilters({ ...filters, [key]: t });
                }}
              />
            </label>
          ))}
          <label>
            order{' '}
            <select name="order" value={filters.order} onChange={(e) => setFilters({ ...filters, order: e.target.value })}>
              <option value="DESC">newest first</option>
              <option value="ASC">oldest first</option>
            </select>
          </label>
        </div>
        <ExportMenu
          title="Export these meetings"
          scope={{ series: filters.series, state: filters.state, organization: filters.organization, place: filters.place, from: filters.from, to: filters.to }}
        />
        {list.total != null && (
          <p className="muted">
            {list.total} meeting{list.total === 1 ? '' : 's'}; showing {list.rows.length}.
          </p>
        )}
      </section>
      {error && <ErrorBox error={error} />}
      <ol className="tl">
        {list.rows.map((m) => {
          const y = m.startDate?.earliest?.slice(0, 4) || 'undated';
          const head = y !== year;
          year = y;
          return (
            <li key={m.id} className={head ? 'year-start' : ''}>
              {head && <div className="year">{y}</div>}
              <div className="tl-item card">
                <div className="muted nowrap"><DateRange start={m.startDate} end={m.endDate || m.startDate} /></div>
                <div>
                  <EntityLink node={m} />
                  <div className="muted small">
                    {[m.category, m.series?.name, m.place?.name, m.host && 'hosted by ' + m.host.name].filter(Boolean).join(' · ')}
                  </div>
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      {loading && <Loading what="meetings" />}
      {list.next && !loading && (
        <button type="button" className="more" onClick={() => load(list.next, true)}>
          Load {PAGE} more
        </button>
      )}
    </div>
  );
}
