// How the graph view places its nodes: cytoscape's fcose force layout, sized
// with the labels, then a pass that pushes apart any two nodes whose boxes
// (label included) still touch, so no node or label hides another. Pinned
// nodes stay where they are: fcose keeps them fixed and the pass moves only
// the other node of a pair.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);

/** Space left between two nodes' boxes, in model pixels. */
const GAP = 6;
/** Rounds of the overlap pass; each separates every overlapping pair once. */
const ROUNDS = 300;

/** The fcose options for these nodes: `incremental` keeps the drawn ones near where they are. */
export function layoutOptions(cy, { incremental }) {
  const pinned = cy.nodes('.pinned').map((n) => ({ nodeId: n.id(), position: { ...n.position() } }));
  return {
    name: 'fcose',
    quality: 'proof',
    randomize: !incremental,
    animate: false,
    fit: false,
    nodeDimensionsIncludeLabels: true,
    packComponents: true,
    nodeRepulsion: () => 9000,
    idealEdgeLength: () => 110,
    edgeElasticity: () => 0.4,
    nodeSeparation: 90,
    numIter: 2500,
    fixedNodeConstraint: pinned.length > 0 ? pinned : undefined,
  };
}

/** A node's box (label included) as offsets from its position. */
function extent(n) {
  const p = n.position();
  const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
  return { left: b.x1 - p.x, right: b.x2 - p.x, top: b.y1 - p.y, bottom: b.y2 - p.y };
}

/**
 * Moves nodes apart until no two boxes overlap (or `ROUNDS` run out): each
 * overlapping pair moves along the axis where it overlaps least, each node
 * half the way, or the unpinned one all of it. Returns the overlaps left.
 */
export function removeOverlaps(cy) {
  const nodes = cy.nodes().toArray();
  const items = nodes.map((n) => ({ n, e: extent(n), p: { ...n.position() }, pinned: n.hasClass('pinned') }));
  let left = 0;
  for (let round = 0; round < ROUNDS; round++) {
    left = 0;
    for (let i = 0; i < items.length; i++) {
      const a = items[i];
      for (let j = i + 1; j < items.length; j++) {
        const b = items[j];
        const ox = Math.min(a.p.x + a.e.right, b.p.x + b.e.right) - Math.max(a.p.x + a.e.left, b.p.x + b.e.left) + GAP;
        const oy = Math.min(a.p.y + a.e.bottom, b.p.y + b.e.bottom) - Math.max(a.p.y + a.e.top, b.p.y + b.e.top) + GAP;
        if (ox <= 0 || oy <= 0) continue;
        if (a.pinned && b.pinned) continue;
        left++;
        const alongX = ox <= oy;
        const d = alongX ? ox : oy;
        // Which way: by the centres, ties broken by index so identical positions part too.
        const ca = alongX ? a.p.x + (a.e.left + a.e.right) / 2 : a.p.y + (a.e.top + a.e.bottom) / 2;
        const cb = alongX ? b.p.x + (b.e.left + b.e.right) / 2 : b.p.y + (b.e.top + b.e.bottom) / 2;
        const sign = ca < cb || (ca === cb && i < j) ? -1 : 1;
        const share = a.pinned ? [0, 1] : b.pinned ? [1, 0] : [0.5, 0.5];
        const key = alongX ? 'x' : 'y';
        a.p[key] += sign * d * share[0];
        b.p[key] -= sign * d * share[1];
      }
    }
    if (left === 0) break;
  }
  cy.batch(() => {
    for (const it of items) if (!it.pinned) it.n.position(it.p);
  });
  return left;
}

/** Runs the layout, then the overlap pass, then fits the view; calls `done(overlapsLeft)`. */
export function arrange(cy, { incremental, padding = 30 }, done) {
  if (cy.nodes().length === 0) {
    done(0);
    return;
  }
  const layout = cy.layout(layoutOptions(cy, { incremental }));
  layout.one('layoutstop', () => {
    const left = removeOverlaps(cy);
    cy.fit(undefined, padding);
    done(left);
  });
  layout.run();
}
