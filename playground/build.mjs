// Builds the production bundle into dist/ (served embedded in the binary).
//
//   dist/index.html       the explorer (`GET /`)
//   dist/playground.html  GraphiQL (`GET /playground`)
//   dist/assets/*         hashed JS/CSS/workers (`GET /assets/<file>`)
//
// Every file gets a `.gz` and a `.br` beside it. The output is deterministic:
// the same sources give byte-identical files (esbuild content hashes, zlib
// with fixed levels, no timestamps). Stale files are removed first.

import * as esbuild from 'esbuild';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const assets = join(dist, 'assets');

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
  write: true,
  outdir: assets,
  assetNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  entryNames: '[name]-[hash]',
  charset: 'utf8',
  sourcemap: false,
  absWorkingDir: root,
};

/** Output files of one entry point, by extension, as `/assets/<file>`. */
function outputsOf(meta, entry) {
  const found = { js: null, css: null };
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (out.entryPoint !== entry) continue;
    found.js = '/assets/' + basename(file);
    if (out.cssBundle) found.css = '/assets/' + basename(out.cssBundle);
  }
  if (!found.js) throw new Error(`no output for ${entry}`);
  return found;
}

function page(template, { js, css }) {
  const html = readFileSync(join(root, template), 'utf8');
  const tags =
    (css ? `<link rel="stylesheet" href="${css}">\n` : '') +
    `<script type="module" src="${js}"></script>`;
  return html.replace('<!-- BUNDLE -->', tags);
}

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// 1. Monaco workers for GraphiQL: separate, self-contained IIFE bundles.
const workerEntries = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};
const workers = await esbuild.build({
  ...common,
  entryPoints: workerEntries,
  format: 'iife',
});
const workerUrls = {};
for (const name of Object.keys(workerEntries)) {
  const file = Object.keys(workers.metafile.outputs).find((f) => basename(f).startsWith(name + '-'));
  if (!file) throw new Error(`worker ${name} not built`);
  workerUrls[name.split('.')[0]] = '/assets/' + basename(file);
}

// graphiql/style.css already carries Monaco's CSS (and its codicon font as a
// data URI); the `.css` imports inside monaco-editor's ESM modules would only
// emit unused duplicate stylesheets for lazily loaded chunks, so drop them.
const skipMonacoCss = {
  name: 'skip-monaco-css',
  setup(b) {
    b.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'skip-css' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'skip-css' }, () => ({ contents: '', loader: 'js' }));
  },
};

// 2. GraphiQL page.
const gql = await esbuild.build({
  ...common,
  entryPoints: { playground: 'src/playground/main.jsx' },
  format: 'esm',
  splitting: true,
  jsx: 'automatic',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  plugins: [skipMonacoCss],
  define: { ...common.define, __MONACO_WORKERS__: JSON.stringify(workerUrls) },
});
writeFileSync(
  join(dist, 'playground.html'),
  page('src/playground/playground.html', outputsOf(gql.metafile, 'src/playground/main.jsx')),
);

// 3. Explorer: light entry; graph (cytoscape) and dashboard (chart.js) are
// split into chunks loaded on demand.
const exp = await esbuild.build({
  ...common,
  entryPoints: { explorer: 'src/explorer/main.jsx' },
  format: 'esm',
  splitting: true,
  jsx: 'automatic',
});
writeFileSync(
  join(dist, 'index.html'),
  page('src/explorer/index.html', outputsOf(exp.metafile, 'src/explorer/main.jsx')),
);

// 4. Precompressed siblings.
const files = walk(dist);
for (const f of files) {
  const data = readFileSync(f);
  writeFileSync(f + '.gz', gzipSync(data, { level: 9 }));
  writeFileSync(
    f + '.br',
    brotliCompressSync(data, {
      params: {
        [zc.BROTLI_PARAM_QUALITY]: 11,
        [zc.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
}

// 5. Report sizes, and what a first load of each page transfers.
const size = (p) => statSync(p).size;
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' KiB';
console.log('file'.padEnd(44), 'raw'.padStart(12), 'gz'.padStart(12), 'br'.padStart(12));
for (const f of files) {
  console.log(relative(dist, f).padEnd(44), kb(size(f)), kb(size(f + '.gz')), kb(size(f + '.br')));
}

/** Files a first load of a page fetches: the html, its entry and static imports. */
function firstLoad(html, meta, entry) {
  const out = outputsOf(meta, entry);
  const want = new Set([html]);
  const visit = (file) => {
    const key = 'dist/assets/' + basename(file);
    if (want.has(key)) return;
    want.add(key);
    const o = meta.outputs[key];
    if (!o) return;
    if (o.cssBundle) want.add('dist/assets/' + basename(o.cssBundle));
    for (const imp of o.imports) if (imp.kind === 'import-statement') visit(imp.path);
  };
  visit(out.js);
  return [...want];
}
const report = (label, list) => {
  const t = { raw: 0, gz: 0, br: 0 };
  for (const f of list) {
    const p = join(root, f);
    t.raw += size(p);
    t.gz += size(p + '.gz');
    t.br += size(p + '.br');
  }
  console.log(`first load of ${label}: ${list.length} files, raw${kb(t.raw)}, gz${kb(t.gz)}, br${kb(t.br)}`);
};
report('/          ', firstLoad('dist/index.html', exp.metafile, 'src/explorer/main.jsx'));
report('/playground', firstLoad('dist/playground.html', gql.metafile, 'src/playground/main.jsx'));
