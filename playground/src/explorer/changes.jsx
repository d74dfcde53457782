// The change log in the explorer: "Recent changes" (`#/changes`, newest
// first, filtered by actor, entity kind and record id through the hash's
// query string) and one change set (`#/changes/<seq>`) with its entries,
// each a link to its record and a field-level diff.
//
// `changes` reads the log oldest first from `after`; the newest change sets
// are read back a window at a time below the log's end (the `last` of a read
// that reached it), and shown newest first.
import { useCallback, useEffect, useRef, useState } from 'react';
import { gql, useQuery } from './api.js';
import { CHANGE_SET, ChangeSetLine, ENTRY, FieldDiff, RevertButton, Time, changeSetHref } from './history.jsx';
import { kinds } from './kinds.js';
import { ErrorBox, KindBadge, Loading, PAGE, Section, ServerPaged, entityHref, label } from './ui.jsx';

const CHANGES = `query Changes($after: Int, $first: Int, $actor: String, $entity: String, $id: ID, $from: String) {
  changes(after: $after, first: $first, actor: $actor, entity: $entity, id: $id, from: $from) {
    items { ${CHANGE_SET} entries(first: 3) { id entity kind } entriesCount }
    hasMore last
  }
}`;

/** The most change sets one `changes` read returns. */
const READ = 1000;

/**
 * A date after any change set: a read from then finds none and says where
 * it stopped, the log's end (whatever the browser's clock says).
 */
const FUTURE = '9999-12-31';

/** The number of the log's last change set. */
async function logEnd() {
  const d = await gql(CHANGES, { from: FUTURE, first: 1 });
  return d.changes.last ?? 0;
}

/**
 * Change sets matching `filters` numbered at most `hi`, newest first: at
 * least `want` of them unless fewer remain. Returns them and the bound for
 * the next older page (0 when none is left).
 */
async function olderThan(filters, hi, want) {
  const out = [];
  let width = Math.max(want * 2, 64);
  while (hi > 0 && out.length < want) {
    const lo = Math.max(0, hi - width);
    const got = [];
    let after = lo;
    for (;;) {
      const d = await gql(CHANGES, { ...filters, after, first: READ });
      const page = d.changes;
      got.push(...page.items.filter((c) => c.seq <= hi));
      const tail = page.items[page.items.length - 1];
      if (!page.hasMore || !tail || tail.seq >= hi) break;
      after = page.last;
    }
    got.reverse();
    const room = want - out.length;
    if (got.length > room) {
      out.push(...got.slice(0, room));
      return { items: out, next: out[out.length - 1].seq - 1 };
    }
    out.push(...got);
    hi = lo;
    // Nothing in this window: look further back at once.
    if (got.length === 0) width *= 4;
  }
  return { items: out, next: hi };
}

function parseFilters(params) {
  const f = {};
  for (const k of ['actor', 'entity', 'id']) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  return f;
}

/** Recent changes: the log newest first, a page at a time, with filters. */
export function RecentChanges({ params }) {
  const filters = parseFilters(params);
  const key = JSON.stringify(filters);
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null });
  const run = useRef(0);
  const load = useCallback(
    async (hi) => {
      const n = ++run.current;
      setState((s) => ({ ...s, loading: true }));
      try {
        const f = JSON.parse(key);
        const top = hi ?? (await logEnd());
        const page = await olderThan(f, top, PAGE);
        if (n !== run.current) return;
        setState((s) => ({ items: hi == null ? page.items : [...s.items, ...page.items], next: page.next, loading: false, error: null }));
      } catch (error) {
        if (n === run.current) setState((s) => ({ ...s, loading: false, error }));
      }
    },
    [key],
  );
  useEffect(() => {
    load(null);
  }, [load]);
  const { items, next, loading, error } = state;
  return (
    <div className="changes-view">
      <Section title="Recent changes">
        <ChangeFilters filters={filters} />
        {error && <ErrorBox error={error} />}
        {!error && items.length === 0 && (loading ? <Loading /> : <p className="muted">No change set matches.</p>)}
        {items.length > 0 && (
          <table className="changes">
            <thead>
              <tr><th>#</th><th>When</th><th>Who</th><th>Write</th><th>Records</th><th>Why</th></tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.seq} data-seq={c.seq}>
                  <td><a href={changeSetHref(c.seq)}>#{c.seq}</a></td>
                  <td className="nowrap"><Time iso={c.time} /></td>
                  <td className="actor">{c.actor}</td>
                  <td>{c.op}{c.reverts != null && <> of <a href={changeSetHref(c.reverts)}>#{c.reverts}</a></>}</td>
                  <td className="records">
                    {c.entries.map((e) => (
                      <span key={e.id} className="rec">
                        <span className={`change-kind ${e.kind.toLowerCase()}`}>{label(e.kind)}</span>{' '}
                        <a href={entityHref(e.id)} data-entity-kind={e.entity}>{e.id}</a>
                      </span>
                    ))}
                    {c.entriesCount > c.entries.length && (
                      <a href={changeSetHref(c.seq)} className="muted"> and {c.entriesCount - c.entries.length} more</a>
                    )}
                  </td>
                  <td>{c.comment && <q className="comment">{c.comment}</q>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {next > 0 && items.length > 0 && (
          <button type="button" className="more older" onClick={() => load(next)} disabled={loading}>
            {loading ? 'Loading…' : 'Older changes'}
          </button>
        )}
      </Section>
    </div>
  );
}

/** The filter form; applying it rewrites the hash, so a filtered view is a link. */
function ChangeFilters({ filters }) {
  const [f, setF] = useState(filters);
  const k = kinds();
  const entities = [...(k.node ?? []), ...(k.relation ?? []), 'CONFLICT', 'REDIRECT'].map((x) => x.toLowerCase());
  const apply = (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [name, v] of Object.entries(f)) if (v?.trim()) q.set(name, v.trim());
    const qs = q.toString();
    location.hash = `#/changes${qs ? '?' + qs : ''}`;
  };
  const field = (name, text, extra = {}) => (
    <label>
      {text}{' '}
      <input type="text" name={name} value={f[name] ?? ''} onChange={(e) => setF({ ...f, [name]: e.target.value })} {...extra} />
    </label>
  );
  return (
    <form className="filters change-filters" onSubmit={apply}>
      {field('actor', 'Who', { placeholder: 'token name, seed, cli:…' })}
      {field('entity', 'Kind', { placeholder: 'person, attended, conflict…', list: 'entity-kinds' })}
      <datalist id="entity-kinds">
        {entities.map((x) => <option key={x} value={x} />)}
      </datalist>
      {field('id', 'Record', { placeholder: 'person:…' })}
      <button type="submit">Filter</button>
      {Object.keys(filters).length > 0 && <a href="#/changes" className="button ghost">Clear</a>}
    </form>
  );
}

const ONE = `query ChangeSet($after: Int, $first: Int) {
  changes(after: $after, first: 1) { items { ${CHANGE_SET} entries(first: $first) { ${ENTRY} } entriesCount } }
}`;
const MORE = `query Entries($after: Int, $first: Int, $offset: Int) {
  changes(after: $after, first: 1) { items { seq entries(first: $first, offset: $offset) { ${ENTRY} } } }
}`;

/** One change set: who, when, why, and every record it changed with the diff. */
export function ChangeSetView({ seq }) {
  const n = Number(seq);
  const q = useQuery(ONE, { after: n - 1, first: PAGE });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const set = q.data.changes.items.find((c) => c.seq === n);
  if (!set) return <p className="error card">The log holds no change set #{seq}.</p>;
  const fetchMore = (offset, first) =>
    gql(MORE, { after: n - 1, first, offset }).then((d) => d.changes.items.find((c) => c.seq === n)?.entries ?? []);
  return (
    <div className="change-set" data-seq={n}>
      <header className="card">
        <h1>Change set #{n}</h1>
        <ChangeSetLine set={set} />
        <p className="muted">
          {set.entriesCount} record{set.entriesCount === 1 ? '' : 's'} changed ·{' '}
          <a href={`#/changes?actor=${encodeURIComponent(set.actor)}`}>more by {set.actor}</a>
        </p>
        <RevertButton seq={n} onDone={q.refetch} />
      </header>
      <Section title="Records" count={set.entriesCount}>
        <ServerPaged
          rows={set.entries}
          total={set.entriesCount}
          fetchMore={fetchMore}
          render={(entries) => (
            <ol className="entries">
              {entries.map((e) => (
                <li key={e.id} className="entry" data-id={e.id}>
                  <span className={`change-kind ${e.kind.toLowerCase()}`}>{label(e.kind)}</span>{' '}
                  <KindBadge kind={e.entity} /> <a href={entityHref(e.id)} className="mono">{e.id}</a>
                  <FieldDiff fields={e.fields} />
                </li>
              ))}
            </ol>
          )}
        />
      </Section>
    </div>
  );
}
