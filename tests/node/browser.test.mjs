// The browser entry (bindings/pkg/browser.mjs), which fetches its .wasm: run under Node with a
// fetch that serves file: URLs as a web server would (Content-Type: application/wasm).
import { readFile } from 'node:fs/promises';
import suite from './suite.cjs';

const realFetch = globalThis.fetch;
const fetched = [];
globalThis.fetch = async (input) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'file:') return realFetch(input);
  fetched.push(url.pathname);
  return new Response(await readFile(url), { headers: { 'Content-Type': 'application/wasm' } });
};
const kplane = await import('../../bindings/pkg/browser.mjs');
globalThis.fetch = realFetch;

if (!fetched.some((p) => p.endsWith('/pkg/kplane_bg.wasm'))) {
  throw new Error(`browser.mjs did not fetch kplane_bg.wasm (fetched: ${fetched.join(', ')})`);
}
suite(kplane, 'browser');
