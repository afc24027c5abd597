// The package as users get it: resolved by name through package.json "exports"
// (import, require, browser and types conditions), from a scratch project that links it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../../bindings/pkg/', import.meta.url));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

function scratch(t) {
  const dir = mkdtempSync(join(tmpdir(), 'kplane-npm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(pkgDir, join(dir, 'node_modules', 'kplane'), 'dir');
  return dir;
}

function run(dir, file, source, args = []) {
  writeFileSync(join(dir, file), source);
  return execFileSync(process.execPath, [...args, join(dir, file)], { cwd: dir, encoding: 'utf8' }).trim();
}

const PROBE = `
  const cp = new ControlPlane({ seed: 7 });
  let code = 0;
  try { cp.get('nope', { kind: 'Pod', name: 'x' }); } catch (e) { code = e instanceof KplaneError && e.status.code; }
  console.log(JSON.stringify({ now: cp.now(), code, name: KplaneError.name }));
`;
const EXPECTED = { now: '2026-01-01T00:00:00Z', code: 404, name: 'KplaneError' };

test('package.json: name, version, exports conditions, files', () => {
  assert.equal(pkg.name, 'kplane');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  const dot = pkg.exports['.'];
  assert.deepEqual(Object.keys(dot), ['browser', 'import', 'require', 'default']);
  for (const cond of Object.values(dot)) {
    assert.ok(cond.types, 'every condition has types');
    assert.ok(existsSync(join(pkgDir, cond.types)), cond.types);
    assert.ok(existsSync(join(pkgDir, cond.default)), cond.default);
  }
  for (const f of [pkg.main, pkg.module, pkg.browser, pkg.types]) assert.ok(existsSync(join(pkgDir, f)), f);
  // Every file of the package is listed in "files" (what npm pack ships).
  const listed = (p) => pkg.files.some((f) => (f.endsWith('/') ? p.startsWith(f) : p === f));
  const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const file of walk(pkgDir).map((p) => relative(pkgDir, p))) {
    if (file !== 'package.json') assert.ok(listed(file), `${file} is not in "files"`);
  }
});

test("import 'kplane' resolves to index.mjs and works", (t) => {
  const dir = scratch(t);
  const out = run(dir, 'probe.mjs', `import { ControlPlane, KplaneError } from 'kplane';
    console.log(import.meta.resolve('kplane'));${PROBE}`);
  const [resolved, json] = out.split('\n');
  assert.match(resolved, /\/index\.mjs$/);
  assert.deepEqual(JSON.parse(json), EXPECTED);
});

test("require('kplane') resolves to index.cjs and works", (t) => {
  const dir = scratch(t);
  const out = run(dir, 'probe.cjs', `const { ControlPlane, KplaneError } = require('kplane');
    console.log(require.resolve('kplane'));${PROBE}`);
  const [resolved, json] = out.split('\n');
  assert.match(resolved, /\/index\.cjs$/);
  assert.deepEqual(JSON.parse(json), EXPECTED);
});

test("the browser condition resolves to browser.mjs", (t) => {
  const dir = scratch(t);
  const out = run(dir, 'probe.mjs', `console.log(import.meta.resolve('kplane'));`, ['--conditions=browser']);
  assert.match(out, /\/browser\.mjs$/);
});

test('index.d.ts declares every method, KplaneError and Status; index.d.cts is the same', async () => {
  const dts = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8');
  assert.equal(readFileSync(join(pkgDir, 'index.d.cts'), 'utf8'), dts);
  const { ControlPlane } = await import(join(pkgDir, 'index.mjs'));
  const methods = Object.getOwnPropertyNames(ControlPlane.prototype).filter((m) => m !== 'constructor' && !m.startsWith('__'));
  assert.ok(methods.length >= 15, methods.join());
  for (const m of methods) assert.match(dts, new RegExp(`\\n  ${m}(<[^>]*>)?\\(`), `index.d.ts lacks ControlPlane.${m}`);
  const statics = Object.getOwnPropertyNames(ControlPlane).filter((m) => typeof ControlPlane[m] === 'function' && !m.startsWith('__'));
  for (const m of statics) assert.match(dts, new RegExp(`\\n  static ${m}\\(`), `index.d.ts lacks static ControlPlane.${m}`);
  for (const decl of [
    'export declare class ControlPlane',
    'export declare class KplaneError extends Error',
    'export interface Status ',
    'export interface StatusCause ',
    'export interface ApplyResult ',
    'export interface NodeSummary ',
    'export interface KubectlOutput ',
    'export interface Settled ',
    'export interface StatusDetails ',
    'export interface ApplyOptions ',
    'export interface CreateOptions ',
    'export interface CreateResult<',
    'export interface PatchOptions ',
    'export interface DeleteOptions ',
    'export interface WatchOptions ',
    'export type WatchEvent<',
    'export type WatchEventType ',
    'export type PatchType ',
    'export type FieldValidation ',
    'export type PropagationPolicy ',
    'export interface PodRef ',
    'export interface Explanation ',
    'export interface NodeResult ',
    'export interface PluginScore ',
    'export interface ScorePluginInfo ',
  ]) {
    assert.ok(dts.includes(decl), `index.d.ts lacks ${decl}`);
  }
});

test('the package ships one WebAssembly module, shared by every entry', () => {
  const wasm = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.wasm')) wasm.push(relative(pkgDir, p));
    }
  };
  walk(pkgDir);
  assert.deepEqual(wasm, ['kplane_bg.wasm']);
  assert.ok(pkg.files.includes('kplane_bg.wasm'));
});
