// Browser (and bundler) entry of the npm package `kplane`: fetches the WebAssembly module
// next to this file (top-level await), then exports the same API as Node.js.
import * as glue from './esm/kplane.js';
import { KplaneError } from './error.mjs';
import { guard } from './guard.mjs';

await glue.default({ module_or_path: new URL('./kplane_bg.wasm', import.meta.url) });
// The ControlPlane class, guarded: a call that traps restarts the instance (guard.mjs).
const ControlPlane = guard(glue, KplaneError);

export { ControlPlane, KplaneError };
