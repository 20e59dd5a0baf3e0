// The bench's one web server on 127.0.0.1: every page (Signpost's and the peers'), every asset
// brotli-compressed with Node's zlib at quality 11 once at start, and /api/* proxied to
// signpost-server. Peers' submit buttons post to /submit, which answers at once.
import http from 'node:http';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, extname, relative } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

function brotli(bytes, cacheDir) {
  const key = createHash('sha256').update(bytes).digest('hex');
  const cached = cacheDir && join(cacheDir, `${key}.br`);
  if (cached && existsSync(cached)) return readFileSync(cached);
  const out = zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  if (cached) writeFileSync(cached, out);
  return out;
}

function walk(dir, skip) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path, skip));
    else if (!skip(path)) out.push(path);
  }
  return out;
}

/**
 * Starts the server. `mounts` maps a URL prefix to a folder (every file below it is served);
 * `pages` maps a URL path to generated HTML. `apiTarget()` gives the signpost-server URL to proxy
 * /api/* to (read per request, since the service starts after this server).
 */
export async function startSite({ mounts, pages, cacheDir, apiTarget, skip = () => false }) {
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });
  const files = new Map();
  const add = (urlPath, bytes, type) => {
    files.set(urlPath, { raw: bytes, br: brotli(bytes, cacheDir), type: type ?? TYPES[extname(urlPath)] ?? 'application/octet-stream' });
  };
  for (const [prefix, dir] of Object.entries(mounts)) {
    for (const path of walk(dir, skip)) add(`${prefix}${relative(dir, path).split('\\').join('/')}`, readFileSync(path));
  }
  for (const [urlPath, html] of Object.entries(pages)) add(urlPath, Buffer.from(html), TYPES['.html']);

  const submitted = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) return proxy(req, res, apiTarget());
    if (url.pathname === '/submit' && req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        submitted.push(Buffer.concat(chunks).toString());
        const fromScript = (req.headers['content-type'] ?? '').includes('json');
        const body = fromScript ? '{"ok":true}'
          : '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sent</title></head><body><h1 id="result">Thank you. Your answers have been sent</h1></body></html>';
        send(req, res, { raw: Buffer.from(body), br: brotli(Buffer.from(body)), type: fromScript ? TYPES['.json'] : TYPES['.html'] });
      });
      return;
    }
    const file = files.get(url.pathname) ?? files.get(url.pathname.replace(/\/$/, '/index.html'));
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    send(req, res, file);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    files,
    submitted,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

function send(req, res, file) {
  const br = /\bbr\b/.test(req.headers['accept-encoding'] ?? '');
  const body = br ? file.br : file.raw;
  const headers = { 'content-type': file.type, 'content-length': body.length, 'cache-control': 'no-store', vary: 'accept-encoding' };
  if (br) headers['content-encoding'] = 'br';
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function proxy(req, res, target) {
  if (!target) {
    res.writeHead(503, { 'content-type': 'text/plain' });
    return res.end('signpost-server is not running');
  }
  const to = new URL(target);
  const upstream = http.request({
    host: to.hostname, port: to.port, method: req.method, path: req.url,
    headers: { ...req.headers, host: to.host },
  }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('bad gateway');
  });
  req.pipe(upstream);
}
