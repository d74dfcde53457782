// Small shared pieces: links to entities, citations, paging, dates.
import { useEffect, useState } from 'react';
import { kinds } from './kinds.js';

/** Badge colours, given to the node kinds in the schema's order (see kinds.js). */
const PALETTE = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#dc2626', '#db2777', '#0891b2', '#65a30d', '#ca8a04', '#64748b'];

/** The colour of a node kind (any case); grey for a kind not known. */
export function kindColor(kind) {
  const i = kinds().node.indexOf((kind || '').toUpperCase());
  return i < 0 ? '#475569' : PALETTE[i % PALETTE.length];
}

export const kindOf = (id) => (id || '').split(':')[0];
export const entityHref = (id) => `#/entity/${encodeURIComponent(id)}`;

export function KindBadge({ kind }) {
  const k = (kind || '').toLowerCase();
  return (
    <span className="kind" style={{ background: kindColor(k) }}>
      {k}
    </span>
  );
}

export function EntityLink({ node, fallback = '—' }) {
  if (!node) return <span className="muted">{fallback}</span>;
  return (
    <a className="entity-link" href={entityHref(node.id)} title={node.id}>
      {node.name || node.id}
    </a>
  );
}

export const dateText = (d) => (d ? d.text : '');
export function DateRange({ start, end, open = '…' }) {
  if (!start && !end) return <span className="muted">date unknown</span>;
  if (start && end && start.text === end.text) return <span>{start.text}</span>;
  return (
    <span>
      {start ? start.text : '?'} – {end ? end.text : open}
    </span>
  );
}

export const label = (s) => (s ? s.toLowerCase().replace(/_/g, ' ') : '');

/**
 * The sources of a fact, each one click away: a numbered link to the source
 * (its URL when it has one, else its page), with a popover giving the title,
 * the locator and the URL.
 */
export function Cite({ citations }) {
  if (!citations || citations.length === 0) return <span className="muted cite-none">no source</span>;
  return (
    <span className="cites">
      {citations.map((c, i) => {
        const title = c.source?.title || c.sourceId;
        const url = c.source?.url;
        return (
          <span className="cite" key={c.sourceId + (c.locator || '') + i}>
            <a
              className="source-link"
              href={url || entityHref(c.sourceId)}
              target={url ? '_blank' : undefined}
              rel={url ? 'noopener noreferrer' : undefined}
              title={`${title}${c.locator ? ' — ' + c.locator : ''}${url ? '\n' + url : ''}`}
            >
              [{i + 1}]
            </a>
            <span className="pop" role="tooltip">
              <strong>{title}</strong>
              {c.locator && <span className="loc">at {c.locator}</span>}
              {url && (
                <a href={url} target="_blank" rel="noopener noreferrer" className="url">
                  {url}
                </a>
              )}
              <a href={entityHref(c.sourceId)}>source record →</a>
            </span>
          </span>
        );
      })}
    </span>
  );
}

/** Rows a server-paged list fetches at a time (`first`). */
export const PAGE = 25;

/**
 * Shows a list the server pages: `rows` came with the page (its first
 * `pageSize`), `total` is the list's count, and "more" asks `fetchMore(offset,
 * pageSize)` for the next rows. A new `rows` (the page refetched) starts over.
 */
export function ServerPaged({ rows, total, fetchMore, pageSize = PAGE, render, empty = 'None recorded.' }) {
  const [extra, setExtra] = useState([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => setExtra([]), [rows]);
  const items = [...(rows || []), ...extra];
  if (items.length === 0) return <p className="muted">{empty}</p>;
  const left = total - items.length;
  const more = async () => {
    setLoading(true);
    try {
      const next = await fetchMore(items.length, pageSize);
      setExtra((e) => [...e, ...next]);
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      {render(items)}
      {left > 0 && (
        <button type="button" className="more" onClick={more} disabled={loading}>
          {loading ? 'Loading…' : `Show ${Math.min(pageSize, left)} more (${left} left)`}
        </button>
      )}
    </>
  );
}

/**
 * A server-paged list shown as a table (see `ServerPaged` for the paging).
 * `columns` are `[heading, cell(row), tdClassName?]`; with no heading at all
 * the table has no head row. `rowProps(row)` adds attributes to a row.
 */
export function PagedTable({ columns, className, rowProps, ...paged }) {
  const head = columns.some(([h]) => h);
  return (
    <ServerPaged
      {...paged}
      render={(rows) => (
        <table className={className}>
          {head && (
            <thead>
              <tr>{columns.map(([h], i) => <th key={i}>{h}</th>)}</tr>
            </thead>
          )}
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} {...rowProps?.(r)}>
                {columns.map(([, cell, cls], i) => <td key={i} className={cls}>{cell(r)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    />
  );
}

export function Section({ title, count, children, id }) {
  return (
    <section className="card" id={id}>
      <h2>
        {title}
        {count != null && <span className="count">{count}</span>}
      </h2>
      {children}
    </section>
  );
}

export function Loading({ what = '' }) {
  return <p className="muted loading">Loading{what ? ' ' + what : ''}…</p>;
}

export function ErrorBox({ error }) {
  return <p className="error">Error: {String(error?.message || error)}</p>;
}
