import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './style.css';
import { gql, useLiveState, useTokenNeeded } from './api.js';
import { EntityPage } from './entity.jsx';
import { loadKinds } from './kinds.js';
import { ChangeSetView, RecentChanges } from './changes.jsx';
import { Timeline } from './timeline.jsx';
import { TokenButton, TokenPrompt } from './token.jsx';
import { KindBadge, Loading, entityHref } from './ui.jsx';

// Heavy views load on demand, each in its own chunk.
const GraphView = lazy(() => import('./graph.jsx'));
const Dashboard = lazy(() => import('./dashboard.jsx'));

/** `#/route/arg?name=value…`: the route, its argument and the query string's parameters. */
function parseHash() {
  const [path, qs = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [route, ...rest] = decodeURIComponent(path).split('/');
  return { route: route || 'home', arg: rest.join('/'), params: new URLSearchParams(qs) };
}

function useRoute() {
  const [r, setR] = useState(parseHash);
  useEffect(() => {
    const on = () => {
      setR(parseHash());
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return r;
}

const SEARCH = `query Search($text: String!) {
  search(text: $text, first: 8) { node { id kind name } matched score }
}`;

function SearchBox({ autoFocus }) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const t = text.trim();
    if (!t) {
      setHits([]);
      return undefined;
    }
    const n = ++seq.current;
    const timer = setTimeout(async () => {
      try {
        const d = await gql(SEARCH, { text: t });
        if (n === seq.current) {
          setHits(d.search);
          setActive(0);
          setOpen(true);
        }
      } catch {
        if (n === seq.current) setHits([]);
      }
    }, 180);
    return () => clearTimeout(timer);
  }, [text]);
  const go = (hit) => {
    if (!hit) return;
    location.hash = entityHref(hit.node.id);
    setOpen(false);
    setText('');
  };
  return (
    <div className="search" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <input
        type="search"
        placeholder="Search people, meetings, offices… any spelling"
        aria-label="Search"
        value={text}
        autoFocus={autoFocus}
        onChange={(e) => setText(e.target.value)}
        onFocus={() => hits.length && setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') { setActive((a) => Math.min(a + 1, hits.length - 1)); e.preventDefault(); }
          else if (e.key === 'ArrowUp') { setActive((a) => Math.max(a - 1, 0)); e.preventDefault(); }
          else if (e.key === 'Enter') go(hits[active]);
          else if (e.key === 'Escape') setOpen(false);
        }}
      />
      {open && text.trim() && (
        <ul className="hits" role="listbox">
          {hits.length === 0 && <li className="muted">No match.</li>}
          {hits.map((h, i) => (
            <li key={h.node.id} className={i === active ? 'active' : ''}>
              <a className="search-hit" href={entityHref(h.node.id)} onClick={() => setOpen(false)} onMouseEnter={() => setActive(i)}>
                <KindBadge kind={h.node.kind} /> <strong>{h.node.name}</strong>
                {h.matched !== h.node.name && <span className="muted"> — matched “{h.matched}”</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function LiveDot() {
  const s = useLiveState();
  if (s === 'off') return <span className="live" data-live="off" />;
  return (
    <span className={`live live-${s}`} data-live={s} title={s === 'on' ? 'Live updates on' : 'Live updates ' + s}>
      ● {s === 'on' ? 'live' : s}
    </span>
  );
}

function Home() {
  const [counts, setCounts] = useState(null);
  useEffect(() => {
    gql('{ counts { nodes relations conflicts byKind { kind count } } }').then((d) => setCounts(d.counts), () => {});
  }, []);
  return (
    <div className="home">
      <section className="card hero">
        <h1>Attaché</h1>
        <p>A knowledge graph of diplomatic meetings: who met whom, in which capacity, on whose behalf — every fact with its source.</p>
        <SearchBox autoFocus />
        <p className="muted small">Try “Assylov”, “Асылов”, “prosecutors general”, “Astana”.</p>
      </section>
      {counts && (
        <section className="card">
          <h2>In the graph</h2>
          <p>
            {counts.nodes} records, {counts.relations} relations, {counts.conflicts} recorded conflicts between sources.
          </p>
          <p className="kinds">
            {counts.byKind.map((k) => (
              <span key={k.kind}><KindBadge kind={k.kind} /> {k.count}</span>
            ))}
          </p>
        </section>
      )}
      <section className="card">
        <h2>Start here</h2>
        <ul className="plain">
          <li><a href={entityHref('meeting:sco-prosecutors-general-20')}>20th Meeting of the Prosecutors General of the SCO Member States</a></li>
          <li><a href={entityHref('person:berik-asylov')}>Berik Asylov</a></li>
          <li><a href="#/timeline">Timeline of meetings</a> · <a href="#/dashboard">Dashboard</a> · <a href="#/changes">Recent changes</a> · <a href="/playground">GraphiQL</a></li>
        </ul>
      </section>
    </div>
  );
}

function App() {
  const { route, arg, params } = useRoute();
  const needToken = useTokenNeeded();
  let page;
  if (route === 'entity' && arg) page = <EntityPage key={arg} id={arg} />;
  else if (route === 'graph' && arg) page = <GraphView key={arg} id={arg} />;
  else if (route === 'timeline') page = <Timeline />;
  else if (route === 'dashboard') page = <Dashboard params={params} />;
  else if (route === 'changes' && arg) page = <ChangeSetView key={arg} seq={arg} />;
  else if (route === 'changes') page = <RecentChanges key={params.toString()} params={params} />;
  else page = <Home />;
  useEffect(() => {
    document.title = `Attaché · ${route === 'home' ? 'Explorer' : route}${arg ? ' · ' + arg : ''}`;
  }, [route, arg]);
  return (
    <>
      <nav className="top">
        <a href="#/" className="brand">Attaché</a>
        {route !== 'home' && <SearchBox />}
        <span className="spacer" />
        <a href="#/timeline" className={route === 'timeline' ? 'on' : ''}>Timeline</a>
        <a href="#/dashboard" className={route === 'dashboard' ? 'on' : ''}>Dashboard</a>
        <a href="#/changes" className={route === 'changes' ? 'on' : ''}>Changes</a>
        <a href="/playground">GraphiQL</a>
        <TokenButton />
        <LiveDot />
      </nav>
      <main>
        {needToken ? <TokenPrompt /> : <Suspense fallback={<Loading />}>{page}</Suspense>}
      </main>
    </>
  );
}

// The kinds first (one small request), so every page can read them at once.
loadKinds().then(() => createRoot(document.getElementById('app')).render(<App />));
