// Node.js ESM entry of the npm package `kplane`: loads the WebAssembly module synchronously.
import { readFileSync } from 'node:fs';
import * as glue from './esm/kplane.js';
import { KplaneError } from './error.mjs';
import { guard } from './guard.mjs';
import { serveHttp } from './http.cjs';

glue.initSync({ module: readFileSync(new URL('./kplane_bg.wasm', import.meta.url)) });
// The ControlPlane class, guarded: a call that traps restarts the instance (guard.mjs).
const ControlPlane = guard(glue, KplaneError);

export { ControlPlane, KplaneError, serveHttp };
