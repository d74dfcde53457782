// For working on the UI without rebuilding the Rust binary (which embeds
// dist/ at compile time): serves dist/ the way the server does and proxies
// /graphql and /ws to a running server. Used by the tests when
// ATTACHE_SERVE_DIST=1; `node tests/devserver.mjs http://127.0.0.1:PORT` runs it alone.
import http from 'node:http';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.ttf': 'font/ttf', '.svg': 'image/svg+xml', '.json': 'application/json',
};

export function startDevServer(upstream) {
  const up = new URL(upstream);
  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/graphql' || path === '/health') {
      const p = http.request(
        { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(p);
      return;
    }
    const file = path === '/' ? 'index.html' : path === '/playground' ? 'playground.html' : path.startsWith('/assets/') ? path.slice(1) : null;
    const full = file && join(dist, file);
    if (!full || !full.startsWith(dist) || !existsSync(full)) {
      res.writeHead(404).end('not found');
      return;
    }
    const accept = String(req.headers['accept-encoding'] || '');
    const headers = { 'content-type': TYPES[extname(full)] || 'application/octet-stream', vary: 'accept-encoding' };
    let body;
    if (/\bbr\b/.test(accept) && existsSync(full + '.br')) {
      body = readFileSync(full + '.br');
      headers['content-encoding'] = 'br';
    } else if (/\bgzip\b/.test(accept) && existsSync(full + '.gz')) {
      body = readFileSync(full + '.gz');
      headers['content-encoding'] = 'gzip';
    } else body = readFileSync(full);
    res.writeHead(200, headers).end(body);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstreamSocket = net.connect(Number(up.port), up.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`)];
      upstreamSocket.write(lines.join('\r\n') + '\r\n\r\n');
      if (head?.length) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startDevServer(process.argv[2]);
  console.log(`serving dist at ${s.base}, proxying to ${process.argv[2]}`);
}
