// Node.js ESM entry of the npm package `kplane`: loads the WebAssembly module synchronously.
import { readFileSync } from 'node:fs';
import { initSync, ControlPlane, __kplaneInit } from './esm/kplane.js';
import { KplaneError } from './error.mjs';
import { serveHttp } from './http.cjs';

initSync({ module: readFileSync(new URL('./kplane_bg.wasm', import.meta.url)) });
__kplaneInit(KplaneError);

export { ControlPlane, KplaneError, serveHttp };
