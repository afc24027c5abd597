// A tiny static file server for the built playground (dist/), with the MIME types
// browsers insist on (application/wasm for WebAssembly.instantiateStreaming), gzip for
// clients that accept it (the wasm shrinks to about a third), and an optional sub-path
// (`prefix`, e.g. /docs/playground/) to check that the playground works under one.
//
//   node tests/browser/serve.mjs [dir=dist] [port=0] [prefix=/]   # prints the URL; port 0 = any free port
//
// Also imported by the tests: `const { url, close } = await serve(dir, { prefix, pages })`,
// where `pages` maps extra paths (outside the prefix) to HTML, e.g. a page with an iframe.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.txt', '.yaml']);

export async function serve(dir, { host = '127.0.0.1', port = 0, prefix = '/', pages = {} } = {}) {
  const root = resolve(dir);
  const gzipped = new Map(); // file -> { mtimeMs, body }
  const server = createServer(async (req, res) => {
    try {
      const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (pages[full] !== undefined) {
        res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' }).end(pages[full]);
        return;
      }
      if (!full.startsWith(prefix)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${full}`);
        return;
      }
      const path = '/' + full.slice(prefix.length);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (body === null) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
        return;
      }
      const ext = extname(file).toLowerCase();
      const headers = {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        vary: 'accept-encoding',
      };
      let out = body;
      if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        const { mtimeMs } = await stat(file);
        let cached = gzipped.get(file);
        if (!cached || cached.mtimeMs !== mtimeMs) {
          cached = { mtimeMs, body: gzipSync(body, { level: 9 }) };
          gzipped.set(file, cached);
        }
        out = cached.body;
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = out.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : out);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}${prefix}`,
    origin: `http://${host}:${actual}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '0', prefix = '/'] = process.argv.slice(2);
  const { url } = await serve(dir, { port: Number(port), prefix });
  console.log(`serving ${resolve(dir)} on ${url}`);
}
