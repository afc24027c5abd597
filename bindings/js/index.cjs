'use strict';
// Node.js CommonJS entry of the npm package `kplane`.
const glue = require('./cjs/kplane.js');
const { KplaneError } = require('./error.cjs');
const { guard } = require('./guard.cjs');
const { serveHttp } = require('./http.cjs');

// The ControlPlane class, guarded: a call that traps restarts the instance (guard.mjs).
const ControlPlane = guard(glue, KplaneError);

module.exports = { ControlPlane, KplaneError, serveHttp };
