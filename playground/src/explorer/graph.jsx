// The neighbourhood graph (cytoscape.js): click a node to merge its own
// neighbourhood in; filter by relation kind; colour by node kind; pin a node
// where it is or hide it; save the drawing as PNG or SVG; at most MAX_DRAWN
// nodes are drawn. A root with many neighbours gets a summary first
// (graph-summary.jsx). Placement (fcose, no overlaps) is in graph-layout.js.
import { useEffect, useMemo, useRef, useState } from 'react';
import cytoscape from 'cytoscape';
import { gql, subscribeChanges } from './api.js';
import { kinds as knownKinds } from './kinds.js';
import { arrange } from './graph-layout.js';
import { exportPng, exportSvg } from './graph-export.js';
import { GraphSummary, SUMMARY_OVER } from './graph-summary.jsx';
import { ErrorBox, KindBadge, entityHref, kindColor, label } from './ui.jsx';

export const MAX_DRAWN = 300;
const LIMIT = 150;
const NEIGHBORHOOD = `query Neighborhood($id: ID!, $limit: Int!) {
  neighborhood(id: $id, depth: 1, limit: $limit) {
    truncated
    nodes { id kind name relationsCount }
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
  const [hiddenNodes, setHiddenNodes] = useState(() => new Set());
  const [pinned, setPinned] = useState(() => new Set());
  const [edgeLabels, setEdgeLabels] = useState(true);
  // The root's own neighbourhood, as first read: a large one is summarized until "show anyway".
  const [rootHood, setRootHood] = useState(null);
  const [showAll, setShowAll] = useState(false);
  const [selected, setSelected] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const expandedRef = useRef(expanded);
  expandedRef.current = expanded;
  const edgeLabelsRef = useRef(edgeLabels);
  edgeLabelsRef.current = edgeLabels;

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
      if (nodeId === id) setRootHood((h) => h ?? nb);
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
  const summarizing = !showAll && rootHood != null && rootHood.nodes.length - 1 > SUMMARY_OVER;
  const drawn = useMemo(() => {
    if (summarizing) return { nodes: [], edges: [], total: 0 };
    const edges = [...graph.edges.values()].filter(
      (e) => !hidden.has(e.kind) && !hiddenNodes.has(e.source) && !hiddenNodes.has(e.target),
    );
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
  }, [graph, hidden, hiddenNodes, id, summarizing]);

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
        { selector: 'node.pinned', style: { shape: 'round-rectangle', 'border-width': 2, 'border-color': '#f59e0b' } },
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
          selector: 'edge.labelled, edge.hl',
          style: {
            label: 'data(label)',
            'font-size': 7,
            color: '#475569',
            'text-rotation': 'autorotate',
            'text-background-color': '#fff',
            'text-background-opacity': 0.85,
            'text-background-padding': 1,
          },
        },
        {
          // The selected node's relations stand out.
          selector: 'edge.hl',
          style: {
            'font-size': 8,
            color: '#334155',
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
        classes: [expanded.has(n.id) && 'expanded', n.id === id && 'root', pinned.has(n.id) && 'pinned'].filter(Boolean).join(' '),
      })),
      ...drawn.edges.map((e) => ({
        group: 'edges',
        data: { id: e.id, source: e.source, target: e.target, label: label(e.kind) },
        classes: edgeLabelsRef.current ? 'labelled' : '',
      })),
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
    cy.nodes('.pinned').lock();
    const incremental = positions.size > 0 && fresh.length < cy.nodes().length;
    const el = box.current;
    el.dataset.layout = 'running';
    cy.resize();
    arrange(cy, { incremental }, (left) => {
      el.dataset.overlaps = String(left);
      el.dataset.layout = 'done';
    });
    el.dataset.nodes = String(cy.nodes().length);
    el.dataset.edges = String(cy.edges().length);
  }, [drawn, expanded, id]);

  // Edge labels on or off, without moving anything.
  useEffect(() => {
    const cy = cyRef.current;
    if (cy) cy.edges().toggleClass('labelled', edgeLabels);
  }, [edgeLabels]);

  const togglePin = (nid) => {
    const cy = cyRef.current;
    const node = cy?.getElementById(nid);
    const p = new Set(pinned);
    if (p.has(nid)) {
      p.delete(nid);
      node?.unlock().removeClass('pinned');
    } else {
      p.add(nid);
      node?.addClass('pinned').lock();
    }
    setPinned(p);
  };
  const hideNode = (nid) => {
    setHiddenNodes((h) => new Set(h).add(nid));
    setSelected(null);
  };
  const unhide = (nid) =>
    setHiddenNodes((h) => {
      const n = new Set(h);
      n.delete(nid);
      return n;
    });

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
          {summarizing ? 'A large neighbourhood: summarized below, nothing drawn yet.' : (
            <>Drawing {drawn.nodes.length} node{drawn.nodes.length === 1 ? '' : 's'} and {drawn.edges.length} relation{drawn.edges.length === 1 ? '' : 's'}</>
          )}
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
        <div className="graph-tools">
          <label>
            <input type="checkbox" checked={edgeLabels} onChange={(e) => setEdgeLabels(e.target.checked)} /> Relation names
          </label>
          <button type="button" disabled={drawn.nodes.length === 0} onClick={() => exportPng(cyRef.current, id)}>Export PNG</button>
          <button type="button" disabled={drawn.nodes.length === 0} onClick={() => exportSvg(cyRef.current, id)}>Export SVG</button>
          {hiddenNodes.size > 0 && (
            <span className="hidden-nodes">
              Hidden:{' '}
              {[...hiddenNodes].map((nid) => (
                <button type="button" className="chip" key={nid} onClick={() => unhide(nid)} title="Show it again">
                  {graph.nodes.get(nid)?.name ?? nid} ✕
                </button>
              ))}
            </span>
          )}
        </div>
      </section>
      {error && <ErrorBox error={error} />}
      {summarizing && root && (
        <GraphSummary
          root={root}
          nodes={rootHood.nodes}
          truncated={rootHood.truncated}
          relations={rootHood.nodes.find((n) => n.id === id)?.relationsCount ?? rootHood.relations.length}
          onShow={() => setShowAll(true)}
        />
      )}
      <div className="graph-wrap" hidden={summarizing}>
        <div id="cy" ref={box} className="cy" />
        {sel && (
          <aside className="card selected">
            <KindBadge kind={sel.kind} /> <strong>{sel.name}</strong>
            <p className="muted mono small">{sel.id}</p>
            <p>
              <a href={entityHref(sel.id)}>Open page →</a>
            </p>
            <p className="node-actions">
              {expanded.has(sel.id) ? <span>Expanded.</span> : (
                <button type="button" onClick={() => expand(sel.id)}>Expand</button>
              )}
              <button type="button" onClick={() => togglePin(sel.id)}>{pinned.has(sel.id) ? 'Unpin' : 'Pin'}</button>
              {sel.id !== id && (
                <button type="button" onClick={() => hideNode(sel.id)}>Hide</button>
              )}
            </p>
          </aside>
        )}
      </div>
    </div>
  );
}
