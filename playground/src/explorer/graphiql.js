// Links into GraphiQL (`/playground`) that open a ready query: the page reads
// `?query=` and `?variables=` (see ../playground/main.jsx), so a link can be shared.

/** A GraphiQL link opening `query` with `variables` (an object) in a tab of its own. */
export function graphiqlHref(query, variables) {
  const q = new URLSearchParams({ query });
  if (variables && Object.keys(variables).length) q.set('variables', JSON.stringify(variables, null, 2));
  return `/playground?${q}`;
}

/** The query a node's "Query in GraphiQL" opens: its own facts, sources and latest versions. */
export const NODE_QUERY = `query Entity($id: ID!) {
  node(id: $id) {
    id
    kind
    name
    description
    aliases { text lang }
    citations { sourceId locator source { title url } }
    relationsCount
    history(first: 5) {
      items {
        changeSet { seq time actor comment op }
        entry { kind fields { field before after } }
      }
      hasMore
    }
  }
}
`;
