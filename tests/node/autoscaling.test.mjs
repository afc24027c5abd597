// Load, metrics and autoscaling through the npm package: the scenarios of examples/autoscaling/
// (the seed's HPA under a spike, the seed's VPA, KEDA from zero on a queue burst, a cron window).
// Replica counts are worked out here from upstream's rules and the examples' numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ControlPlane, KplaneError } from '../../bindings/pkg/index.mjs';

const example = (name) => readFileSync(new URL(`../../examples/autoscaling/${name}`, import.meta.url), 'utf8');
const START = Date.parse('2026-01-01T00:00:00Z');

function plane(name) {
  const cp = new ControlPlane({ seed: 1 });
  cp.apply('root', example(name));
  return cp;
}

/** Advances to `t` seconds after the start of virtual time. */
function until(cp, t) {
  cp.advance(t - (Date.parse(cp.now()) - START) / 1000);
}

const replicas = (cp, name) => cp.get('root', { kind: 'Deployment', name }).spec.replicas;

test('hpa: the seed HPA scales 3 -> 6 -> 10 on a spike and back to 3 after its window', () => {
  const cp = plane('hpa-spike.yaml');
  // 90 requests/s at 5m each over 3 pods, +1m steady: 151m of 250m requested.
  const perPod = (rps, pods) => (rps * 5) / pods + 1;
  const ratio = (usage) => usage / (250 * 0.75);
  until(cp, 105);
  assert.equal(replicas(cp, 'mi-aplicacion-deployment'), 3);
  // The sync at 120 s: 390 requests/s on 3 pods, ceil(ratio x 3) = 11, capped at max(2 x 3, 4).
  until(cp, 120);
  const wanted = Math.ceil(ratio(perPod(390, 3)) * 3);
  assert.equal(wanted, 11);
  assert.equal(replicas(cp, 'mi-aplicacion-deployment'), Math.min(wanted, 6));
  const d = cp.explainAutoscaling('root', { name: 'mi-aplicacion-hpa' });
  assert.equal(d.metrics[0].replicas, 11);
  assert.equal(d.metrics[0].current, `${Math.floor((perPod(390, 3) * 100) / 250)}%`);
  assert.equal(d.desiredReplicas, 6);
  assert.match(d.summary, /The highest proposal, 11, became 6/);
  until(cp, 135);
  assert.equal(replicas(cp, 'mi-aplicacion-deployment'), 10);
  until(cp, 180);
  // 196m per pod = 78%: within the 10% tolerance.
  assert.ok(Math.abs(1 - ratio(perPod(390, 10))) <= 0.1);
  assert.match(cp.kubectl('get hpa').stdout, /cpu: 78%\/75%/);
  const { pods, nodes } = cp.metrics('root', { namespace: 'default' });
  assert.equal(pods.length, 10);
  assert.equal(pods[0].containers[0].usage.cpu, `${perPod(390, 10)}m`);
  assert.equal(pods[0].window, '15s');
  assert.equal(nodes.length, 2);
  // Down after the 5-minute window from the last high proposal (405 s).
  until(cp, 705);
  assert.equal(replicas(cp, 'mi-aplicacion-deployment'), 10);
  until(cp, 720);
  assert.equal(replicas(cp, 'mi-aplicacion-deployment'), 3);
});

test('load: the multiplier scales the demand; series and queries see it', () => {
  const cp = plane('hpa-spike.yaml');
  until(cp, 60);
  const rps = () => cp.queryMetrics('root', 'default', 'sum(rate(http_requests_total{service="mi-aplicacion"}[1m]))');
  assert.equal(rps(), 90);
  cp.patch('root', { apiVersion: 'sim.kplane.dev/v1alpha1', kind: 'LoadProfile', name: 'mi-aplicacion-traffic' },
    { spec: { requests: { multiplier: 2 } } });
  until(cp, 75);
  assert.equal(rps(), 180);
  const series = cp.metricsSeries('root', 'default');
  const perPod = series.filter((s) => s.name === 'http_requests_per_second');
  assert.equal(perPod.length, 3);
  assert.equal(perPod[0].value, 60);
  assert.equal(perPod[0].labels.service, 'mi-aplicacion');
  assert.equal(cp.queryMetrics('root', 'default', 'queue_messages'), null);
  assert.throws(() => cp.queryMetrics('root', 'default', 'histogram_quantile(0.9, x)'), KplaneError);
});

test('vpa: the seed VPA recommends 350m/256Mi and recreates the pods one a minute', () => {
  const cp = plane('vpa-recreate.yaml');
  until(cp, 60);
  const vpa = cp.get('root', { apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', name: 'my-app-vpa' });
  const rec = vpa.status.recommendation.containerRecommendations[0];
  // p90 of 300m samples is the end of their histogram bucket (0.01 x (1.05^n - 1) / 0.05), +15%.
  let n = 0;
  const start = (k) => (0.01 * (1.05 ** k - 1)) / 0.05;
  while (start(n + 1) <= 0.3) n++;
  const base = Math.trunc(start(n + 1) * 1000);
  const target = base + Math.trunc(base * 0.15);
  assert.equal(rec.target.cpu, `${target}m`);
  assert.equal(rec.target.memory, '256Mi');
  until(cp, 180);
  const pods = cp.list('root', { kind: 'Pod' }).items;
  assert.equal(pods.length, 3);
  for (const p of pods) assert.equal(p.spec.containers[0].resources.requests.cpu, `${target}m`);
  const evicted = cp.list('root', { kind: 'Event', fieldSelector: 'reason=EvictedPod' }).items;
  assert.equal(evicted.length, 3);
});

test('keda: the order processor goes 0 -> 1 on a burst, the HPA takes it on, 0 after the cooldown', () => {
  const cp = plane('keda-queue.yaml');
  until(cp, 89);
  assert.equal(replicas(cp, 'order-processor'), 0);
  // 20 messages/s for 30 s from 60 s: the poll at 90 s sees 600 and activates; the HPA then
  // asks ceil(600 / 5) = 120, capped at max(2 x 1, 4) = 4.
  until(cp, 90);
  assert.equal(replicas(cp, 'order-processor'), 4);
  until(cp, 120);
  assert.equal(cp.get('root', { apiVersion: 'sim.kplane.dev/v1alpha1', kind: 'Queue', name: 'orders' }).status.messages, 0);
  // Last active poll at 90 s, cooldown 300 s: the first poll after 390 s is at 420 s.
  until(cp, 419);
  assert.ok(replicas(cp, 'order-processor') > 0);
  until(cp, 420);
  assert.equal(replicas(cp, 'order-processor'), 0);
  const so = cp.get('root', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'order-processor' });
  assert.equal(so.status.hpaName, 'keda-hpa-order-processor');
  assert.deepEqual(so.status.externalMetricNames, ['s0-aws-sqs-orders']);
});

test('keda: a cron trigger holds 5 replicas from 00:05 to 00:15', () => {
  const cp = plane('keda-cron.yaml');
  until(cp, 299);
  assert.equal(replicas(cp, 'report-api'), 1);
  until(cp, 300);
  assert.equal(replicas(cp, 'report-api'), 5);
  // Scale-down window 60 s after the last proposal of 5 (885 s): the sync at 945 s.
  until(cp, 944);
  assert.equal(replicas(cp, 'report-api'), 5);
  until(cp, 945);
  assert.equal(replicas(cp, 'report-api'), 1);
});
