// The neighbourhood graph (cytoscape.js): click a node to merge its own
// neighbourhood in; filter by relation kind; colour by node kind; at most
// MAX_DRAWN nodes are drawn.
import { useEffect, useMemo, useRef, useState } from 'react';
import cytoscape from 'cytoscape';
import { gql, subscribeChanges } from './api.js';
import { kinds as knownKinds } from './kinds.js';
import { ErrorBox, KindBadge, entityHref, kindColor, label } from './ui.jsx';

export const MAX_DRAWN = 300;
const LIMIT = 150;
const COSE = { nodeRepulsion: () => 20000, idealEdgeLength: () => 90, nodeOverlap: 20, numIter: 1000 };
const NEIGHBORHOOD = `query Neighborhood($id: ID!, $limit: Int!) {
  neighborhood(id: $id, depth: 1, limit: $limit) {
    truncated
    nodes { id kind name }
    relations { id kind from { id } to { id } }
  }
}`;

export default function GraphView({ id }) {
  const box = useRef(null);
  const cyRef = useRef(null);
  const [graph, setGraph] = useState({ nodes: new Map(), edges: new Map(), order: [] });
  const [expanded, setExpanded] = useState(() => new Set());
  const [truncated, setTruncated] = useState([]);
  const [hidden, setHidden] = useState(() => new Set());
  const [selected, setSelected] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const expandedRef = useRef(expanded);
  expandedRef.current = expanded;

  const expand = async (nodeId) => {
    setBusy(true);
    try {
      const d = await gql(NEIGHBORHOOD, { id: nodeId, limit: LIMIT });
      const nb = d.neighborhood;
      setGraph((g) => {
        const nodes = new Map(g.nodes);
        const edges = new Map(g.edges);
        const order = [...g.order];
        for (const n of nb.nodes) {
          if (!nodes.has(n.id)) order.push(n.id);
          nodes.set(n.id, n);
        }
        for (const r of nb.relations) {
          if (r.from && r.to) edges.set(r.id, { id: r.id, kind: r.kind, source: r.from.id, target: r.to.id });
        }
        return { nodes, edges, order };
      });
      setExpanded((s) => new Set(s).add(nodeId));
      if (nb.truncated) setTruncated((t) => (t.includes(nodeId) ? t : [...t, nodeId]));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    expand(id);
  }, [id]);

  // Live: anything touching a drawn node or edge re-reads the expanded nodes.
  useEffect(() => {
    let timer = null;
    const off = subscribeChanges({}, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (const n of expandedRef.current) expand(n);
      }, 300);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, []);
  const kinds = useMemo(() => [...new Set([...graph.edges.values()].map((e) => e.kind))].sort(), [graph]);

  // What to draw: edges of the shown kinds; the root plus nodes they reach,
  // in the order they were found, capped.
  const drawn = useMemo(() => {
    const edges = [...graph.edges.values()].filter((e) => !hidden.has(e.kind));
    const linked = new Set([id]);
    for (const e of edges) {
      linked.add(e.source);
      linked.add(e.target);
    }
    const candidates = graph.order.filter((n) => linked.has(n) && graph.nodes.has(n));
    const keep = new Set(candidates.slice(0, MAX_DRAWN));
    return {
      nodes: [...keep].map((n) => graph.nodes.get(n)),
      edges: edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
      total: candidates.length,
    };
  }, [graph, hidden, id]);

  useEffect(() => {
    if (!box.current) return undefined;
    const cy = cytoscape({
      container: box.current,
      wheelSensitivity: 0.3,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(color)',
            label: 'data(label)',
            'font-size': 9,
            color: '#1e293b',
            'text-valign': 'bottom',
            'text-margin-y': 3,
            'text-wrap': 'ellipsis',
            'text-max-width': 120,
            width: 16,
            height: 16,
          },
        },
        { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#0f172a' } },
        { selector: 'node.root', style: { width: 26, height: 26 } },
        { selector: 'node:selected', style: { 'overlay-opacity': 0.2, 'overlay-color': '#f59e0b' } },
        {
          selector: 'edge',
          style: {
            width: 1.2,
            'line-color': '#94a3b8',
            'target-arrow-color': '#94a3b8',
            'target-arrow-shape': 'triangle',
            'arrow-scale': 0.7,
            'curve-style': 'bezier',
          },
        },
        {
          // Relation names only around the selected node, to keep it readable.
          selector: 'edge.hl',
          style: {
            label: 'data(label)',
            'font-size': 8,
            color: '#334155',
            'text-rotation': 'autorotate',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            'line-color': '#f59e0b',
            'target-arrow-color': '#f59e0b',
            width: 2,
          },
        },
      ],
    });
    cy.on('tap', 'node', (ev) => {
      const nid = ev.target.id();
      setSelected(nid);
      cy.edges().removeClass('hl');
      ev.target.connectedEdges().addClass('hl');
      if (!expandedRef.current.has(nid)) expand(nid);
    });
    cyRef.current = cy;
    window.__attacheCy = cy; // for the browser tests
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const elements = [
      ...drawn.nodes.map((n) => ({
        group: 'nodes',
        data: { id: n.id, label: n.name, kind: n.kind, color: kindColor(n.kind) },
        classes: [expanded.has(n.id) ? 'expanded' : '', n.id === id ? 'root' : ''].join(' ').trim(),
      })),
      ...drawn.edges.map((e) => ({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: label(e.kind) } })),
    ];
    const positions = new Map(cy.nodes().map((n) => [n.id(), { ...n.position() }]));
    const sel = cy.$('node:selected').id();
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements);
    });
    if (sel) cy.getElementById(sel).select().connectedEdges().addClass('hl');
    // Keep known nodes where they were; start new ones around a known
    // neighbour, then let cose settle everything.
    const fresh = cy.nodes().filter((n) => !positions.has(n.id()));
    cy.nodes().forEach((n) => positions.has(n.id()) && n.position(positions.get(n.id())));
    fresh.forEach((n, i) => {
      const anchor = n.neighborhood('node').filter((m) => positions.has(m.id())).first();
      const c = anchor.nonempty() ? positions.get(anchor.id()) : { x: 0, y: 0 };
      const a = (i * 2.39996) % (2 * Math.PI); // golden angle: spread evenly
      n.position({ x: c.x + 80 * Math.cos(a), y: c.y + 80 * Math.sin(a) });
    });
    const incremental = positions.size > 0 && fresh.length < cy.nodes().length;
    const layout = cy.layout({ name: 'cose', animate: false, randomize: !incremental, fit: true, padding: 30, ...COSE });
    layout.run();
    box.current.dataset.nodes = String(cy.nodes().length);
    box.current.dataset.edges = String(cy.edges().length);
  }, [drawn, expanded, id]);

  const sel = selected && graph.nodes.get(selected);
  const root = graph.nodes.get(id);
  return (
    <div className="graph-page">
      <section className="card graph-head">
        <h1>
          Neighbourhood of {root ? <a href={entityHref(id)}>{root.name}</a> : id}
        </h1>
        <p className="muted small">
          Click a node to expand it (its neighbourhood is merged in). {busy && 'Loading…'}
        </p>
        <p className="graph-status" data-capped={drawn.total > drawn.nodes.length ? 'yes' : 'no'}>
          Drawing {drawn.nodes.length} node{drawn.nodes.length === 1 ? '' : 's'} and {drawn.edges.length} relation{drawn.edges.length === 1 ? '' : 's'}
          {drawn.total > drawn.nodes.length && (
            <strong className="warn"> — capped: {drawn.total} nodes are known, only the first {MAX_DRAWN} are drawn.</strong>
          )}
          {truncated.length > 0 && (
            <span className="warn"> The server cut {truncated.length} neighbourhood{truncated.length === 1 ? '' : 's'} short at {LIMIT} nodes.</span>
          )}
        </p>
        {kinds.length > 0 && (
          <fieldset className="kind-filter">
            <legend>Relations</legend>
            {kinds.map((k) => (
              <label key={k}>
                <input
                  type="checkbox"
                  checked={!hidden.has(k)}
                  onChange={() => {
                    const h = new Set(hidden);
                    if (h.has(k)) h.delete(k);
                    else h.add(k);
                    setHidden(h);
                  }}
                />{' '}
                {label(k)}
              </label>
            ))}
          </fieldset>
        )}
        <p className="legend">
          {knownKinds().node.map((k) => (
            <KindBadge key={k} kind={k} />
          ))}
        </p>
      </section>
      {error && <ErrorBox error={error} />}
      <div className="graph-wrap">
        <div id="cy" ref={box} className="cy" />
        {sel && (
          <aside className="card selected">
            <KindBadge kind={sel.kind} /> <strong>{sel.name}</strong>
            <p className="muted mono small">{sel.id}</p>
            <p>
              <a href={entityHref(sel.id)}>Open page →</a>
            </p>
            <p>
              {expanded.has(sel.id) ? 'Expanded.' : (
                <button type="button" onClick={() => expand(sel.id)}>Expand</button>
              )}
            </p>
          </aside>
        )}
      </div>
    </div>
  );
}
