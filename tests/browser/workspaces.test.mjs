// The playground's workspaces in Chromium, with the control plane in the worker: the tree
// beside the editor comes from the worker's updates; choosing a workspace scopes Apply, the
// console, Pending, Events and the workloads panel; `kubectl ws` in the console moves the
// tree; pods on node cards carry their workspace and clicking another workspace's pod moves
// there; the share link records the workspace and reopens in it; node actions act on root's
// data plane from any workspace. Run through ./run.sh (it builds dist/ first).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const dist = process.env.KPLANE_DIST ?? resolve(repo, 'dist');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let server;
let browser;
let page;
const problems = []; // uncaught exceptions and console errors in the page

// The worker has answered every command the page sent, and the page has drawn it.
const settle = (p = page) => p.waitForSelector('html[data-inflight="0"]', { state: 'attached', timeout: 60_000 });
const open = async (url, p = page) => {
  await p.goto('about:blank');
  await p.goto(url);
  await p.locator('.app[data-ready="true"]').waitFor({ timeout: 30_000 });
  await settle(p);
};
const click = async (selector, p = page) => {
  await p.locator(selector).first().click();
  await settle(p);
};
const assertNoPanic = async (p = page) => {
  const panic = (await p.locator('#panic').textContent()) ?? '';
  assert.equal(panic, '', `the playground panicked:\n${panic}`);
};
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
const applyEditor = async () => {
  await click('#apply');
  await page.locator('#messages').waitFor();
};
const tree = (p = page) => p.locator('#workspaces .ws-node').evaluateAll((els) => els.map((el) => el.dataset.workspace));
const current = (p = page) => p.locator('#workspaces .ws-node.selected').getAttribute('data-workspace');
const applyTarget = (p = page) => p.locator('#apply-target').textContent();
const podWorkspaces = () =>
  page.locator('.node-card .pod').evaluateAll((els) => [...new Set(els.map((el) => el.dataset.workspace))].sort());
const pick = async (path) => click(`#workspaces .ws-node[data-workspace="${path}"] .ws-pick`);

before(async () => {
  server = await serve(dist);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await open(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('workspaces in the playground', { timeout: 300_000 }, () => {
  test('the tree starts at root; Apply writes there; pods are marked with their workspace', async () => {
    await page.locator('#scenario').selectOption('workspaces');
    await settle();
    if (await page.locator('#confirm').count()) await click('#confirm-yes');
    assert.deepEqual(await tree(), ['root']);
    assert.equal(await current(), 'root');
    assert.equal(await applyTarget(), '→ root');
    await applyEditor();
    assert.equal(await page.locator('.status-error').count(), 0);
    await click('#step-minute');
    await assertNoPanic();
    const marked = await page.locator('.node-card .pod').evaluateAll((els) => els.map((el) => el.dataset.workspace));
    assert.equal(marked.length, 2);
    assert.deepEqual(await podWorkspaces(), ['root']);
    assert.equal(await page.locator('#workloads .workload[data-kind="Deployment"][data-name="web"]').count(), 1);
  });

  test('kubectl ws in the console moves the tree, and Apply, Pending, Events and workloads follow it', async () => {
    let out = await kubectl('ws create acme --type organization --enter');
    assert.equal(out.exit, 0, out.stderr);
    assert.deepEqual(await tree(), ['root', 'root:acme']);
    assert.equal(await current(), 'root:acme');
    assert.equal(await page.locator('#workspaces .ws-node[data-workspace="root:acme"] .ws-type').textContent(), 'root:organization');
    out = await kubectl('ws create team-a --type team --enter');
    assert.equal(out.exit, 0, out.stderr);
    assert.match(out.stdout, /Current workspace is 'root:acme:team-a' \(type root:team\)\./);
    assert.deepEqual(await tree(), ['root', 'root:acme', 'root:acme:team-a']);
    assert.equal(await current(), 'root:acme:team-a');
    assert.equal(await applyTarget(), '→ root:acme:team-a');
    // A new workspace: its own (empty) Events and workloads.
    assert.equal(await page.locator('#timeline .tl-event').count(), 0);
    assert.equal(await page.locator('#workloads').getAttribute('data-count'), '0');
    // Apply: the Deployment goes into the team; the Nodes are refused there (403).
    await applyEditor();
    assert.deepEqual(await page.locator('#applied li').allTextContents(), ['deployment.apps/web created']);
    assert.match(await page.locator('#messages').textContent(), /shared data plane/);
    out = await kubectl('get deployments');
    assert.match(out.stdout, /^NAME\s+READY/);
    assert.match(out.stdout, /\nweb\s/);
    out = await kubectl('get nodes');
    assert.match(out.stdout, /node-1/);
    await click('#step-minute');
    await assertNoPanic();
    assert.deepEqual(await podWorkspaces(), ['root', 'root:acme:team-a'], "both workspaces' pods share the nodes");
    assert.equal(await page.locator('.node-card .pod[data-workspace="root:acme:team-a"] .pod-ws').first().textContent(), 'team-a');
    assert.equal(await page.locator('#workloads .workload[data-kind="Deployment"][data-name="web"]').count(), 1);
    assert.ok((await page.locator('#timeline .tl-event').count()) > 0, "the team's Events");
    assert.equal(await page.locator('#pending').getAttribute('data-count'), '0');
  });

  test('choosing a workspace in the tree scopes the console, the Events and the workloads', async () => {
    await pick('root:acme');
    assert.equal(await current(), 'root:acme');
    assert.equal(await applyTarget(), '→ root:acme');
    let out = await kubectl('ws .');
    assert.equal(out.stdout, "Current workspace is 'root:acme'.\n");
    out = await kubectl('get deployments');
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /No resources found in default namespace/);
    assert.equal(await page.locator('#timeline .tl-event').count(), 0);
    assert.equal(await page.locator('#workloads').getAttribute('data-count'), '0');
    await pick('root');
    assert.equal(await current(), 'root');
    assert.ok((await page.locator('#timeline .tl-event').count()) > 0, "root's Events are back");
    assert.equal(await page.locator('#workloads .workload[data-kind="Deployment"][data-name="web"]').count(), 1);
    // A node action from another workspace acts on root's data plane.
    await pick('root:acme:team-a');
    await click('.node-card[data-node="node-2"] .node-action[data-action="cordon"]');
    assert.equal(await page.locator('.node-card[data-node="node-2"]').getAttribute('data-unschedulable'), 'true');
    assert.equal(await current(), 'root:acme:team-a', 'the page stays in the team');
    await click('.node-card[data-node="node-2"] .node-action[data-action="uncordon"]');
    await assertNoPanic();
  });

  test("clicking another workspace's pod on a node card moves there and asks Why? about it", async () => {
    await pick('root');
    const pod = page.locator('.node-card .pod[data-workspace="root:acme:team-a"]').first();
    const name = await pod.getAttribute('data-pod');
    await pod.click();
    await settle();
    assert.equal(await current(), 'root:acme:team-a');
    await page.locator('#why').waitFor();
    assert.match(await page.locator('#why').textContent(), new RegExp(name));
    assert.equal(await page.locator(`.node-card .pod.selected`).count(), 1, 'one pod is selected, in its workspace');
    assert.equal(await page.locator(`.node-card .pod.selected`).getAttribute('data-workspace'), 'root:acme:team-a');
    // Moving away with kubectl ws closes the Why? panel of the team's pod.
    const out = await kubectl('ws ..');
    assert.equal(out.exit, 0, out.stderr);
    assert.equal(await current(), 'root:acme');
    assert.equal(await page.locator('#why').count(), 0);
    assert.equal(await page.locator('.node-card .pod.selected').count(), 0);
  });

  test('the share link records the workspace and reopens the cluster in it', async () => {
    await pick('root:acme:team-a');
    await page.waitForTimeout(600); // the address follows changes after 400 ms
    await page.waitForFunction(() => location.hash.startsWith('#state=1.'));
    const url = page.url();
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await open(url, other);
    assert.deepEqual(await tree(other), ['root', 'root:acme', 'root:acme:team-a']);
    assert.equal(await current(other), 'root:acme:team-a');
    assert.equal(await applyTarget(other), '→ root:acme:team-a');
    assert.equal(await other.locator('.node-card .pod').count(), 4);
    const out = await kubectl('get deployments -o name', other);
    assert.equal(out.stdout, 'deployment.apps/web\n');
    await assertNoPanic(other);
    await other.close();
    assert.deepEqual(problems, []);
  });
});
