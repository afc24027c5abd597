// Browser (and bundler) entry of the npm package `kplane`: fetches the WebAssembly module
// next to this file (top-level await), then exports the same API as Node.js.
import init, { ControlPlane, __kplaneInit } from './esm/kplane.js';
import { KplaneError } from './error.mjs';

await init({ module_or_path: new URL('./kplane_bg.wasm', import.meta.url) });
__kplaneInit(KplaneError);

export { ControlPlane, KplaneError };
