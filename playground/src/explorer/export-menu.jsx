// The "Export" menu (issue 15): downloads, through `GET /export`, this
// entity's neighbourhood (one or two relations away) or the meetings the
// timeline's filters keep, in a format chosen from the list. The token given
// in the top bar goes with the request (exports need one that may write);
// CSV, a directory of files, offers its files (`exportParts`) to pick one.
import { useEffect, useState } from 'react';
import { getToken, gql } from './api.js';

const FORMATS = [
  ['attache', 'Attaché JSON (lossless)'],
  ['ftm', 'FollowTheMoney (JSON lines)'],
  ['popolo', 'Popolo JSON'],
  ['graphml', 'GraphML'],
  ['gexf', 'GEXF (Gephi)'],
  ['csv', 'CSV (a file per kind)'],
  ['jsonld', 'JSON-LD'],
];

const PARTS = `query Parts($format: Format!, $around: ID, $hops: Int, $meetings: MeetingScope) {
  exportParts(format: $format, around: $around, hops: $hops, meetings: $meetings)
}`;

/** Offers `blob` to the browser as a download called `name`. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name the server gives in Content-Disposition, or `fallback`. */
function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return m ? m[1] : fallback;
}

/** Fetches one export file and offers it as a download; throws the server's message. */
async function fetchExport(params) {
  const headers = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`/export?${new URLSearchParams(params)}`, { headers });
  if (!res.ok) {
    let message = `the export failed (HTTP ${res.status})`;
    try {
      message = (await res.json()).errors[0].message;
    } catch {
      /* not a JSON answer: keep the status */
    }
    if (res.status === 401) message += ' — give a token that may write in the top bar';
    throw new Error(message);
  }
  save(await res.blob(), fileName(res, 'attache-export'));
}

/** The scope as GraphQL `exportParts` takes it. */
function gqlScope(scope) {
  if (scope.around) return { around: scope.around, hops: Number(scope.hops) };
  const { meetings: _all, ...filters } = scope;
  return { meetings: filters };
}

/**
 * `scope`: `{ around: id }` (a hops choice is offered) or the meeting
 * filters (`{ from, to, state, … }`, empty ones dropped).
 */
export function ExportMenu({ scope, title = 'Export' }) {
  const [format, setFormat] = useState('attache');
  const [hops, setHops] = useState('1');
  const [state, setState] = useState({ busy: false, error: null, done: null });
  const [parts, setParts] = useState({ key: null, list: [], part: '' });
  const around = scope.around != null;
  const kept = Object.fromEntries(Object.entries(scope).filter(([, v]) => v != null && v !== ''));
  const base = around ? { ...kept, hops } : Object.keys(kept).length ? kept : { meetings: 'all' };
  const key = JSON.stringify(base);
  // CSV: the files this scope's export is made of, to pick one.
  useEffect(() => {
    if (format !== 'csv' || parts.key === key) return;
    gql(PARTS, { format: 'CSV', ...gqlScope(base) }).then(
      (d) => setParts({ key, list: d.exportParts, part: d.exportParts[0] || '' }),
      (e) => setState({ busy: false, error: e.message, done: null }),
    );
  }, [format, key]);
  const run = async () => {
    setState({ busy: true, error: null, done: null });
    try {
      await fetchExport(format === 'csv' ? { format, part: parts.part, ...base } : { format, ...base });
      setState({ busy: false, error: null, done: 1 });
    } catch (e) {
      setState({ busy: false, error: e.message, done: null });
    }
  };
  return (
    <details className="export-menu">
      <summary className="button ghost">{title}</summary>
      <div className="export-panel card">
        <label>
          format{' '}
          <select name="export-format" value={format} onChange={(e) => setFormat(e.target.value)}>
            {FORMATS.map(([v, l]) => (
              <option key={v} value={v}>{l}</option>
            ))}
          </select>
        </label>
        {around && (
          <label>
            reach{' '}
            <select name="export-hops" value={hops} onChange={(e) => setHops(e.target.value)}>
              <option value="1">one relation away</option>
              <option value="2">two relations away</option>
            </select>
          </label>
        )}
        {format === 'csv' && (
          <label>
            file{' '}
            <select name="export-part" value={parts.part} onChange={(e) => setParts({ ...parts, part: e.target.value })}>
              {parts.list.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="export-download" disabled={state.busy || (format === 'csv' && !parts.part)} onClick={run}>
          {state.busy ? 'Exporting…' : 'Download'}
        </button>
        {state.done != null && <span className="muted export-done">Downloaded.</span>}
        {state.error && <p className="error export-error">{state.error}</p>}
      </div>
    </details>
  );
}
