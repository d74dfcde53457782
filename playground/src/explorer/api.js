// Talking to the server: GraphQL over HTTP, and live changes over WebSocket.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createClient } from 'graphql-ws';

export const CITE = `citations { sourceId locator source { title url } }`;

// A token, when the user gave one (kept for the browser tab's session only):
// sent with every request, so its holder may write (revert) or read where
// reads need a token.
const TOKEN_KEY = 'attache.token';
const tokenListeners = new Set();
export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}
export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage refused: the token lasts until reload */
  }
  for (const l of tokenListeners) l(token || '');
}
/** The token given, re-rendering when it changes. */
export function useToken() {
  const [t, set] = useState(getToken);
  useEffect(() => {
    tokenListeners.add(set);
    return () => tokenListeners.delete(set);
  }, []);
  return t;
}

// Reads that need a token (a server started with reads closed): a 401
// answer says so, and the app asks for a token (token.jsx) rather than
// showing errors. `'missing'` when no token was sent, `'refused'` when the
// one sent was not accepted; null while reads go through.
let tokenNeeded = null;
const neededListeners = new Set();
function setTokenNeeded(v) {
  if (v === tokenNeeded) return;
  tokenNeeded = v;
  for (const l of neededListeners) l(v);
}
/** Whether the server wants a token for reads: null, `'missing'` or `'refused'`. */
export function useTokenNeeded() {
  const [v, set] = useState(tokenNeeded);
  useEffect(() => {
    neededListeners.add(set);
    set(tokenNeeded);
    return () => neededListeners.delete(set);
  }, []);
  return v;
}

/** A GraphQL error answer: `errors` as the server sent them (codes in `extensions`). */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? null;
  }
}

/** POSTs a request to /graphql (with the token, if any); the answer's body. */
async function post(query, variables) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  if (res.status === 401) setTokenNeeded(token ? 'refused' : 'missing');
  return res.json();
}

export async function gql(query, variables = {}) {
  const body = await post(query, variables);
  if (body.errors?.length && !body.data) throw new GraphQLError(body.errors);
  if (body.errors?.length) console.warn('GraphQL errors', body.errors);
  return body.data;
}

/** Runs a mutation: its data, or a `GraphQLError` thrown on any error (a refused write has no data). */
export async function mutate(query, variables = {}) {
  const body = await post(query, variables);
  if (body.errors?.length) throw new GraphQLError(body.errors);
  return body.data;
}

/** Runs `query` whenever `variables` change; `refetch` keeps the old data shown meanwhile. */
export function useQuery(query, variables, { skip = false } = {}) {
  const key = JSON.stringify(variables);
  const [state, setState] = useState({ data: null, error: null, loading: !skip });
  const seq = useRef(0);
  const run = useCallback(() => {
    if (skip) return Promise.resolve();
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    return gql(query, JSON.parse(key)).then(
      (data) => n === seq.current && setState({ data, error: null, loading: false }),
      (error) => n === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [query, key, skip]);
  useEffect(() => {
    setState({ data: null, error: null, loading: !skip });
    run();
  }, [run, skip]);
  return { ...state, refetch: run };
}

// One WebSocket for the whole app, opened on first subscription.
let client = null;
const liveListeners = new Set();
let liveState = 'off';
function setLive(s) {
  liveState = s;
  for (const l of liveListeners) l(s);
}
function wsClient() {
  if (!client) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    client = createClient({
      url: `${proto}//${location.host}/ws`,
      lazy: true,
      connectionParams: () => (getToken() ? { authorization: `Bearer ${getToken()}` } : {}),
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connecting: () => setLive('connecting'),
        connected: () => setLive('on'),
        closed: () => setLive('off'),
      },
    });
  }
  return client;
}

export function useLiveState() {
  const [s, set] = useState(liveState);
  useEffect(() => {
    liveListeners.add(set);
    return () => liveListeners.delete(set);
  }, []);
  return s;
}

const CHANGES = `subscription Changes($entities: [String!], $ids: [String!]) {
  changes(entities: $entities, ids: $ids) { kind id entity }
}`;

/** Calls `onChange({kind,id,entity})` for each change; returns an unsubscribe. */
export function subscribeChanges(variables, onChange) {
  return wsClient().subscribe(
    { query: CHANGES, variables },
    {
      next: (msg) => msg.data?.changes && onChange(msg.data.changes),
      error: (e) => console.warn('subscription error', e),
      complete: () => {},
    },
  );
}

/** Every `id` value anywhere in a query result. */
export function collectIds(data, into = new Set()) {
  if (Array.isArray(data)) for (const x of data) collectIds(x, into);
  else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (k === 'id' && typeof v === 'string') into.add(v);
      else collectIds(v, into);
    }
  }
  return into;
}

/**
 * Keeps a page live: when a change touches the open entity, anything the
 * page shows, or a relation from or to the entity, `refetch` runs (debounced).
 */
export function useLiveRefetch(entityId, data, refetch) {
  const shown = useRef(new Set());
  shown.current = collectIds(data);
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  useEffect(() => {
    if (!entityId) return undefined;
    let timer = null;
    const bump = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refetchRef.current(), 120);
    };
    const unsubscribe = subscribeChanges({}, async (c) => {
      if (c.id === entityId || shown.current.has(c.id)) return bump();
      if (c.id.startsWith('rel:') && c.kind !== 'DELETED') {
        try {
          const d = await gql('query Ends($id: ID!) { relation(id: $id) { from { id } to { id } } }', { id: c.id });
          const r = d?.relation;
          if (r && (r.from?.id === entityId || r.to?.id === entityId)) bump();
        } catch {
          /* ignore */
        }
      }
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [entityId]);
}

/** Runs `refetch` (debounced) after any change matching `variables`. */
export function useChangesRefetch(variables, refetch) {
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  const key = JSON.stringify(variables);
  useEffect(() => {
    let timer = null;
    const off = subscribeChanges(JSON.parse(key), () => {
      clearTimeout(timer);
      timer = setTimeout(() => refetchRef.current(), 250);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [key]);
}
