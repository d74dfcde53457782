// A record's history: its versions newest first (`history(id:)`), each with
// who made it, when, why, the write's kind and a field-level diff, a link to
// its change set, and — for a user who gave a token — "Revert this change"
// (`revert(changeSet:)`), which shows the records in the way when refused.
import { useCallback, useEffect, useRef, useState } from 'react';
import { GraphQLError, gql, mutate, useChangesRefetch, useToken } from './api.js';
import { ErrorBox, Loading, Section, entityHref, label } from './ui.jsx';

/** A change set's own fields, as every view of the log asks for them. */
export const CHANGE_SET = `seq time actor comment source op records reverts`;
/** An entry of a change set, with its field-level diff. */
export const ENTRY = `id entity kind fields { field before after }`;

/** Versions shown at a time; "Older" fetches as many again. */
const STEP = 10;

const HISTORY = `query History($id: ID!, $first: Int, $before: Int) {
  history(id: $id, first: $first, before: $before) {
    hasMore
    items { changeSet { ${CHANGE_SET} } entry { ${ENTRY} } }
  }
}`;

export const changeSetHref = (seq) => `#/changes/${seq}`;

/** The history panel of any record (node, relation, conflict), deleted ones too. */
export function HistoryPanel({ id }) {
  const [state, setState] = useState({ items: [], hasMore: false, loading: true, error: null });
  const seq = useRef(0);
  const load = useCallback(
    async (before) => {
      const n = ++seq.current;
      setState((s) => ({ ...s, loading: true }));
      try {
        const d = await gql(HISTORY, { id, first: STEP, before });
        if (n !== seq.current) return;
        setState((s) => ({
          items: before == null ? d.history.items : [...s.items, ...d.history.items],
          hasMore: d.history.hasMore,
          loading: false,
          error: null,
        }));
      } catch (error) {
        if (n === seq.current) setState((s) => ({ ...s, loading: false, error }));
      }
    },
    [id],
  );
  const reload = useCallback(() => load(null), [load]);
  useEffect(() => {
    reload();
  }, [reload]);
  // A write to this record (a revert included) shows at once.
  useChangesRefetch({ ids: [id] }, reload);
  const { items, hasMore, loading, error } = state;
  const oldest = items.length ? items[items.length - 1].changeSet.seq : null;
  return (
    <Section title="History" id="history">
      {error && <ErrorBox error={error} />}
      {!error && items.length === 0 && (loading ? <Loading /> : <p className="muted">No change recorded.</p>)}
      {items.length > 0 && (
        <ol className="history">
          {items.map((r) => (
            <Revision key={r.changeSet.seq} set={r.changeSet} entry={r.entry} onReverted={reload} />
          ))}
        </ol>
      )}
      {hasMore && (
        <button type="button" className="more older" onClick={() => load(oldest)} disabled={loading}>
          {loading ? 'Loading…' : 'Older versions'}
        </button>
      )}
    </Section>
  );
}

/** One version of a record: the change set that made it and what it changed. */
function Revision({ set, entry, onReverted }) {
  return (
    <li className="revision" data-seq={set.seq}>
      <ChangeSetLine set={set} kind={entry.kind} />
      <FieldDiff fields={entry.fields} />
      <RevertButton seq={set.seq} onDone={onReverted} />
    </li>
  );
}

/** Who, when, why and how: a change set in one line (and its comment below). */
export function ChangeSetLine({ set, kind }) {
  return (
    <div className="cs-line">
      {kind && <span className={`change-kind ${kind.toLowerCase()}`}>{label(kind)}</span>}
      <span className="actor" title="Who made the change">{set.actor}</span>
      <Time iso={set.time} />
      <span className="op" title="What kind of write">{set.op}</span>
      <a className="cs-link" href={changeSetHref(set.seq)} title={`${set.records} record(s) changed`}>
        change set #{set.seq}
      </a>
      {set.reverts != null && (
        <span className="muted">
          reverts <a href={changeSetHref(set.reverts)}>#{set.reverts}</a>
        </span>
      )}
      {set.source && (
        <span className="muted">
          source <a href={entityHref(set.source)}>{set.source}</a>
        </span>
      )}
      {set.comment && <q className="comment">{set.comment}</q>}
    </div>
  );
}

/** A time in the reader's zone; the UTC time on hover. */
export function Time({ iso }) {
  const d = new Date(iso);
  const local = Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <time className="when" dateTime={iso} title={`UTC: ${iso}`}>
      {local}
    </time>
  );
}

/** A field's value as text: strings as they are, anything else as compact JSON. */
const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The field-level diff of an entry: each field, before → after. A list
 * (aliases, citations, notes) shows the items it lost and gained.
 */
export function FieldDiff({ fields }) {
  if (!fields?.length) return <p className="muted small">No field changed.</p>;
  return (
    <dl className="diff">
      {fields.map((f) => (
        <div key={f.field} className="diff-field" data-field={f.field}>
          <dt>{f.field}</dt>
          <dd>
            {Array.isArray(f.before ?? []) && Array.isArray(f.after ?? []) ? (
              <ListDiff before={f.before ?? []} after={f.after ?? []} />
            ) : (
              <>
                {f.before == null ? <span className="muted">not set</span> : <del>{show(f.before)}</del>}
                <span className="arrow"> → </span>
                {f.after == null ? <span className="muted">not set</span> : <ins>{show(f.after)}</ins>}
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ListDiff({ before, after }) {
  const b = before.map(show);
  const a = after.map(show);
  const removed = b.filter((x) => !a.includes(x));
  const added = a.filter((x) => !b.includes(x));
  if (!removed.length && !added.length) return <span className="muted">reordered</span>;
  return (
    <ul className="list-diff">
      {removed.map((x, i) => <li key={`-${i}`}><del>− {x}</del></li>)}
      {added.map((x, i) => <li key={`+${i}`}><ins>+ {x}</ins></li>)}
    </ul>
  );
}

const REVERT = `mutation Revert($changeSet: Int!, $force: Boolean, $comment: String) {
  revert(changeSet: $changeSet, force: $force, comment: $comment) { changeSet { seq } restored }
}`;

/** Calls `revert`: the new change set's number and the records it restored. */
async function revert(variables) {
  const d = await mutate(REVERT, variables);
  return { seq: d.revert.changeSet.seq, restored: d.revert.restored };
}

/**
 * "Revert this change", for a user who gave a token: asks for a comment,
 * then writes the revert. Refused with CONFLICT, it lists each record a
 * later change touched and offers to force the revert. The API does not say
 * a token's role, so every token holder sees "force" and the server decides
 * (forcing is meant for admins).
 */
export function RevertButton({ seq, onDone }) {
  const token = useToken();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [state, setState] = useState({ busy: false, done: null, error: null });
  if (!token) return null;
  const run = async (force) => {
    setState({ busy: true, done: null, error: null });
    try {
      const done = await revert({ changeSet: seq, force, comment: comment.trim() || null });
      setState({ busy: false, done, error: null });
      setOpen(false);
      onDone?.();
    } catch (error) {
      setState({ busy: false, done: null, error });
    }
  };
  const { busy, done, error } = state;
  return (
    <div className="revert">
      {!open && !done && (
        <button type="button" className="revert-open" onClick={() => setOpen(true)}>
          Revert this change
        </button>
      )}
      {open && (
        <form
          className="revert-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(false);
          }}
        >
          <input
            type="text"
            placeholder="Why (kept with the revert)"
            aria-label="Revert comment"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <button type="submit" className="revert-confirm" disabled={busy}>
            {busy ? 'Reverting…' : `Revert change set #${seq}`}
          </button>
          <button type="button" className="ghost" onClick={() => { setOpen(false); setState({ busy: false, done: null, error: null }); }}>
            Cancel
          </button>
        </form>
      )}
      {done && (
        <p className="revert-done">
          Reverted: <a href={changeSetHref(done.seq)}>change set #{done.seq}</a> restored{' '}
          {done.restored.length} record{done.restored.length === 1 ? '' : 's'}.
        </p>
      )}
      {error && <RevertRefused error={error} busy={busy} onForce={() => run(true)} />}
    </div>
  );
}

/**
 * Why a revert was refused: on CONFLICT, every record in the way (the
 * error's `problems`) with the later change set that touched it (its
 * `later`, when the server gives it), and "force".
 */
function RevertRefused({ error, busy, onForce }) {
  const code = error instanceof GraphQLError ? error.code : null;
  if (code !== 'CONFLICT') return <ErrorBox error={error} />;
  const ext = error.errors.map((e) => e.extensions ?? {});
  const problems = ext.flatMap((x) => x.problems ?? []);
  const later = new Map(ext.flatMap((x) => x.later ?? []).map((l) => [l.record, l.changeSet]));
  return (
    <div className="revert-conflict" role="alert">
      <p>
        <strong>Refused:</strong> later changes touched {problems.length === 1 ? 'this record' : 'these records'}.
        Revert those first, or force the revert, which overwrites them.
      </p>
      {problems.length > 0 ? (
        <ul className="conflicts">
          {problems.map((p, i) => (
            <li key={i}>
              <a href={entityHref(p.record)} className="mono">{p.record}</a>
              {later.has(p.record) && (
                <> changed by <a href={changeSetHref(later.get(p.record))} className="later">change set #{later.get(p.record)}</a></>
              )}
              <span className="muted"> — {p.message}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{error.message}</p>
      )}
      <button type="button" className="danger revert-force" onClick={onForce} disabled={busy} title="Overwrites the later changes; the server may keep this for admins">
        Force the revert
      </button>
    </div>
  );
}
