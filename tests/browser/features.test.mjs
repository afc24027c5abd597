// The playground's shared parts in Chromium, served under a sub-path with gzip: the worker
// (a trap is caught and the cluster rebuilt; long work shows progress and can be cancelled;
// a huge replica count is refused at once), share links, the embed mode in an iframe, the
// timeline (scrub back, undo, branch), charts and workloads, node cards with the cloud's
// instance types, prices and spot interruptions, cost and autoscaling charts, every gallery
// scenario, and accessibility (keyboard-only navigation, WCAG AA contrast in both themes, phone layout).
//
// Run through ./run.sh. KPLANE_MEASURE=1 also measures 500 nodes / 10,000 pods playing
// (long tasks, input latency) and writes tests/browser/measurements.json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const dist = process.env.KPLANE_DIST ?? resolve(repo, 'dist');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PREFIX = '/docs/playground/';
const EMBED = `${PREFIX}?embed&panels=cluster,console&scenario=pdb-drain`;
const HOST = `<!doctype html><html lang="en"><head><title>A documentation page</title><link rel="icon" href="data:,"></head><body>
<h1>Draining a node</h1><p>Press play below.</p>
<iframe id="demo" title="kplane playground: drain under a PodDisruptionBudget" src="${EMBED}" width="900" height="600" style="border:1px solid #ccc;border-radius:8px"></iframe>
</body></html>`;

let server;
let browser;
let page;
const problems = [];

const settle = (p = page) => p.waitForSelector('html[data-inflight="0"]', { state: 'attached', timeout: 60_000 });
const open = async (url = server.url, p = page) => {
  await p.goto('about:blank'); // a new document even when only the fragment differs
  await p.goto(url);
  await p.locator('.app[data-ready="true"]').waitFor({ timeout: 30_000 });
  await settle(p);
};
const click = async (selector, p = page) => {
  await p.locator(selector).click();
  await settle(p);
};
const elapsedMs = async (p = page) => Number(await p.locator('#clock').getAttribute('data-elapsed-ms'));
const podNames = (p = page) =>
  p.locator('.node-card .pod').evaluateAll((els) => els.map((e) => `${e.closest('.node-card').dataset.node}/${e.dataset.pod}/${e.dataset.status}`).sort());
const kubectl = async (command, p = page) => {
  const before = await p.locator('#kubectl-output .entry').count();
  await p.locator('#kubectl-input').fill(command);
  await p.locator('#kubectl-input').press('Enter');
  await settle(p);
  const entry = p.locator('#kubectl-output .entry').nth(before);
  await entry.waitFor();
  const text = async (cls) => ((await entry.locator(cls).count()) ? await entry.locator(cls).textContent() : '');
  return { exit: Number(await entry.getAttribute('data-exit-code')), stdout: await text('.stdout'), stderr: await text('.stderr') };
};
const pick = async (id) => {
  await page.locator('#scenario').selectOption(id);
  await settle();
  if (await page.locator('#confirm').count()) await click('#confirm-yes');
};
const applyEditor = async () => {
  await click('#apply');
  await page.locator('#messages').waitFor();
};
const noErrors = () => assert.deepEqual(problems, []);

before(async () => {
  server = await serve(dist, { prefix: PREFIX, pages: { '/docs/howto.html': HOST } });
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/kplane worker|RuntimeError|unreachable/.test(msg.text())) problems.push(`console.error: ${msg.text()}`);
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('served under a sub-path, compressed', () => {
  test('the page, the worker and their wasm load from relative paths with gzip', async () => {
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await open();
    const urls = responses.map((r) => new URL(r.url()).pathname);
    for (const f of ['kplane-web_bg.wasm', 'kplane-worker_loader.js', 'kplane-worker.js', 'kplane-worker_bg.wasm']) {
      assert.ok(urls.includes(`${PREFIX}${f}`), `${f} from the sub-path: ${urls.join(' ')}`);
    }
    const wasm = responses.find((r) => r.url().endsWith('kplane-web_bg.wasm'));
    assert.equal((await wasm.allHeaders())['content-encoding'], 'gzip');
    assert.equal(await page.locator('h1').count(), 1);
    noErrors();
  });
});

describe('never freeze, never die', () => {
  test('replicas: 2147483647 is refused at once, next to its line, and the page goes on', async () => {
    await open();
    const text = (await page.locator('#manifest').inputValue()).replace('replicas: 5', 'replicas: 2147483647');
    await page.locator('#manifest').fill(text);
    const t0 = Date.now();
    await applyEditor();
    const error = page.locator('.status-error[data-reason="PlaygroundLimit"]');
    await error.waitFor();
    assert.ok(Date.now() - t0 < 5_000, 'answered within seconds');
    assert.match(await error.textContent(), /spec\.replicas: 2147483647 is more than the playground runs in a browser tab/);
    const line = text.split('\n').findIndex((l) => l.includes('2147483647')) + 1;
    assert.equal(await page.locator(`.gutter-marker.error[data-line="${line}"]`).count(), 1);
    // The nodes applied; the page answers.
    await click('#step');
    assert.equal(await page.locator('.node-card').count(), 3);
    const out = await kubectl('scale deployment web --replicas=2147483647');
    assert.equal(out.exit, 1);
    assert.match(out.stderr, /at most 25000 per workload/);
    noErrors();
  });

  test('long work shows progress, the page stays responsive, and Cancel restores the cluster', async () => {
    await open();
    await applyEditor();
    await click('#step-minute');
    // 20,000 replicas on three small nodes, and a wait for them in virtual time: the
    // ReplicaSet controller creates 20 pods a second (its client's rate limit), the scheduler
    // tries each: seconds of work in the worker.
    assert.equal((await kubectl('scale deployment web --replicas=20000')).exit, 0);
    const before = await podNames();
    const started = Date.now();
    await page.locator('#kubectl-input').fill('wait --for=condition=Available deployment/web --timeout=1h');
    await page.locator('#kubectl-input').press('Enter');
    const busy = page.locator('#busy');
    await busy.waitFor({ timeout: 5_000 });
    assert.match(await busy.textContent(), /kubectl wait --for=condition=Available deployment\/web --timeout=1h/);
    // The main thread answers while the worker works.
    // (The median of five frames: the machine's other load makes single frames noisy.)
    const latency = await page.evaluate(async () => {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2];
    });
    assert.ok(latency < 250, `frames within 250 ms while busy (median), took ${latency}`);
    await page.locator('#kubectl-input').fill('typing works');
    assert.equal(await page.locator('#kubectl-input').inputValue(), 'typing works');
    await page.locator('#cancel').click();
    await page.locator('#notices').waitFor({ timeout: 10_000 });
    await settle();
    await page.waitForFunction(() => !document.querySelector('#busy'));
    assert.match(await page.locator('#notices').textContent(), /cancelled; the cluster is back at its last good state/);
    assert.deepEqual(await podNames(), before, 'the cluster before the command');
    assert.ok(Date.now() - started < 30_000);
    await click('#notices-dismiss');
    noErrors();
  });

  test('a trap in the worker is caught, reported, and the cluster rebuilt', async () => {
    await open();
    await applyEditor();
    await click('#step-minute');
    const before = await podNames();
    const clock = await elapsedMs();
    await page.evaluate(() => window.wasmBindings.kplaneTrapWorker());
    const notice = page.locator('#notices');
    await notice.waitFor({ timeout: 10_000 });
    await settle();
    await page.waitForFunction(() => document.querySelectorAll('.node-card').length === 3);
    assert.match(await notice.textContent(), /The simulation stopped \(.*unreachable.*\).*restarted from the last good snapshot \(point [12]\) and the [01] changes after it were replayed/);
    assert.deepEqual(await podNames(), before);
    assert.equal(await elapsedMs(), clock);
    // It works on.
    await click('#step');
    assert.equal(await elapsedMs(), clock + 1000);
    noErrors();
  });
});

describe('share links', () => {
  test('the address reopens the same cluster at the same point, with the editor and speed', async () => {
    await open();
    await applyEditor();
    await click('#step-minute');
    await kubectl('scale deployment web --replicas=3');
    await click('#step');
    await page.locator('#speed').selectOption('15');
    await page.locator('#manifest').fill((await page.locator('#manifest').inputValue()) + '# edited\n');
    await page.waitForFunction(() => location.hash.startsWith('#state=1.') && location.hash.length > 20);
    await page.waitForTimeout(600); // the address follows edits after 400 ms
    const url = page.url();
    const names = await podNames();
    const clock = await elapsedMs();
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await open(url, other);
    await other.waitForFunction((n) => document.querySelectorAll('.node-card .pod').length === n, names.length);
    assert.deepEqual(await podNames(other), names);
    assert.equal(await elapsedMs(other), clock);
    assert.equal(await other.locator('#speed').inputValue(), '15');
    assert.match(await other.locator('#manifest').inputValue(), /# edited\n$/);
    assert.equal(await other.locator('#history').getAttribute('data-points'), '5');
    await other.close();
    // A damaged link says so and starts empty.
    await open(`${server.url}#state=1.@@@`);
    assert.match(await page.locator('#notices').textContent(), /could not be opened: the link's state is damaged/);
    noErrors();
  });
});

describe('timeline', () => {
  test('scrubbing back and undo restore earlier states; a change in the past branches', async () => {
    await open();
    await applyEditor(); // point 1
    await click('#step-minute'); // point 2: five Running
    const five = await podNames();
    assert.equal(five.filter((p) => p.endsWith('/Running')).length, 5);
    await kubectl('scale deployment web --replicas=2'); // point 3
    await click('#step-minute'); // point 4
    assert.equal(await page.locator('.node-card .pod').count(), 2);
    assert.equal(await page.locator('#history').getAttribute('data-points'), '5');
    // Undo: back to point 3.
    await click('#undo');
    assert.equal(await page.locator('#history').getAttribute('data-current'), '3');
    assert.equal(await elapsedMs(), 60_000);
    // Scrub to point 2.
    await page.locator('#scrubber').fill('2'); // fires input and change
    await settle();
    await page.waitForFunction(() => document.querySelector('#history').dataset.current === '2');
    assert.equal(await page.locator('#history').getAttribute('data-current'), '2');
    assert.deepEqual(await podNames(), five);
    assert.equal(await page.locator('.branch-hint').count(), 1);
    assert.match(await page.locator('#history-at').textContent(), /^2\/4 \+1m · T\+1m00s$/);
    // Redo goes forward again.
    await click('#redo');
    assert.equal(await page.locator('#history').getAttribute('data-current'), '3');
    await click('#undo');
    // A step from point 2 drops points 3 and 4.
    await click('#step');
    assert.equal(await page.locator('#history').getAttribute('data-points'), '4');
    assert.equal(await page.locator('.branch-hint').count(), 0);
    assert.equal(await elapsedMs(), 61_000);
    noErrors();
  });

  test('charts follow virtual time and the workloads panel the rollout', async () => {
    await open();
    await applyEditor();
    for (let i = 0; i < 3; i++) await click('#step');
    await click('#step-minute');
    const running = page.locator('.chart[data-chart="pods"] .legend-list li[data-series="Running"]');
    assert.equal(await running.getAttribute('data-value'), '5');
    assert.ok((await page.locator('.chart[data-chart="pods"] path.series').count()) >= 2);
    for (const id of ['pods', 'pending', 'nodes', 'cpu', 'memory', 'replicas']) {
      assert.equal(await page.locator(`.chart[data-chart="${id}"]`).count(), 1, id);
    }
    assert.equal(await page.locator('.chart[data-chart="cpu"] li[data-series="requested"]').getAttribute('data-value'), '2500');
    assert.equal(await page.locator('.chart[data-chart="cost"]').count(), 0, 'no cost chart without priced nodes');
    const web = page.locator('.workload[data-kind="Deployment"][data-name="web"]');
    assert.equal(await web.getAttribute('data-state'), 'done');
    assert.match(await web.textContent(), /5\/5.*deployment "web" successfully rolled out/);
    noErrors();
  });
});

describe('cloud, cost and autoscaling', () => {
  test('a Karpenter spot node: its card, the cost chart, and the Spot interrupt action', async () => {
    await open();
    await pick('karpenter-spot-interruption');
    await applyEditor();
    for (let i = 0; i < 2; i++) await click('#step-minute');
    const total = Number(await page.locator('.chart[data-chart="cost"] li[data-series="total"]').getAttribute('data-value'));
    assert.ok(total > 0, `cost $/hour: ${total}`);
    const card = page.locator('.node-card', { has: page.locator('.node-cloud[data-capacity-type="spot"]') }).first();
    const cloud = card.locator('.node-cloud');
    assert.ok((await cloud.getAttribute('data-instance-type')).length > 0);
    assert.match(await cloud.getAttribute('data-zone'), /^[a-z]{2}-[a-z]+-\d[a-z]$/);
    assert.ok(Number(await cloud.getAttribute('data-price')) > 0);
    assert.match(await cloud.locator('.price').textContent(), /^\$\d+\.\d{4}\/h$/);
    assert.equal(await card.locator('.consolidation-note').count(), 1);
    const node = await card.getAttribute('data-node');
    const points = Number(await page.locator('#history').getAttribute('data-points'));
    await click(`.node-card[data-node="${node}"] .node-action[data-action="spot-interrupt"]`);
    const entry = page.locator('#kubectl-output .entry').last();
    assert.match(await entry.locator('.stdout').textContent(), new RegExp(`node/${node} interrupted \\(reclaimed in 2m0s\\)`));
    assert.equal(Number(await page.locator('#history').getAttribute('data-points')), points + 1, 'a point on the timeline');
    await click('#step');
    assert.match((await kubectl('get events -A')).stdout, /SpotInterrupted/);
    noErrors();
  });

  test('hpa-spike charts the HPA replicas and the requests served', async () => {
    await open();
    await pick('hpa-spike');
    await applyEditor();
    await click('#step-minute');
    const hpa = (series) => page.locator(`.chart[data-chart="hpa"] li[data-series="mi-aplicacion-hpa ${series}"]`).getAttribute('data-value');
    const served = () => page.locator('.chart[data-chart="requests"] li[data-series="mi-aplicacion-traffic served"]').getAttribute('data-value');
    assert.equal(await hpa('current'), '3');
    assert.equal(await served(), '90');
    for (let i = 0; i < 3; i++) await click('#step-minute');
    // The spike (300 more requests per second from 2m) took the HPA to its maximum.
    assert.equal(await hpa('current'), '10');
    assert.equal(await hpa('desired'), '10');
    assert.equal(await served(), '390');
    noErrors();
  });
});

describe('embed mode', () => {
  test('one scenario in an iframe under a sub-path: cluster and console, play, step, open in playground', async () => {
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.goto(`${server.origin}/docs/howto.html`);
    const frame = page.frameLocator('#demo');
    await frame.locator('.app[data-ready="true"]').waitFor({ timeout: 30_000 });
    await frame.locator('.node-card').first().waitFor();
    assert.equal(await frame.locator('.node-card').count(), 2, 'the pdb-drain scenario is applied');
    assert.equal(await frame.locator('#manifest').count(), 0, 'no editor unless asked');
    assert.equal(await frame.locator('#console').count(), 1);
    assert.equal(await frame.locator('#charts').count(), 0);
    await frame.locator('#step-minute').click();
    await frame.locator('.node-card .pod[data-status="Running"]').nth(2).waitFor();
    await frame.locator('#play').click();
    assert.equal(await frame.locator('#play').getAttribute('aria-pressed'), 'true');
    await frame.locator('#play').click();
    const href = await frame.locator('#open-playground').getAttribute('href');
    assert.match(href, new RegExp(`^${PREFIX.replace(/\//g, '\\/')}\\?scenario=pdb-drain#state=1\\.`));
    assert.equal(await frame.locator('#open-playground').getAttribute('target'), '_blank');
    // No horizontal overflow inside the 900 px frame, and the console and the pending pods
    // are in view without scrolling it.
    const frameEl = await page.locator('#demo').elementHandle();
    const inner = await frameEl.contentFrame();
    const overflow = await inner.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    const bottoms = await inner.evaluate(() =>
      ['#kubectl-input', '#pending', '.node-card'].map((s) => Math.round(document.querySelector(s).getBoundingClientRect().bottom)),
    );
    assert.ok(bottoms.every((b) => b <= 600), `in view in the 600 px frame: ${bottoms}`);
    // The link opens the full playground with the same cluster.
    const names = await inner.evaluate(() => [...document.querySelectorAll('.node-card .pod')].map((p) => p.dataset.pod).sort());
    await open(`${server.origin}${href}`);
    assert.equal(await page.locator('#scenario').inputValue(), 'pdb-drain');
    const full = await page.locator('.node-card .pod').evaluateAll((els) => els.map((p) => p.dataset.pod).sort());
    assert.deepEqual(full, names);
    await page.setViewportSize({ width: 1440, height: 900 });
    noErrors();
  });
});

// What each gallery card promises, checked after playing the scenario (kubectl output or
// the page). `seconds`: virtual time to play first.
const PROMISES = {
  'three-nodes': { seconds: 60, kubectl: ['get pods', /(?:.* Running .*\n){5}/] },
  rollout: { seconds: 60, running: 5 },
  'pdb-drain': { seconds: 60, card: ['node-a', 2] },
  'node-failure': { seconds: 60, running: 5 },
  statefulset: { seconds: 60, kubectl: ['get pods', /web-0 .*Running[\s\S]*web-1 .*Running[\s\S]*web-2 .*Running/] },
  daemonset: { seconds: 5, kubectl: ['get pods -A -o wide', /fluentd[\s\S]*fluentd[\s\S]*fluentd/], noneOn: 'gpu-1' },
  job: { seconds: 30, kubectl: ['get jobs', /1\/1/] },
  'job-backoff': { seconds: 120, kubectl: ['get jobs', /Failed|BackoffLimitExceeded|0\/1/] },
  cronjob: { seconds: 330, kubectl: ['get jobs', /hello-\d+[\s\S]*hello-\d+[\s\S]*hello-\d+/] },
  'gpu-taints': { seconds: 5, pending: 2 },
  'pod-affinity': { seconds: 5, sameNode: true },
  'pod-anti-affinity': { seconds: 5, pending: 1 },
  'topology-spread': { seconds: 5, spread: [3, 3, 2, 2] },
  preemption: { seconds: 60, extra: 'Apply the high-priority pod', after: 30, kubectl: ['get pods', /important .*Running/] },
  'crash-loop': { seconds: 90, kubectl: ['get pods', /CrashLoopBackOff|Error/] },
  probes: { seconds: 120, kubectl: ['get events', /Unhealthy/] },
  'init-containers': { seconds: 5, kubectl: ['get pods', /Running/] },
  'native-sidecar': { seconds: 20, kubectl: ['get pods', /2\/2 +Running/] },
  'graceful-shutdown': { seconds: 60, kubectl: ['get pods', /drains-in-10s/] },
  resources: { seconds: 120, kubectl: ['get events', /OOMKilling|OOMKilled|BackOff/] },
  replicationcontroller: { seconds: 30, running: 3, kubectl: ['get rc', /nginx +3 +3 +3/] },
  workspaces: { seconds: 60, running: 2, kubectl: ['ws tree', /root/] },
  // Checked against the core in web/src/scenario.rs (scenarios_keep_their_gallery_promises).
  'karpenter-scale-up': { seconds: 120, kubectl: ['get nodeclaims', / on-demand .* True /] },
  'karpenter-critical-web-service': { seconds: 120, kubectl: ['get pdb', /critical-web-service-pdb +50%/] },
  'karpenter-do-not-disrupt': { seconds: 120, kubectl: ['get nodeclaims', / on-demand .* True /] },
  'karpenter-max-pods': { seconds: 10, kubectl: ['get pods', /0\/1 +Pending/] },
  'karpenter-spot-interruption': { seconds: 120, kubectl: ['get nodeclaims', / spot .* True /] },
  'hpa-spike': { seconds: 240, kubectl: ['get hpa', /mi-aplicacion-hpa +\S+ +cpu: \S+ +3 +10 +10 /] },
  'keda-queue': { seconds: 180, kubectl: ['get deployments', /order-processor +10\/10 /] },
  'vpa-recreate': { seconds: 180, kubectl: ['get vpa', /my-app-vpa +Auto +\S+ +256Mi +True /] },
  'ebs-zonal': { seconds: 10, kubectl: ['get pods', /db-1 .* ContainerCreating /] },
  'efs-shared': { seconds: 10, kubectl: ['get pvc', /shared-data +Bound +\S+ +5Gi +RWX /] },
  'frontend-backend': { seconds: 5, kubectl: ['sim reach --matrix --port 8080', /default\/other +X +X +X +\. +\.\n/] },
};

describe('gallery', () => {
  test('every scenario plays and shows what its card promises', async () => {
    await open();
    const ids = await page.locator('#scenario option').evaluateAll((els) => els.map((el) => el.value));
    assert.deepEqual([...ids].sort(), Object.keys(PROMISES).sort(), 'a promise per scenario');
    for (const id of ids) {
      const p = PROMISES[id];
      await pick(id);
      await applyEditor();
      assert.equal(await page.locator('.status-error').count(), 0, id);
      await kubectl(`get nodes`);
      let left = p.seconds;
      while (left > 0) {
        const step = left >= 60 ? '#step-minute' : '#step';
        await click(step);
        left -= step === '#step-minute' ? 60 : 1;
      }
      if (p.extra) {
        await click(`.extra[data-extra="${p.extra}"]`);
        for (let i = 0; i < p.after; i++) await click('#step');
      }
      if (p.kubectl) {
        const out = await kubectl(p.kubectl[0]);
        assert.match(out.stdout, p.kubectl[1], `${id}: kubectl ${p.kubectl[0]}:\n${out.stdout}${out.stderr}`);
      }
      if (p.running) assert.equal(await page.locator('.node-card .pod[data-status="Running"]').count(), p.running, id);
      if (p.pending) assert.equal(await page.locator('#pending').getAttribute('data-count'), String(p.pending), id);
      if (p.card) assert.equal(await page.locator(`.node-card[data-node="${p.card[0]}"] .pod`).count(), p.card[1], id);
      if (p.noneOn) assert.equal(await page.locator(`.node-card[data-node="${p.noneOn}"] .pod`).count(), 0, id);
      if (p.sameNode) {
        const nodes = await page.locator('.node-card').evaluateAll((cs) => cs.filter((c) => c.querySelector('.pod')).length);
        assert.equal(nodes, 1, `${id}: every database pod on one node`);
      }
      if (p.spread) {
        const counts = await page.locator('.node-card').evaluateAll((cs) => cs.map((c) => c.querySelectorAll('.pod').length));
        assert.deepEqual([...counts].sort().reverse(), p.spread, id);
      }
    }
    noErrors();
  });
});

describe('for learners', () => {
  test('Why? says what each plugin checks, the numbers behind Insufficient cpu, and the message once', async () => {
    await open();
    await pick('gpu-taints');
    await applyEditor();
    await click('#step');
    await page.locator('#pending .pod').first().click();
    await settle();
    const why = page.locator('#why');
    await why.waitFor();
    const cell = why.locator('tr[data-plugin="NodeResourcesFit"] td[data-node="general-1"]');
    assert.match(await cell.textContent(), /Insufficient cpu: requests [\d.m]+, [\d.m]+ free/);
    assert.match(await why.locator('tr[data-plugin="TaintToleration"] .plugin-help').first().textContent(), /tolerates the node's NoSchedule and NoExecute taints/);
    const message = (await why.locator('.fs-message').textContent()).trim();
    const all = await why.textContent();
    assert.equal(all.split(message).length - 1, 1, 'the FailedScheduling message appears once');
    assert.ok((await why.locator('#why-events .ev-message.same').count()) >= 1);
    noErrors();
  });

  test('a tie at the top score is pointed out', async () => {
    await open();
    await applyEditor();
    await click('#step');
    let found = false;
    for (const pod of await page.locator('.node-card .pod').all()) {
      await pod.click();
      await settle();
      if (await page.locator('#tie-note').count()) {
        found = true;
        assert.match(await page.locator('#tie-note').textContent(), /tie at the top score .* picks one of them at random/);
        break;
      }
    }
    assert.ok(found, 'the first pod on three equal nodes sees a tie');
    noErrors();
  });

  test('an unreachable node counts down to the evictions', async () => {
    await open();
    await pick('node-failure');
    await applyEditor();
    await click('#step-minute');
    await click('.node-card[data-node="node-c"] button[data-action="stop"]');
    await click('#step-minute');
    const badge = page.locator('.node-card[data-node="node-c"] .countdown');
    await badge.waitFor();
    const left = Number(await badge.getAttribute('data-evicts-in-ms'));
    assert.ok(left > 0 && left <= 300_000, `${left}`);
    assert.match(await badge.textContent(), /^evicts in \d+m\d*s?$/);
    noErrors();
  });

  test('a crash-looping container counts down to its restart', async () => {
    await open();
    await pick('crash-loop');
    await applyEditor();
    for (let i = 0; i < 40; i++) {
      await click('#step');
      if (await page.locator('.node-card .pod[data-status="CrashLoopBackOff"]').count()) break;
    }
    await page.locator('.node-card .pod[data-status="CrashLoopBackOff"]').first().click();
    await settle();
    const countdown = page.locator('#why .backoff');
    await countdown.waitFor();
    const left = Number(await countdown.first().getAttribute('data-restarts-in-ms'));
    assert.ok(left > 0 && left <= 300_000, `${left}`);
    assert.match(await countdown.first().textContent(), /CrashLoopBackOff: the kubelet restarts container \S+ in \d+s \(back-off \d+s/);
    noErrors();
  });

  test('switching scenarios asks before wiping the cluster', async () => {
    await open();
    await applyEditor();
    await page.locator('#scenario').selectOption('job');
    await settle();
    await page.locator('#confirm').waitFor();
    await click('#confirm-no');
    assert.equal(await page.locator('#scenario').inputValue(), 'three-nodes');
    assert.equal(await page.locator('.node-card').count(), 3, 'the cluster is kept');
    await page.locator('#scenario').selectOption('job');
    await settle();
    await click('#confirm-yes');
    assert.equal(await page.locator('#scenario-card').getAttribute('data-scenario'), 'job');
    assert.equal(await page.locator('.node-card').count(), 0, 'a fresh cluster');
    // Escape closes the question too.
    await applyEditor();
    await page.locator('#scenario').selectOption('three-nodes');
    await settle();
    await page.locator('#confirm').waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#confirm'));
    noErrors();
  });
});

// WCAG 2.x contrast of every visible text node against the colours behind it.
const contrastFailures = () =>
  page.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a),
      g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a),
      a: 1,
    });
    const lum = ({ r, g, b }) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) {
          layers.push(c);
          if (c.a >= 1) break;
        }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (const l of layers.reverse()) bg = over(l, bg);
      return bg;
    };
    const seen = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('[aria-hidden="true"], option, noscript, .marked-text, svg')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden') continue;
      let opacity = 1;
      for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      const fg = parse(cs.color);
      fg.a *= opacity;
      const bg = background(el);
      const value = ratio(over(fg, bg), bg);
      const size = parseFloat(cs.fontSize);
      const bold = Number(cs.fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (value + 0.01 < needed) {
        const key = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
        if (!seen.has(key)) seen.set(key, `${key} "${n.textContent.trim().slice(0, 30)}" ${value.toFixed(2)} < ${needed} (${cs.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)}))`);
      }
    }
    return [...seen.values()];
  });

// A page that shows every text style: errors, warnings, Why?, pending, console, charts.
const everything = async () => {
  await open();
  await pick('gpu-taints');
  await applyEditor();
  await click('#step');
  await page.locator('#pending .pod').first().click();
  await settle();
  await page.locator('#why').waitFor();
  await kubectl('get pods -o wide');
  await kubectl('frobnicate');
  await page.locator('#timeline-warnings').check();
  await settle();
  await page.locator('#timeline-warnings').uncheck();
  await settle();
  await page.locator('#manifest').fill((await page.locator('#manifest').inputValue()) + '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nextra: 1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec: {}\n');
  await applyEditor();
};

describe('accessibility', () => {
  for (const scheme of ['light', 'dark']) {
    test(`every text style meets WCAG AA contrast (${scheme})`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      await everything();
      const failures = await contrastFailures();
      assert.deepEqual(failures, []);
      await page.emulateMedia({ colorScheme: 'light' });
    });
  }

  test('keyboard only: Tab reaches every control, Escape leaves the editor and closes Why?', async () => {
    await open();
    await applyEditor();
    await click('#step');
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll('button, select, input, textarea, a[href], [tabindex="0"]')]
        .filter((e) => !e.closest('.pods.compact') || e.matches('.pod'))
        .filter((e) => !e.disabled && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
        .map((e) => e.id || (e.dataset.action ? `${e.dataset.action}:${e.closest('[data-node]')?.dataset.node}` : '') || e.dataset.pod || e.dataset.command || e.dataset.extra || e.textContent.trim().slice(0, 20)),
    );
    const reached = new Set();
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        return e.id || (e.dataset.action ? `${e.dataset.action}:${e.closest('[data-node]')?.dataset.node}` : '') || e.dataset.pod || e.dataset.command || e.dataset.extra || e.textContent.trim().slice(0, 20);
      });
      if (id === 'manifest') {
        // Tab indents in the editor; Escape leaves it.
        await page.keyboard.press('Escape');
        assert.notEqual(await page.evaluate(() => document.activeElement.id), 'manifest', 'Escape leaves the editor');
      }
      if (id) reached.add(id);
    }
    const missed = controls.filter((c) => !reached.has(c));
    assert.deepEqual(missed, [], 'every control is reachable with Tab');
    // Enter on a pod opens Why?; Escape closes it.
    await page.locator('.node-card .pod').first().focus();
    await page.keyboard.press('Enter');
    await settle();
    await page.locator('#why').waitFor();
    await page.keyboard.press('Escape');
    await settle();
    await page.waitForFunction(() => !document.querySelector('#why'));
    noErrors();
  });

  test('a phone (390×844): no horizontal overflow, a usable header', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open();
    await applyEditor();
    await click('#step-minute');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    const header = await page.locator('.topbar').boundingBox();
    assert.ok(header.height <= 844 / 4, `header ${header.height}px tall`);
    await page.setViewportSize({ width: 1440, height: 900 });
    noErrors();
  });
});

describe('measurements', { skip: process.env.KPLANE_MEASURE !== '1' }, () => {
  test('500 nodes / 10,000 pods playing: long tasks and input latency on the page', { timeout: 900_000 }, async () => {
    const nodes = [];
    for (let i = 0; i < 500; i++) {
      nodes.push(`apiVersion: v1\nkind: Node\nmetadata:\n  name: node-${String(i).padStart(3, '0')}\n  labels: {kubernetes.io/hostname: node-${i}, topology.kubernetes.io/zone: zone-${i % 3}}\nstatus:\n  capacity: {cpu: "8", memory: 32Gi, pods: "110"}\n`);
    }
    const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  replicas: 10000\n  selector:\n    matchLabels: {app: big}\n  template:\n    metadata:\n      labels: {app: big}\n    spec:\n      containers:\n        - name: c\n          image: nginx\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n`;
    const t0 = Date.now();
    await page.goto(server.url);
    await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
    const tti = await page.evaluate(() => performance.now());
    await page.evaluate((text) => {
      const area = document.querySelector('#manifest');
      area.value = text;
      area.dispatchEvent(new InputEvent('input', { bubbles: true }));
    }, nodes.join('---\n') + '---\n' + deploy);
    const applyStart = Date.now();
    await page.locator('#apply').click();
    await page.waitForSelector('html[data-inflight="0"]', { state: 'attached', timeout: 600_000 });
    const applyMs = Date.now() - applyStart;
    await page.evaluate(() => {
      window.__long = [];
      window.__events = [];
      const since = performance.now();
      // Gaps between animation frames: a frame longer than 50 ms shows as a gap over 50 ms.
      window.__gaps = [];
      let last = performance.now();
      const frame = (t) => {
        window.__gaps.push(t - last);
        last = t;
        if (!window.__stopFrames) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
      // Input events during play: their delay (input to handler) and their whole duration (to the next paint).
      new PerformanceObserver((l) =>
        window.__events.push(
          ...l
            .getEntries()
            .filter((e) => e.startTime >= since)
            .map((e) => ({ name: e.name, delay: e.processingStart - e.startTime, duration: e.duration })),
        ),
      ).observe({ type: 'event', durationThreshold: 16 });
    });
    await page.locator('#speed').selectOption('5');
    await page.locator('#play').click();
    const typed = [];
    const playStart = Date.now();
    while (Date.now() - playStart < 15_000) {
      const t = Date.now();
      await page.locator('#kubectl-input').press('a');
      typed.push(Date.now() - t);
      await page.waitForTimeout(200);
    }
    await page.locator('#play').click();
    const stats = await page.evaluate(() => {
      window.__stopFrames = true;
      return { long: window.__long, events: window.__events, gaps: window.__gaps };
    });
    const pods = Number((await page.locator('#summary').textContent()).match(/\/(\d+) pods/)?.[1]);
    const files = await readdir(dist);
    const sizes = {};
    for (const f of files) {
      const body = await readFile(resolve(dist, f));
      sizes[f] = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
    }
    const result = {
      pods,
      timeToInteractiveMs: Math.round(tti),
      applyMs,
      longTasks: stats.long.length,
      longestTaskMs: Math.round(Math.max(0, ...stats.long)),
      frames: stats.gaps.length,
      longestFrameGapMs: Math.round(Math.max(0, ...stats.gaps.slice(1))),
      frameGapsOver50Ms: stats.gaps.slice(1).filter((g) => g > 50).length,
      inputEventsOver16Ms: stats.events.length,
      slowestInputEventMs: Math.round(Math.max(0, ...stats.events.map((e) => e.duration))),
      longestInputDelayMs: Math.round(Math.max(0, ...stats.events.map((e) => e.delay))),
      slowestInputEvents: stats.events.sort((a, b) => b.duration - a.duration).slice(0, 3),
      keypressRoundTripMs: { max: Math.max(...typed), median: typed.sort((a, b) => a - b)[typed.length >> 1] },
      elapsedVirtualMs: await elapsedMs(),
      wallMs: Date.now() - t0,
      sizes,
    };
    await writeFile(resolve(here, 'measurements.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
    // The ReplicaSet controller creates pods at its client's rate (20 a second after a burst of
    // 30), so the pods there are depends on how far virtual time got.
    assert.ok(pods >= Math.min(10000, 20 * Math.floor(result.elapsedVirtualMs / 1000)), `${pods} pods`);
  });
});
