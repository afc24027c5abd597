'use strict';
// Node.js CommonJS entry of the npm package `kplane`.
const wasm = require('./cjs/kplane.js');
const { KplaneError } = require('./error.cjs');
const { serveHttp } = require('./http.cjs');

wasm.__kplaneInit(KplaneError);

module.exports = { ControlPlane: wasm.ControlPlane, KplaneError, serveHttp };
