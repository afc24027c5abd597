'use strict';
// The built package as CommonJS (bindings/pkg/index.cjs).
const suite = require('./suite.cjs');
const kplane = require('../../bindings/pkg/index.cjs');

suite(kplane, 'cjs');
