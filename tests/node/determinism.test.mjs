// Determinism: the npm package (WebAssembly) and the native core give byte-identical snapshots
// for the same scenario, and a snapshot survives a JSON round trip (64-bit values are strings).
// The native side is `cargo run -p kplane --example snapshot -- FILE SECONDS SEED`
// (core/examples/snapshot.rs); skipped when cargo is not on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ControlPlane } from '../../bindings/pkg/index.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS = [
  { file: 'examples/three-nodes.yaml', seconds: 120, seed: 7 },
  { file: 'examples/workloads/cronjob.yaml', seconds: 900, seed: 42 },
];

function wasmSnapshot({ file, seconds, seed }) {
  const cp = new ControlPlane({ seed });
  cp.apply('root', readFileSync(`${root}${file}`, 'utf8'));
  cp.advance(seconds);
  const s = cp.snapshot();
  cp.free();
  return s;
}

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
const noCargo = cargo.status !== 0 ? 'cargo is not on PATH' : false;

for (const sc of SCENARIOS) {
  test(`native and wasm snapshots are byte-identical: ${sc.file}, ${sc.seconds}s, seed ${sc.seed}`, { skip: noCargo, timeout: 600_000 }, () => {
    const native = spawnSync(
      'cargo',
      ['run', '-q', '-p', 'kplane', '--example', 'snapshot', '--', sc.file, String(sc.seconds), String(sc.seed)],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    assert.equal(native.status, 0, native.stderr);
    const wasm = wasmSnapshot(sc);
    const a = native.stdout.trimEnd();
    if (a !== wasm) {
      // Name the first difference, not two megabytes of JSON.
      let i = 0;
      while (i < a.length && a[i] === wasm[i]) i += 1;
      assert.fail(`snapshots differ at byte ${i}:\nnative: ${a.slice(Math.max(0, i - 200), i + 200)}\nwasm:   ${wasm.slice(Math.max(0, i - 200), i + 200)}`);
    }
  });
}

test('the same scenario twice in wasm gives the same snapshot', () => {
  const sc = SCENARIOS[0];
  assert.equal(wasmSnapshot(sc), wasmSnapshot(sc));
});

test('a snapshot survives JSON.parse/JSON.stringify, and its restore continues identically', () => {
  const sc = SCENARIOS[1];
  const cp = new ControlPlane({ seed: 123456789 });
  cp.apply('root', readFileSync(`${root}${sc.file}`, 'utf8'));
  cp.advance(300);
  const s = cp.snapshot();
  const round = JSON.stringify(JSON.parse(s));
  assert.equal(round, s, 'JSON.parse/JSON.stringify changed the snapshot');
  // No number in the document is beyond 2^53 (those are written as strings).
  JSON.parse(s, (key, value) => {
    if (typeof value === 'number') assert.ok(Number.isSafeInteger(value) || !Number.isInteger(value), `${key}: ${value} is not exact in JSON`);
    return value;
  });
  const restored = ControlPlane.restore(round);
  cp.advance(600);
  restored.advance(600);
  assert.equal(restored.snapshot(), cp.snapshot());
});

test('a snapshot of a control plane with a 64-bit seed survives a JSON round trip', () => {
  // Seeds above 2^53 cannot come from JS numbers; the RNG state grows past 2^53 anyway.
  const cp = new ControlPlane({ seed: 9007199254740991 });
  cp.apply('root', readFileSync(`${root}examples/three-nodes.yaml`, 'utf8'));
  cp.advance(30);
  const s = cp.snapshot();
  assert.equal(JSON.stringify(JSON.parse(s)), s);
  assert.equal(ControlPlane.restore(JSON.stringify(JSON.parse(s))).snapshot(), s);
});
