// The dashboard's filter: a date range (a year, a month or a day at either
// end) and a series. It drives every chart: the values go to the server as
// the meeting filters `stats`, `topPairs` and `centrality` take, and into the
// address (`#/dashboard?from=&to=&series=`), so a filtered view can be shared.
import { useState } from 'react';

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** The filter an address gives (`from`, `to`, `series`), ignoring malformed dates. */
export function filterFromParams(params) {
  const get = (k) => params?.get(k) || '';
  const date = (k) => (DATE.test(get(k)) ? get(k) : '');
  return { from: date('from'), to: date('to'), series: get('series') };
}

function toAddress(f) {
  const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
  history.replaceState(null, '', `#/dashboard${qs ? '?' + qs : ''}`);
}

export function DashboardFilter({ value, onChange, series }) {
  const [text, setText] = useState({ from: value.from, to: value.to });
  const set = (next) => {
    onChange(next);
    toAddress(next);
  };
  const date = (key, what) => {
    const bad = text[key] !== '' && !DATE.test(text[key]);
    return (
      <label>
        {what}{' '}
        <input
          name={key}
          placeholder="YYYY[-MM[-DD]]"
          size={11}
          value={text[key]}
          aria-invalid={bad}
          onChange={(e) => {
            const t = e.target.value.trim();
            setText({ ...text, [key]: t });
            if (t === '' || DATE.test(t)) set({ ...value, [key]: t });
          }}
        />
      </label>
    );
  };
  return (
    <form className="filters dashboard-filter" onSubmit={(e) => e.preventDefault()} aria-label="Filter every chart">
      {date('from', 'From')}
      {date('to', 'to')}
      <label>
        Series{' '}
        <select name="series" value={value.series} onChange={(e) => set({ ...value, series: e.target.value })}>
          <option value="">any</option>
          {series.nodes.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
        </select>
      </label>
      {(value.from || value.to || value.series) && (
        <button
          type="button"
          className="ghost"
          onClick={() => {
            setText({ from: '', to: '' });
            set({ from: '', to: '', series: '' });
          }}
        >
          Clear
        </button>
      )}
      {series.totalCount > series.nodes.length && <span className="muted small">first {series.nodes.length} of {series.totalCount} series</span>}
    </form>
  );
}
