// The ontology's kinds, read from the server once at start-up: the values of
// the `NodeKind` and `RelationKind` enums, by introspection, so a kind added
// to the model shows here with no change to the explorer. `main.jsx` renders
// nothing until `loadKinds()` has settled; afterwards `kinds()` is synchronous.
//
// When the server answers no introspection (`--no-introspection`), the node
// kinds come from the data (`counts.byKind`: the kinds that have records) and
// the relation kinds are unknown (`relation: null`): pages then show a node's
// relations by direction only, every kind together (see `pages/node.jsx`).
import { gql } from './api.js';

const INTROSPECT = `query Kinds {
  node: __type(name: "NodeKind") { enumValues { name } }
  relation: __type(name: "RelationKind") { enumValues { name } }
}`;
const FROM_DATA = `query KindsFromData { counts { byKind { kind } } }`;

let known = { node: [], relation: null, from: 'none' };
let pending = null;

const names = (t) => t?.enumValues?.map((v) => v.name) ?? [];

async function fetchKinds() {
  try {
    const d = await gql(INTROSPECT);
    const node = names(d?.node);
    const relation = names(d?.relation);
    if (node.length > 0 && relation.length > 0) return { node, relation, from: 'schema' };
  } catch {
    /* introspection is off: fall back to the data */
  }
  try {
    const d = await gql(FROM_DATA);
    return { node: d.counts.byKind.map((k) => k.kind), relation: null, from: 'data' };
  } catch {
    return { node: [], relation: null, from: 'none' };
  }
}

/** Reads the kinds (once; later calls share the first). Never rejects. */
export function loadKinds() {
  if (!pending) pending = fetchKinds().then((k) => (known = k));
  return pending;
}

/** `{ node: [NodeKind…], relation: [RelationKind…] | null, from: 'schema' | 'data' | 'none' }`. */
export const kinds = () => known;
