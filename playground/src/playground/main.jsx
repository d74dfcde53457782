import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { useGraphiQL } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { EXAMPLES } from './examples.js';

// Monaco's workers are bundled as their own entry points (see build.mjs);
// their hashed URLs are injected at build time.
const WORKERS = __MONACO_WORKERS__;
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(WORKERS.json);
      case 'graphql':
        return new Worker(WORKERS.graphql);
      default:
        return new Worker(WORKERS.editor);
    }
  },
};

const wsProto = location.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: `${wsProto}//${location.host}/ws`,
});

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" strokeLinecap="round" />
    </svg>
  );
}

function ExamplesContent() {
  const queryEditor = useGraphiQL((s) => s.queryEditor);
  const variableEditor = useGraphiQL((s) => s.variableEditor);
  return (
    <section className="attache-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>Load a ready query into the editor, then run it (Ctrl-Enter).</p>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {EXAMPLES.map((ex) => (
          <li key={ex.title} style={{ margin: '0.4em 0' }}>
            <button
              type="button"
              className="graphiql-un-styled"
              style={{ textAlign: 'left', padding: '0.3em 0', color: 'hsl(var(--color-primary))', cursor: 'pointer' }}
              onClick={() => {
                queryEditor?.setValue(ex.query);
                variableEditor?.setValue('');
              }}
            >
              {ex.title}
            </button>
          </li>
        ))}
      </ul>
      <p>
        Back to the <a href="/">explorer</a>.
      </p>
    </section>
  );
}

const examplesPlugin = { title: 'Examples', icon: ExamplesIcon, content: ExamplesContent };

// A shared link (`/playground?query=…&variables=…`, as the explorer's "Query
// in GraphiQL" makes) opens its query in a tab of its own, made active; the
// tabs kept from earlier visits stay.
const shared = new URLSearchParams(location.search);
const sharedQuery = shared.get('query') || undefined;
const sharedVariables = sharedQuery ? shared.get('variables') || undefined : undefined;

function App() {
  const examples = EXAMPLES.map((e) => ({ query: e.query }));
  return (
    <GraphiQL
      fetcher={fetcher}
      initialQuery={sharedQuery}
      initialVariables={sharedVariables}
      defaultTabs={sharedQuery ? [{ query: sharedQuery, variables: sharedVariables }, ...examples] : examples}
      plugins={[examplesPlugin, ...defaultPlugins()]}
      defaultEditorToolsVisibility={false}
    >
      <GraphiQL.Logo>Attaché</GraphiQL.Logo>
    </GraphiQL>
  );
}

// The history plugin is GraphiQL's default; keep it alongside ours. The doc
// explorer is GraphiQL's reference plugin and stays on.
function defaultPlugins() {
  return [HISTORY_PLUGIN];
}

createRoot(document.getElementById('graphiql')).render(<App />);
