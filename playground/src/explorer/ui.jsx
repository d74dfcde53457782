// Small shared pieces: links to entities, citations, paging, dates.
import { useEffect, useState } from 'react';

export const KIND_COLORS = {
  person: '#2563eb',
  state: '#16a34a',
  organization: '#9333ea',
  office: '#ea580c',
  meeting: '#dc2626',
  series: '#db2777',
  document: '#0891b2',
  place: '#65a30d',
  topic: '#ca8a04',
  source: '#64748b',
};

export const kindOf = (id) => (id || '').split(':')[0];
export const entityHref = (id) => `#/entity/${encodeURIComponent(id)}`;

export function KindBadge({ kind }) {
  const k = (kind || '').toLowerCase();
  return (
    <span className="kind" style={{ background: KIND_COLORS[k] || '#475569' }}>
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
