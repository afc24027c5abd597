// The built package as a Node.js ES module (bindings/pkg/index.mjs).
import suite from './suite.cjs';
import * as kplane from '../../bindings/pkg/index.mjs';

suite(kplane, 'esm');
