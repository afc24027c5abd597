// The playground's workspaces in Chromium: the tree beside the editor, choosing a workspace
// scopes Apply, the console and the Events; `kubectl ws` in the console moves the tree; pods
// on node cards carry their workspace. Run through ./run.sh (it builds dist/ first).
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

const assertNoPanic = async () => {
  const panic = (await page.locator('#panic').textContent()) ?? '';
  assert.equal(panic, '', `the playground panicked:\n${panic}`);
};
const kubectl = async (command) => {
  const before = await page.locator('#kubectl-output .entry').count();
  await page.locator('#kubectl-input').fill(command);
  await page.locator('#kubectl-input').press('Enter');
  const entry = page.locator('#kubectl-output .entry').nth(before);
  await entry.waitFor();
  const text = async (cls) => ((await entry.locator(cls).count()) ? await entry.locator(cls).textContent() : '');
  return { exit: Number(await entry.getAttribute('data-exit-code')), stdout: await text('.stdout'), stderr: await text('.stderr') };
};
const tree = () => page.locator('.ws-tree .ws-node').evaluateAll((els) => els.map((el) => el.dataset.workspace));
const current = () => page.locator('.ws-tree .ws-node.selected').getAttribute('data-workspace');

before(async () => {
  server = await serve(dist);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(15_000);
  await page.goto(server.url);
  await page.locator('#apply').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('workspaces in the playground', { timeout: 120_000 }, () => {
  test('the tree starts at root; Apply writes there; pods are marked with their workspace', async () => {
    await page.locator('#scenario').selectOption('workspaces');
    assert.deepEqual(await tree(), ['root']);
    assert.equal(await current(), 'root');
    assert.equal(await page.locator('.apply-target').textContent(), '→ root');
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    await page.locator('#step-minute').click();
    await assertNoPanic();
    const marked = await page.locator('.node-card .pod').evaluateAll((els) => els.map((el) => el.dataset.workspace));
    assert.equal(marked.length, 2);
    assert.deepEqual([...new Set(marked)], ['root']);
  });

  test('kubectl ws in the console moves the tree, and Apply follows it', async () => {
    let out = await kubectl('ws create acme --type organization --enter');
    assert.equal(out.exit, 0, out.stderr);
    out = await kubectl('ws create team-a --type team --enter');
    assert.equal(out.exit, 0, out.stderr);
    assert.match(out.stdout, /Current workspace is 'root:acme:team-a' \(type root:team\)\./);
    assert.deepEqual(await tree(), ['root', 'root:acme', 'root:acme:team-a']);
    assert.equal(await current(), 'root:acme:team-a');
    assert.equal(await page.locator('.apply-target').textContent(), '→ root:acme:team-a');
    // Apply: the Deployment goes into the team; the Nodes are refused there.
    await page.locator('#apply').click();
    await page.locator('#applied li').first().waitFor();
    assert.deepEqual(await page.locator('#applied li').allTextContents(), ['deployment.apps/web created']);
    out = await kubectl('get deployments');
    assert.match(out.stdout, /^NAME\s+READY/);
    assert.match(out.stdout, /\nweb\s/);
    // Nodes are readable from the team.
    out = await kubectl('get nodes');
    assert.match(out.stdout, /node-1/);
  });

  test('choosing a workspace in the tree scopes the console and the Events', async () => {
    await page.locator('.ws-node[data-workspace="root:acme"] .ws-pick').click();
    assert.equal(await current(), 'root:acme');
    let out = await kubectl('ws .');
    assert.equal(out.stdout, "Current workspace is 'root:acme'.\n");
    out = await kubectl('get deployments');
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /No resources found in default namespace/);
    assert.equal(await page.locator('#timeline .tl-event').count(), 0);
    await page.locator('.ws-node[data-workspace="root"] .ws-pick').click();
    assert.equal(await current(), 'root');
    assert.ok((await page.locator('#timeline .tl-event').count()) > 0, "root's Events are back");
    await assertNoPanic();
  });
});
