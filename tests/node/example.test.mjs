// The examples in examples/node/ stay runnable and print what they promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/node/what-if.mjs', import.meta.url));

test('examples/node/what-if.mjs prints pod placement', () => {
  const out = execFileSync(process.execPath, [example], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['node-a', 'node-b', 'node-c'], out);
  assert.equal((out.match(/web-\S+ Running/g) || []).length, 5, out);
  assert.doesNotMatch(out, /pending/);
});

test('examples/node/rollout-watch.mjs prints the rollout read back from watch', () => {
  const script = fileURLToPath(new URL('../../examples/node/rollout-watch.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  assert.equal(lines.filter((l) => /^ADDED +web-\S+ nginx:1\.28$/.test(l)).length, 5, out);
  assert.equal(lines.filter((l) => /^DELETED +web-\S+ nginx:1\.27$/.test(l)).length, 5, out);
  assert.match(lines.at(-2), /^resume from resourceVersion \d+$/);
  const counts = JSON.parse(lines.at(-1));
  assert.equal(counts.BOOKMARK, 1);
  assert.ok(counts.MODIFIED > 0);
});
