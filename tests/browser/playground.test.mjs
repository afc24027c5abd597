// End-to-end test of the playground in Chromium: apply the example, move virtual time,
// see the pods Running on node cards; ask Why? about a pod (nodes × plugins); messages pinned
// to manifest lines; node actions (drain under a PodDisruptionBudget, stop, restore);
// scenarios (rollout and undo); the Events timeline.
//
// Run through ./run.sh (it builds dist/ first). Environment:
//   KPLANE_DIST        the built playground (default: <repo>/dist)
//   CHROMIUM           the browser (default: /usr/bin/chromium)
//   KPLANE_SCREENSHOT  where to save the screenshot (default: <repo>/docs/playground.png; "" = none);
//                      the Why? panel goes next to it as playground-why.png
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
const whyScreenshot = screenshot && screenshot.replace(/(\.png)?$/, '-why.png');

const REPLICAS = 5; // examples/three-nodes.yaml: Deployment `web`
const NODES = ['node-a', 'node-b', 'node-c'];
const MAX_VIRTUAL_SECONDS = 60;

let server;
let browser;
let page;
const problems = []; // uncaught exceptions and console errors in the page

// The worker has answered every command the page sent (set synchronously by the page).
const settle = () => page.waitForSelector('html[data-inflight="0"]', { state: 'attached' });
// A fresh page, loaded and idle.
const open = async (url = server.url) => {
  await page.goto(url);
  await page.locator('.app[data-ready="true"]').waitFor();
  await settle();
};
// Answers the "this wipes the cluster" question with yes, when it is asked.
const confirmIfAsked = async () => {
  if (await page.locator('#confirm').count()) {
    await page.locator('#confirm-yes').click();
    await settle();
  }
};
const runningOnNodes = () => page.locator('.node-card .pod[data-status="Running"]');
// A panic poisons the WebAssembly instance: everything after it would time out, so fail
// at once with the panic's message.
const assertNoPanic = async () => {
  const panic = (await page.locator('#panic').textContent()) ?? '';
  assert.equal(panic, '', `the playground panicked:\n${panic}`);
};
const elapsedMs = async () => Number(await page.locator('#clock').getAttribute('data-elapsed-ms'));
const card = (node) => page.locator(`.node-card[data-node="${node}"]`);
// A fresh page with scenario `id` applied and `minutes` of virtual time run.
const startScenario = async (id, minutes = 1) => {
  await open();
  await page.locator('#scenario').selectOption(id);
  await settle();
  await confirmIfAsked();
  assert.equal(await page.locator('#scenario-card').getAttribute('data-scenario'), id);
  await page.locator('#apply').click();
  await settle();
  await page.locator('#applied li').first().waitFor();
  assert.equal(await page.locator('.status-error').count(), 0);
  for (let i = 0; i < minutes; i++) { await page.locator('#step-minute').click(); await settle(); }
  await assertNoPanic();
};
// Runs a kubectl command in the console; returns its entry's { exit, stdout, stderr }.
const kubectl = async (command) => {
  const before = await page.locator('#kubectl-output .entry').count();
  await page.locator('#kubectl-input').fill(command);
  await page.locator('#kubectl-input').press('Enter');
  await settle();
  await page.locator('#kubectl-output .entry').nth(before).waitFor();
  return lastEntry();
};
const lastEntry = async () => {
  const entry = page.locator('#kubectl-output .entry').last();
  const text = async (cls) => ((await entry.locator(cls).count()) ? await entry.locator(cls).textContent() : '');
  return {
    command: await entry.locator('.cmd').textContent(),
    exit: Number(await entry.getAttribute('data-exit-code')),
    stdout: await text('.stdout'),
    stderr: await text('.stderr'),
  };
};
// Opens the Why? panel for a pod; returns the panel.
const why = async (pod) => {
  await pod.click();
  await settle();
  const name = await pod.getAttribute('data-pod');
  const panel = page.locator('#why');
  await page.waitForFunction((n) => document.querySelector('#why')?.dataset.pod === n, name);
  return panel;
};

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
  await open();
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
    assert.equal(await page.locator('#scenario').inputValue(), 'three-nodes');
    assert.ok((await page.locator('#scenario option').count()) >= 9, 'the picker offers the scenarios');
    assert.equal(await page.locator('#why').count(), 0);
    assert.match(await page.locator('#clock').getAttribute('data-now'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });

  test('Apply creates the nodes and the Deployment, as kubectl apply reports them', async () => {
    await page.locator('#apply').click();
    await settle();
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
      await settle();
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
    await settle();
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(
      (t) => Number(document.querySelector('#clock').dataset.elapsedMs) >= t + 2000,
      start,
      { timeout: 10_000 },
    );
    await page.locator('#play').click();
    await settle();
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
    const paused = await elapsedMs();
    await page.waitForTimeout(600);
    assert.equal(await elapsedMs(), paused, 'the clock stands still while paused');
    assert.equal(await runningOnNodes().count(), REPLICAS);
  });

  test('the kubectl console runs commands against the same cluster', async () => {
    await page.locator('#kubectl-input').fill('get pods -o wide');
    await page.locator('#kubectl-input').press('Enter');
    await settle();
    const entry = page.locator('#kubectl-output .entry').last();
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-exit-code'), '0');
    const out = await entry.locator('.stdout').textContent();
    assert.match(out, /^NAME\s+READY\s+STATUS/);
    assert.equal((out.match(/ Running /g) ?? []).length, REPLICAS);
    assert.equal(await page.locator('#kubectl-input').inputValue(), '', 'the input clears after a run');

    await page.locator('#kubectl-input').fill('kubectl get nodes');
    await page.locator('#kubectl-run').click();
    await settle();
    const nodes = await page.locator('#kubectl-output .entry').last().locator('.stdout').textContent();
    for (const n of NODES) assert.match(nodes, new RegExp(`^${n}\\s+Ready`, 'm'));

    await page.locator('#kubectl-input').fill('frobnicate');
    await page.locator('#kubectl-input').press('Enter');
    await settle();
    const bad = page.locator('#kubectl-output .entry').last();
    assert.notEqual(await bad.getAttribute('data-exit-code'), '0');
    assert.match(await bad.locator('.stderr').textContent(), /unknown command/);
  });

  test('clicking a scheduled pod shows Why?: the nodes × plugins table, its Events and conditions', async () => {
    const pod = runningOnNodes().first();
    const node = await pod.evaluate((el) => el.closest('.node-card').dataset.node);
    const panel = await why(pod);
    assert.equal(await pod.getAttribute('aria-pressed'), 'true');
    assert.equal(await panel.locator('.attempt').getAttribute('data-result'), 'Scheduled');
    const columns = await panel.locator('thead .node-col').evaluateAll((els) => els.map((el) => el.dataset.node));
    assert.deepEqual([...columns].sort(), NODES);
    assert.equal(await panel.locator('thead .node-col.chosen').getAttribute('data-node'), node, 'the chosen node is highlighted');
    // Every filter passed on every node (five 500m pods fit anywhere).
    const filters = await panel.locator('tbody.filters tr[data-plugin]').count();
    assert.ok(filters >= 5, `filter plugins: ${filters}`);
    assert.equal(await panel.locator('td.verdict').count(), filters * NODES.length);
    assert.equal(await panel.locator('td.verdict.fail').count(), 0);
    // Three feasible nodes are scored: raw → normalized × weight, and a final score each.
    assert.ok((await panel.locator('tbody.scores tr[data-plugin]').count()) >= 2);
    assert.match(await panel.locator('td.score .calc').first().textContent(), /^-?\d+ → \d+ ×\d+$/);
    const totals = await panel.locator('td.total-cell').allTextContents();
    assert.equal(totals.length, NODES.length);
    const chosenTotal = Number(await panel.locator('td.total-cell.chosen').textContent());
    assert.ok(totals.every((t) => Number(t) <= chosenTotal), `the chosen node has the top score: ${totals}`);
    // The pod's Events and conditions, from the API.
    const reasons = await panel.locator('#why-events .event').evaluateAll((els) => els.map((el) => el.dataset.reason));
    assert.ok(reasons.includes('Scheduled') && reasons.includes('Started'), JSON.stringify(reasons));
    assert.equal(await panel.locator('#why-conditions tr[data-type="PodScheduled"]').getAttribute('data-status'), 'True');
    assert.equal(await panel.locator('#why-conditions tr[data-type="Ready"]').getAttribute('data-status'), 'True');
    await panel.locator('#why-close').click();
    await settle();
    assert.equal(await page.locator('#why').count(), 0);
  });

  test('the Events timeline lists the latest Events, newest first', async () => {
    const timeline = page.locator('#timeline');
    assert.ok(Number(await timeline.getAttribute('data-count')) > 5);
    const reasons = await timeline.locator('.tl-event').evaluateAll((els) => els.map((el) => el.dataset.reason));
    assert.ok(reasons.includes('Started'), JSON.stringify(reasons));
    const times = await timeline.locator('.tl-event .ev-time').allTextContents();
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    // Warnings only: none yet.
    await page.locator('#timeline-warnings').check();
    await settle();
    assert.equal(await timeline.locator('.tl-event').count(), 0);
    await page.locator('#timeline-warnings').uncheck();
    await settle();
    // An Event about a pod selects that pod.
    await timeline.locator('.tl-event[data-object^="pod/"]').first().click();
    await settle();
    await page.locator('#why').waitFor();
    await page.locator('#why-close').click();
    await settle();
  });

  test('Reload restores the scenario; applying it again changes nothing', async () => {
    await page.locator('#load-example').click();
    await settle();
    assert.match(await page.locator('#manifest').inputValue(), /kind: Deployment/);
    await page.locator('#apply').click();
    await settle();
    await page.locator('#applied li').first().waitFor();
    const applied = await page.locator('#applied li').allTextContents();
    assert.equal(applied.length, NODES.length + 1);
    assert.ok(applied.every((l) => l.endsWith(' unchanged')), JSON.stringify(applied));
    assert.equal(await page.locator('#status-error').count(), 0);
  });

  test('screenshot', { skip: !screenshot }, async () => {
    await mkdir(dirname(screenshot), { recursive: true });
    // Scaled past what fits: four replicas stay Pending; the console shows the pods as
    // kubectl does and the timeline the scheduler's warnings.
    await page.locator('#kubectl-clear').click();
    await settle();
    await page.locator('.kubectl-chip[data-command="scale deployment web --replicas=20"]').click();
    await settle();
    await page.locator('#step-minute').click();
    await settle();
    await page.locator('.kubectl-chip[data-command="get pods -o wide"]').click();
    await settle();
    await page.locator('#kubectl-output .entry').last().waitFor();
    assert.equal(await runningOnNodes().count(), 16);
    assert.equal(await page.locator('#pending .pod').count(), 4);
    await page.locator('#timeline-warnings').check();
    await settle();
    const warnings = await page.locator('#timeline .tl-event').evaluateAll((els) => els.map((el) => el.dataset.reason));
    assert.deepEqual(warnings, Array(4).fill('FailedScheduling'));
    await page.locator('#manifest').evaluate((el) => (el.scrollTop = 0));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshot, fullPage: true });
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
    await settle();
    const error = page.locator('#status-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), '422');
    assert.equal(await error.getAttribute('data-reason'), 'Invalid');
    assert.match(await error.locator('.status-message').textContent(), /broken/);
    const fields = await error.locator('.cause').evaluateAll((els) => els.map((el) => el.dataset.field));
    assert.ok(fields.includes('spec.replicas'), `causes name spec.replicas: ${JSON.stringify(fields)}`);
    assert.equal(await page.locator('#applied').count(), 0);
    // Pinned to the manifest: the document's first line, and the line of spec.replicas.
    assert.equal(await error.getAttribute('data-line'), '1');
    assert.equal(await page.locator('.gutter-marker.error[data-line="1"]').count(), 1);
    assert.equal(await page.locator('.cause[data-field="spec.replicas"]').getAttribute('data-line'), '6');
    assert.equal(await page.locator('.gutter-marker.error[data-line="6"]').count(), 1);
    assert.match(await page.locator('.lens.error[data-line="6"]').textContent(), /spec\.replicas/);
    // Nothing was created.
    assert.equal(await page.locator('.node-card').count(), 0);
  });

  test('an invalid second document shows its marker at that document\'s line; the others apply', async () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: first',
      '---',
      'apiVersion: apps/v1', // line 6: the second document starts here
      'kind: Deployment',
      'metadata:',
      '  name: broken',
      'spec:',
      '  replicas: 1',
      '  selector:',
      '    matchLabels: {app: broken}',
      '  template:',
      '    metadata:',
      '      labels: {app: other}', // line 16: does not match the selector
      '    spec:',
      '      containers:',
      '        - name: c',
      '          image: nginx',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: third',
      '',
    ].join('\n');
    await page.locator('#manifest').fill(text);
    await page.locator('#apply').click();
    await settle();
    const error = page.locator('.status-error');
    await error.waitFor();
    assert.equal(await error.count(), 1);
    assert.equal(await error.getAttribute('data-line'), '6');
    assert.equal(await error.getAttribute('data-code'), '422');
    assert.match(await error.locator('.line-link').first().textContent(), /Line 6 · document 2 · Deployment\/broken/);
    const markers = await page.locator('.gutter-marker.error').evaluateAll((els) => els.map((el) => el.dataset.line));
    assert.ok(markers.includes('6'), `a marker at line 6: ${markers}`);
    assert.match(await page.locator('.lens.error[data-line="6"]').textContent(), /422 Invalid/);
    assert.equal(await page.locator('#manifest').getAttribute('aria-invalid'), 'true');
    // kubectl apply goes on with the next documents.
    assert.deepEqual(await page.locator('#applied li').allTextContents(), ['configmap/first created', 'configmap/third created']);
    // A click on the line link selects that line in the editor.
    await error.locator('.line-link').first().click();
    await settle();
    const selected = await page.locator('#manifest').evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.equal(selected, 'apiVersion: apps/v1');
  });

  test('a manifest that is not YAML shows a Status error', async () => {
    await page.locator('#manifest').fill('kind: [unclosed\n');
    await page.locator('#apply').click();
    await settle();
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
    await settle();
    await page.locator('#applied li').first().waitFor();
    assert.deepEqual(await page.locator('#applied li').allTextContents(), ['configmap/settings created']);
    assert.deepEqual(await page.locator('.apply-warning .warning-text').allTextContents(), ['Warning: unknown field "extra"']);
    assert.equal(await page.locator('.apply-warning').getAttribute('data-line'), '7');
    assert.match(await page.locator('.apply-warning .line-link').textContent(), /^Line 7 · document 1 · ConfigMap\/settings$/);
    assert.equal(await page.locator('.gutter-marker.warning[data-line="7"]').count(), 1);
    assert.equal(await page.locator('.status-error').count(), 0);
  });

  test('a valid manifest applies after an error, and clears it', async () => {
    await page.locator('#load-example').click();
    await settle();
    await page.locator('#apply').click();
    await settle();
    await page.locator('#applied li').first().waitFor();
    assert.equal(await page.locator('.status-error').count(), 0);
    assert.equal(await page.locator('.gutter-marker').count(), 0);
    assert.equal(await page.locator('.node-card').count(), NODES.length);
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});

describe('Why? for a pending pod', { timeout: 60_000 }, () => {
  before(() => (problems.length = 0));
  beforeEach(assertNoPanic);

  test('a Pending pod shows the FailedScheduling message and each node\'s failing filter', async () => {
    await startScenario('gpu-taints', 0);
    await page.locator('#step').click();
    await settle();
    const pending = page.locator('#pending .pod');
    await pending.first().waitFor();
    assert.equal(await pending.count(), 2);
    const panel = await why(pending.first());
    assert.equal(await panel.locator('.attempt').getAttribute('data-result'), 'Unschedulable');
    assert.match(
      await panel.locator('#failed-scheduling').textContent(),
      /FailedScheduling\s*0\/3 nodes are available: 1 Insufficient cpu, 2 node\(s\) had untolerated taint \{gpu-enabled: true\}/,
    );
    const cell = (node, plugin) => panel.locator(`tr[data-plugin="${plugin}"] td[data-node="${node}"]`);
    for (const gpu of ['gpu-1', 'gpu-2']) {
      assert.equal(await cell(gpu, 'TaintToleration').getAttribute('data-status'), 'UnschedulableAndUnresolvable');
      assert.match(await cell(gpu, 'TaintToleration').textContent(), /untolerated taint \{gpu-enabled: true\}/);
      assert.equal(await cell(gpu, 'NodeUnschedulable').getAttribute('data-status'), 'Success');
      assert.equal(await cell(gpu, 'NodeResourcesFit').getAttribute('data-status'), 'NotRun');
    }
    assert.equal(await cell('general-1', 'NodeResourcesFit').getAttribute('data-status'), 'Unschedulable');
    assert.match(await cell('general-1', 'NodeResourcesFit').textContent(), /Insufficient cpu/);
    assert.equal(await panel.locator('thead .node-col.chosen').count(), 0);
    assert.equal(await panel.locator('thead .node-col.filtered').count(), 3);
    // Its Events and conditions say the same.
    assert.equal(await panel.locator('#why-events .event[data-reason="FailedScheduling"]').getAttribute('data-type'), 'Warning');
    assert.equal(await panel.locator('#why-conditions tr[data-type="PodScheduled"]').getAttribute('data-status'), 'False');
    // The taints are on the node cards too.
    assert.deepEqual(await card('gpu-1').locator('.taint').allTextContents(), ['gpu-enabled=true:NoSchedule']);
    // describe runs kubectl describe pod in the console.
    await panel.locator('#why-describe').click();
    await settle();
    const out = await lastEntry();
    assert.match(out.command, /describe pod web-/);
    assert.match(out.stdout, /FailedScheduling/);
  });

  test('screenshot of the Why? panel', { skip: !whyScreenshot }, async () => {
    // The topology-spread scenario: the last pods find a node filtered out by the skew.
    await startScenario('topology-spread', 0);
    await page.locator('#step').click();
    await settle();
    const pods = await page.locator('.node-card .pod').all();
    assert.equal(pods.length, 10);
    let panel;
    for (const pod of pods.reverse()) {
      panel = await why(pod);
      if (await panel.locator('td.verdict.fail').count()) break;
    }
    assert.match(await panel.locator('tr[data-plugin="PodTopologySpread"] td.verdict.fail').first().textContent(), /didn't match pod topology spread constraints/);
    await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: whyScreenshot });
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});

describe('node actions', { timeout: 120_000 }, () => {
  before(() => (problems.length = 0));
  beforeEach(assertNoPanic);

  test('Drain of a node under a PodDisruptionBudget waits in virtual time, then drains', async () => {
    await startScenario('pdb-drain');
    assert.equal(await card('node-a').locator('.pod[data-status="Running"]').count(), 2);
    const start = await elapsedMs();
    await card('node-a').locator('button[data-action="drain"]').click();
    await settle();
    await page.waitForFunction(() =>
      document.querySelector('#kubectl-output .entry:last-child .cmd')?.textContent.includes('drain node-a'),
    );
    const out = await lastEntry();
    assert.equal(out.exit, 0, out.stderr);
    assert.match(out.stdout, /^node\/node-a cordoned$/m);
    assert.match(out.stderr, /error when evicting pods\/"stable-app-[a-z0-9-]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget/);
    assert.match(out.stdout, /node\/node-a drained\n$/);
    assert.ok((await elapsedMs()) - start >= 5000, 'drain waited in virtual time');
    assert.equal(await card('node-a').getAttribute('data-unschedulable'), 'true');
    assert.equal(await card('node-a').locator('.badge.warn').textContent(), 'SchedulingDisabled');
    assert.equal(await card('node-a').locator('.pod').count(), 0);
    assert.equal(await card('node-a').locator('button[data-action="uncordon"]').count(), 1);
    await card('node-a').locator('button[data-action="uncordon"]').click();
    await settle();
    assert.equal(await card('node-a').getAttribute('data-unschedulable'), 'false');
    assert.equal((await lastEntry()).stdout, 'node/node-a uncordoned\n');
  });

  test('Stop a node, advance: it turns Unknown, is tainted, and its pods move', async () => {
    await startScenario('node-failure');
    const onC = await card('node-c').locator('.pod').count();
    assert.ok(onC > 0, 'node-c runs pods');
    await card('node-c').locator('button[data-action="stop"]').click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'node/node-c stopped\n');
    assert.equal(await card('node-c').getAttribute('data-machine'), 'Stopped');
    await page.locator('#step-minute').click();
    await settle();
    assert.equal(await card('node-c').getAttribute('data-condition'), 'Unknown');
    assert.equal(await card('node-c').locator('.ready-badge').textContent(), 'Unknown');
    const taints = await card('node-c').locator('.taint').allTextContents();
    assert.ok(taints.includes('node.kubernetes.io/unreachable:NoExecute'), JSON.stringify(taints));
    // The pods tolerate unreachable for 300 s, then are evicted and replaced elsewhere.
    for (let i = 0; i < 6; i++) { await page.locator('#step-minute').click(); await settle(); }
    await assertNoPanic();
    const running = await page
      .locator('.node-card:not([data-node="node-c"]) .pod[data-status="Running"]')
      .count();
    assert.equal(running, REPLICAS, 'all replicas run on node-a and node-b');
    assert.equal(await card('node-c').locator('.pod[data-status="Running"]').count(), 0);
    // Restore brings it back.
    await card('node-c').locator('button[data-action="restore"]').click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'node/node-c restored\n');
    await page.locator('#step').click();
    await settle();
    assert.equal(await card('node-c').getAttribute('data-condition'), 'Ready');
    assert.equal(await card('node-c').getAttribute('data-machine'), '');
  });

  test('Fail a node: NotReady, and Cordon marks it unschedulable', async () => {
    await card('node-b').locator('button[data-action="fail"]').click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'node/node-b failed\n');
    await page.locator('#step').click();
    await settle();
    assert.equal(await card('node-b').getAttribute('data-condition'), 'NotReady');
    await card('node-a').locator('button[data-action="cordon"]').click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'node/node-a cordoned\n');
    assert.equal(await card('node-a').getAttribute('data-unschedulable'), 'true');
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});

describe('scenarios', { timeout: 120_000 }, () => {
  before(() => (problems.length = 0));
  beforeEach(assertNoPanic);

  test('rollout, then undo, restores the old image', async () => {
    await startScenario('rollout');
    assert.equal(await runningOnNodes().count(), REPLICAS);
    const imageOf = async (pod) => (await why(pod)).locator('.images').textContent();
    assert.equal(await imageOf(runningOnNodes().first()), 'nginx:1.27');
    // The patch chip changes the image; step to watch the ReplicaSets trade places.
    await page.locator('.kubectl-chip', { hasText: 'patch image' }).click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'deployment.apps/web patched\n');
    await page.locator('#step').click();
    await settle();
    const rs = await kubectl('get rs');
    assert.equal(rs.stdout.trim().split('\n').length, 3, `two ReplicaSets:\n${rs.stdout}`);
    for (let i = 0; i < 30; i++) { await page.locator('#step').click(); await settle(); }
    const status = await kubectl('rollout status deployment/web');
    assert.match(status.stdout, /successfully rolled out/);
    assert.equal(await runningOnNodes().count(), REPLICAS);
    assert.equal(await imageOf(runningOnNodes().first()), 'nginx:1.28');
    const history = await kubectl('rollout history deployment/web');
    assert.match(history.stdout, /^1 /m);
    assert.match(history.stdout, /^2 /m);
    // Undo: the old ReplicaSet scales back up.
    await page.locator('.kubectl-chip[data-command="rollout undo deployment/web"]').click();
    await settle();
    assert.equal((await lastEntry()).stdout, 'deployment.apps/web rolled back\n');
    await page.locator('#step-minute').click();
    await settle();
    assert.equal(await runningOnNodes().count(), REPLICAS);
    const all = await runningOnNodes().all();
    for (const pod of all) assert.equal(await imageOf(pod), 'nginx:1.27');
    await page.locator('#why-close').click();
    await settle();
  });

  test('every scenario loads and applies cleanly', async () => {
    const options = await page.locator('#scenario option').evaluateAll((els) => els.map((el) => [el.value, el.parentElement.label]));
    for (const [id, group] of options) {
      await page.locator('#scenario').selectOption(id);
      await settle();
      await confirmIfAsked();
      assert.equal(await page.locator('.node-card').count(), 0, `${id}: a fresh cluster`);
      assert.ok((await page.locator('#scenario-card .steps li').count()) > 0, `${id} says what to do`);
      await page.locator('#apply').click();
      await settle();
      await page.locator('#applied li').first().waitFor();
      assert.equal(await page.locator('.status-error').count(), 0, id);
      assert.equal(await page.locator('.gutter-marker').count(), 0, id);
      await page.locator('#step').click();
      await settle();
      // Karpenter's scenarios bring a NodePool: their nodes come later.
      assert.ok(group === 'Karpenter' || (await page.locator('.node-card').count()) > 0, id);
      await assertNoPanic();
    }
  });

  test('the page raised no errors and did not panic', async () => {
    await assertNoPanic();
    assert.deepEqual(problems, []);
  });
});
