// End-to-end test of the playground in Chromium: apply the example, move virtual time,
// see the pods Running on node cards; an invalid manifest shows a Status error.
//
// Run through ./run.sh (it builds dist/ first). Environment:
//   KPLANE_DIST        the built playground (default: <repo>/dist)
//   CHROMIUM           the browser (default: /usr/bin/chromium)
//   KPLANE_SCREENSHOT  where to save the screenshot (default: <repo>/docs/playground.png; "" = none)
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const dist = process.env.KPLANE_DIST ?? resolve(repo, 'dist');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshot = process.env.KPLANE_SCREENSHOT ?? resolve(repo, 'docs', 'playground.png');

const REPLICAS = 5; // examples/three-nodes.yaml: Deployment `web`
const NODES = ['node-a', 'node-b', 'node-c'];
const MAX_VIRTUAL_SECONDS = 60;

let server;
let browser;
let page;
const problems = []; // uncaught exceptions and console errors in the page

const runningOnNodes = () => page.locator('.node-card .pod[data-status="Running"]');
// A panic poisons the WebAssembly instance: everything after it would time out, so fail
// at once with the panic's message.
const assertNoPanic = async () => {
  const panic = (await page.locator('#panic').textContent()) ?? '';
  assert.equal(panic, '', `the playground panicked:\n${panic}`);
};
const elapsedMs = async () => Number(await page.locator('#clock').getAttribute('data-elapsed-ms'));

before(async () => {
  server = await serve(dist);
  browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await page.goto(server.url);
  await page.locator('#apply').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('playground', { timeout: 180_000 }, () => {
  beforeEach(assertNoPanic);

  test('starts empty, with the example in the editor and the clock at zero', async () => {
    const manifest = await page.locator('#manifest').inputValue();
    assert.match(manifest, /kind: Deployment/);
    assert.match(manifest, /replicas: 5/);
    assert.equal(await page.locator('.node-card').count(), 0);
    assert.equal(await elapsedMs(), 0);
    assert.match(await page.locator('#clock').getAttribute('data-now'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });

  test('Apply creates the nodes and the Deployment, as kubectl apply reports them', async () => {
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    const applied = await page.locator('#applied li').allTextContents();
    assert.deepEqual(applied, [
      'node/node-a created',
      'node/node-b created',
      'node/node-c created',
      'deployment.apps/web created',
    ]);
    assert.equal(await page.locator('#status-error').count(), 0);
    const names = await page.locator('.node-card').evaluateAll((cards) => cards.map((c) => c.dataset.node));
    assert.deepEqual(names, NODES);
  });

  test(`Step moves virtual time until ${REPLICAS} pods are Running on node cards`, async () => {
    const before = await elapsedMs();
    for (let i = 0; i < MAX_VIRTUAL_SECONDS && (await runningOnNodes().count()) < REPLICAS; i++) {
      await page.locator('#step').click();
      await assertNoPanic();
    }
    assert.ok((await elapsedMs()) > before, 'Step advances the virtual clock');
    const pods = await runningOnNodes().evaluateAll((els) =>
      els.map((el) => ({ name: el.dataset.pod, node: el.closest('.node-card').dataset.node })),
    );
    assert.equal(pods.length, REPLICAS, `expected ${REPLICAS} Running pods on nodes, saw ${JSON.stringify(pods)}`);
    for (const p of pods) assert.match(p.name, /^web-[a-z0-9]+-[a-z0-9]{5}$/);
    assert.equal(new Set(pods.map((p) => p.name)).size, REPLICAS, 'pod names are unique');
    assert.ok((await elapsedMs()) - before <= MAX_VIRTUAL_SECONDS * 1000);
    assert.equal(await page.locator('#pending').getAttribute('data-count'), '0');
    assert.equal(await page.locator('#pending .pod').count(), 0);
    assert.equal(await page.locator('.node-card[data-ready="true"]').count(), NODES.length);
  });

  test('node cards show requests within allocatable', async () => {
    const meters = await page.locator('.node-card .meter').evaluateAll((els) =>
      els.map((el) => ({
        node: el.closest('.node-card').dataset.node,
        resource: el.dataset.resource,
        used: Number(el.dataset.used),
        total: Number(el.dataset.total),
      })),
    );
    assert.equal(meters.length, NODES.length * 3);
    let cpu = 0;
    for (const m of meters) {
      assert.ok(m.total > 0, `${m.node} ${m.resource}: allocatable > 0`);
      assert.ok(m.used <= m.total, `${m.node} ${m.resource}: ${m.used} <= ${m.total}`);
      if (m.resource === 'cpu') cpu += m.used;
    }
    assert.equal(cpu, REPLICAS * 500, 'every replica requests 500m');
  });

  test('Play runs the clock and Pause stops it', async () => {
    const start = await elapsedMs();
    await page.locator('#play').click();
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(
      (t) => Number(document.querySelector('#clock').dataset.elapsedMs) >= t + 2000,
      start,
      { timeout: 10_000 },
    );
    await page.locator('#play').click();
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
    const paused = await elapsedMs();
    await page.waitForTimeout(600);
    assert.equal(await elapsedMs(), paused, 'the clock stands still while paused');
    assert.equal(await runningOnNodes().count(), REPLICAS);
  });

  test('the kubectl console runs commands against the same cluster', async () => {
    await page.locator('#kubectl-input').fill('get pods -o wide');
    await page.locator('#kubectl-input').press('Enter');
    const entry = page.locator('#kubectl-output .entry').last();
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-exit-code'), '0');
    const out = await entry.locator('.stdout').textContent();
    assert.match(out, /^NAME\s+READY\s+STATUS/);
    assert.equal((out.match(/ Running /g) ?? []).length, REPLICAS);
    assert.equal(await page.locator('#kubectl-input').inputValue(), '', 'the input clears after a run');

    await page.locator('#kubectl-input').fill('kubectl get nodes');
    await page.locator('#kubectl-run').click();
    const nodes = await page.locator('#kubectl-output .entry').last().locator('.stdout').textContent();
    for (const n of NODES) assert.match(nodes, new RegExp(`^${n}\\s+Ready`, 'm'));

    await page.locator('#kubectl-input').fill('frobnicate');
    await page.locator('#kubectl-input').press('Enter');
    const bad = page.locator('#kubectl-output .entry').last();
    assert.notEqual(await bad.getAttribute('data-exit-code'), '0');
    assert.match(await bad.locator('.stderr').textContent(), /unknown command/);
  });

  test('screenshot', { skip: !screenshot }, async () => {
    await mkdir(dirname(screenshot), { recursive: true });
    // A minute on, with the console showing the pods as kubectl does.
    await page.locator('#step-minute').click();
    await page.locator('#kubectl-clear').click();
    await page.locator('.kubectl-chip[data-command="get pods -o wide"]').click();
    await page.locator('#kubectl-output .entry').last().waitFor();
    assert.equal(await runningOnNodes().count(), REPLICAS);
    await page.locator('#manifest').evaluate((el) => (el.scrollTop = 0));
    await page.screenshot({ path: screenshot, fullPage: true });
  });

  test('Example restores the scenario; applying it again changes nothing', async () => {
    await page.locator('#load-example').click();
    assert.match(await page.locator('#manifest').inputValue(), /kind: Deployment/);
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    const applied = await page.locator('#applied li').allTextContents();
    assert.equal(applied.length, NODES.length + 1);
    assert.ok(applied.every((l) => l.endsWith(' unchanged')), JSON.stringify(applied));
    assert.equal(await page.locator('#status-error').count(), 0);
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});

describe('Status errors', { timeout: 60_000 }, () => {
  // A fresh page: these tests hold whatever happened to the cluster above.
  before(async () => {
    problems.length = 0;
    await page.goto(server.url);
    await page.locator('#apply').waitFor();
  });
  beforeEach(assertNoPanic);

  test('an invalid manifest shows a Status error with field paths', async () => {
    const invalid = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: broken',
      'spec:',
      '  replicas: -1',
      '  selector:',
      '    matchLabels: {app: broken}',
      '  template:',
      '    metadata:',
      '      labels: {app: other}',
      '    spec:',
      '      containers:',
      '        - name: c',
      '          image: nginx',
      '',
    ].join('\n');
    await page.locator('#manifest').fill(invalid);
    await page.locator('#apply').click();
    const error = page.locator('#status-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), '422');
    assert.equal(await error.getAttribute('data-reason'), 'Invalid');
    assert.match(await error.locator('.status-message').textContent(), /broken/);
    const fields = await error.locator('.cause').evaluateAll((els) => els.map((el) => el.dataset.field));
    assert.ok(fields.includes('spec.replicas'), `causes name spec.replicas: ${JSON.stringify(fields)}`);
    assert.equal(await page.locator('#applied').count(), 0);
    // Nothing was created.
    assert.equal(await page.locator('.node-card').count(), 0);
  });

  test('a manifest that is not YAML shows a Status error', async () => {
    await page.locator('#manifest').fill('kind: [unclosed\n');
    await page.locator('#apply').click();
    const error = page.locator('#status-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), '400');
    assert.ok((await error.locator('.status-message').textContent()).length > 0);
  });

  test('apply warnings are shown next to what was applied', async () => {
    await page.locator('#manifest').fill(
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  a: b', 'extra: 2', ''].join('\n'),
    );
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    assert.deepEqual(await page.locator('#applied li').allTextContents(), ['configmap/settings created']);
    assert.deepEqual(await page.locator('#warnings .warning').allTextContents(), ['Warning: unknown field "extra"']);
    assert.equal(await page.locator('#status-error').count(), 0);
  });

  test('a valid manifest applies after an error, and clears it', async () => {
    await page.locator('#load-example').click();
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    assert.equal(await page.locator('#status-error').count(), 0);
    assert.equal(await page.locator('.node-card').count(), NODES.length);
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});
