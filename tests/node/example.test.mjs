// examples/node/what-if.mjs stays runnable and prints where the five pods landed.
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
