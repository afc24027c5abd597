// Types of the npm package `kplane` (Node.js ESM and CommonJS, browsers).

/**
 * One cause of a failure: which field, and what is wrong with it. `Invalid` (422) Statuses
 * list one per invalid field; server-side apply conflicts (409) one per contested field; a
 * refused eviction (429) one `DisruptionBudget` cause, without a field.
 */
export interface StatusCause {
  /**
   * `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`,
   * `FieldValueForbidden`, `FieldManagerConflict`, `DisruptionBudget`, ...
   */
  reason: string;
  /** e.g. `The disruption budget stable-app needs 2 healthy pods and has 2 currently` */
  message: string;
  /**
   * The field path: `spec.replicas` for validation errors; `.spec.replicas` (with a leading
   * dot, as Kubernetes writes it) for apply conflicts. Absent when the cause is about no field.
   */
  field?: string;
}

/** What a Status is about: the object's name, API group and kind, and the causes. */
export interface StatusDetails {
  name?: string;
  /** The API group, e.g. `apps`; absent for the core group. */
  group?: string;
  /** As Kubernetes fills it: the kind for `Invalid` (`Deployment`), else the resource (`deployments`). */
  kind?: string;
  causes?: StatusCause[];
}

/** The `reason` of a failure Status (metav1.StatusReason); other strings are possible. */
export type StatusReason =
  | 'BadRequest'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Expired'
  | 'Forbidden'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | (string & {});

/** The Kubernetes `Status` object (metav1.Status) that describes a failed call. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  status: 'Failure';
  message: string;
  /**
   * `BadRequest` (400), `NotFound` (404), `AlreadyExists` (409, `create`), `Conflict` (409:
   * stale `resourceVersion` on `update`, or apply conflicts), `Expired` (410: a `watch` from
   * a compacted revision), `Invalid` (422), `TooManyRequests` (429: an eviction a
   * PodDisruptionBudget forbids now), `InternalError` (500), ...
   */
  reason: StatusReason;
  /** The HTTP code: 400, 404, 409, 410, 413, 422, 429, 500, ... */
  code: number;
  details?: StatusDetails;
}

/** What every kplane call throws. `message` is `status.message`. */
export declare class KplaneError extends Error {
  constructor(status: Status);
  name: 'KplaneError';
  readonly status: Status;
}

/** `new ControlPlane(options)`. */
export interface ControlPlaneOptions {
  /** Seed of the control plane's RNG (names, UIDs, scheduler tie-breaks). Default 0. */
  seed?: number;
  /** Start of virtual time, RFC 3339. Default `2026-01-01T00:00:00Z`. */
  start?: string;
}

/** `metadata` of a Kubernetes object. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any Kubernetes object, as plain JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** A list as the API returns it, e.g. `{ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion }, items }`. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; [key: string]: unknown };
  items: T[];
}

/** What `apply` accepts: multi-document YAML or JSON text, one object, or an array of objects. */
export type Manifests = string | KubeObject | KubeObject[];

/**
 * What to do with fields the schema does not know (`metav1.FieldValidation`): fail with a
 * 400 (`Strict`), drop them with a warning (`Warn`, the default), or drop them silently (`Ignore`).
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** `apply` options. `apply` is server-side apply: each field is owned by a field manager. */
export interface ApplyOptions {
  /** The namespace for objects that name none (`kubectl apply -n`). Default `default`. */
  namespace?: string;
  /** The field manager that owns what this apply sets. Default `kubectl`. */
  fieldManager?: string;
  /**
   * Take ownership of fields another manager owns instead of failing with a 409 `Conflict`
   * (`kubectl apply --server-side --force-conflicts`). Default `false`.
   */
  force?: boolean;
  /** Unknown fields: `Strict`, `Warn` (default) or `Ignore`. */
  fieldValidation?: FieldValidation;
}

/** `create` options. */
export interface CreateOptions {
  /** The namespace when the object names none. Default `default`. */
  namespace?: string;
  /** The field manager recorded for what this create sets. Default `kplane`. */
  fieldManager?: string;
  /** Unknown fields: `Strict`, `Warn` (default) or `Ignore`. */
  fieldValidation?: FieldValidation;
}

/** What `create` returns: the stored object and any field-validation warnings. */
export interface CreateResult<T extends KubeObject = KubeObject> {
  object: T;
  /** e.g. `unknown field "spec.replica"` */
  warnings: string[];
}

/**
 * How `patch` reads the patch, as `kubectl patch --type`: `strategic` (strategic merge patch,
 * with Kubernetes' list merge keys; the default), `merge` (JSON merge patch, RFC 7386) or
 * `json` (JSON patch, RFC 6902: an array of operations).
 */
export type PatchType = 'strategic' | 'merge' | 'json';

export interface PatchOptions {
  /** Default `strategic`. */
  type?: PatchType;
}

/** One operation of a JSON patch (RFC 6902). */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/**
 * What `patch` accepts: an object (strategic or merge patch), an array of operations (JSON
 * patch), or the same as JSON or YAML text.
 */
export type Patch = Record<string, unknown> | JsonPatchOperation[] | string;

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface AppliedObject {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
  action: ApplyAction;
  /** 1-based number of the document it came from (for text manifests and arrays). */
  document: number;
  /** 1-based line where that document starts in the text (0 for objects). */
  line: number;
  /** Field-validation warnings about this object, e.g. `unknown field "spec.replica"`. */
  warnings?: string[];
}

/** A document `apply` could not write. */
export interface DocumentError {
  document: number;
  line: number;
  /** `Deployment/web`, when the document named its kind and name. */
  object?: string;
  status: Status;
}

/**
 * What `apply` did, document by document. Every document is applied even when an earlier one
 * fails (as `kubectl apply -f`); when any failed, `apply` throws the first failure's
 * `KplaneError`, whose `result` is this object with the failures in `errors`.
 */
export interface ApplyResult {
  objects: AppliedObject[];
  warnings: string[];
  errors?: DocumentError[];
}

/** Which object. `namespace` defaults to `default` for namespaced kinds. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** `list` arguments. Without `namespace`, lists across all namespaces. */
export interface ListOptions {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  /** e.g. `app=web,tier in (front,back)` */
  labelSelector?: string;
  /** e.g. `spec.nodeName=node-a,status.phase=Running` */
  fieldSelector?: string;
  /** At most this many items; the list's `metadata.continue` then fetches the next page. */
  limit?: number;
  /** The `metadata.continue` of the previous page. */
  continue?: string;
}

/**
 * What happens to the objects the deleted one owns: `Orphan` keeps them (their owner
 * reference to it is removed), `Background` (the default) lets the garbage collector delete
 * them after the owner is gone, `Foreground` deletes them before the owner goes.
 */
export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions extends ObjectRef {
  propagationPolicy?: PropagationPolicy;
  /**
   * Seconds a running pod gets to terminate; 0 deletes it at once. Default: the pod's
   * `spec.terminationGracePeriodSeconds` (30).
   */
  gracePeriodSeconds?: number;
}

/**
 * `watch` arguments. Without `kind`, watches every kind; without `namespace`, all namespaces.
 * `resourceVersion` unset or `"0"`: one synthetic `ADDED` per current object; otherwise every
 * change after that revision (exclusive), e.g. a list's `metadata.resourceVersion`.
 */
export interface WatchOptions {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resourceVersion?: string;
  /** e.g. `app=web` */
  labelSelector?: string;
  /** e.g. `metadata.name=web` */
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** A change to an object: the object as it was after it (`DELETED`: its last state). */
export interface ObjectWatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/**
 * The last event of every watch: only `metadata.resourceVersion`, the revision to resume
 * from (pass it as the next watch's `resourceVersion`).
 */
export interface BookmarkEvent {
  type: 'BOOKMARK';
  object: { apiVersion: string; kind: string; metadata: { resourceVersion: string } };
}

export type WatchEvent<T extends KubeObject = KubeObject> = ObjectWatchEvent<T> | BookmarkEvent;

export interface Settled {
  /** True when nothing is left to happen; false when `maxSeconds` ran out first. */
  settled: boolean;
  elapsedSeconds: number;
}

export interface KubectlOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Who calls: a user name and groups. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** The `autoscaling/v1` Scale of an object's `/scale` subresource. */
export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: ObjectMeta;
  spec: { replicas: number };
  /** `selector`: the label selector in its string form, e.g. `app=web`. */
  status: { replicas: number; selector?: string };
}

/** Where `kubectl` commands act. */
export interface KubectlContext {
  /** e.g. `root:acme:team-a`. */
  workspace: string;
  /** The workspace before the last `kubectl ws` (for `kubectl ws -`). */
  previous?: string;
}

export interface PodSummary {
  /** The workspace the pod belongs to: pods of every workspace share root's nodes. */
  workspace: string;
  namespace: string;
  name: string;
  /** The STATUS column of `kubectl get pods`. */
  status: string;
  ready: boolean;
}

/** A node, how full it is, and its pods. CPU in millicores, memory in bytes. */
export interface NodeSummary {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  allocatableMilliCpu: number;
  allocatableMemory: number;
  allocatablePods: number;
  requestedMilliCpu: number;
  requestedMemory: number;
  pods: PodSummary[];
}

/** One running instance in a {@link CostReport}. */
export interface NodeCost {
  /** The Node's name (the NodeClaim's until it registers). */
  name: string;
  /** The NodeClaim, for instances Karpenter launched. */
  nodeclaim?: string;
  /** The NodePool (empty for nodes not launched by Karpenter). */
  nodepool: string;
  instanceType: string;
  /** `on-demand` or `spot`. */
  capacityType: string;
  zone: string;
  /** $/hour. */
  pricePerHour: number;
  /** RFC 3339: since when it is billed. */
  since: string;
  /** Dollars so far. */
  spent: number;
}

/** The cost of one NodePool and capacity type. */
export interface PoolCost {
  nodepool: string;
  capacityType: string;
  /** Instances running now. */
  nodes: number;
  /** $/hour now. */
  pricePerHour: number;
  /** Dollars spent so far (running and terminated instances). */
  total: number;
}

/** What the nodes cost: `cost()`. */
export interface CostReport {
  now: string;
  nodes: NodeCost[];
  byNodePool: PoolCost[];
  /** $/hour of everything running now. */
  pricePerHour: number;
  /** Dollars spent since the first instance started. */
  total: number;
}

/** Where a pod of the explained node would go. */
export interface PodPlacement {
  /** `namespace/name`. */
  pod: string;
  /** A node or NodeClaim name, or `new NodeClaim (<nodepool>)`. */
  destination?: string;
  error?: string;
}

/** What removing a node alone would do now (`NodeExplanation.simulation`). */
export interface ConsolidationSimulation {
  decision: "delete" | "replace" | "no-op";
  /** The `Unconsolidatable` message of a no-op. */
  message?: string;
  pods: PodPlacement[];
  replacement?: { nodepool: string; instanceTypes: string[]; options: number; pricePerHour: number };
  pricePerHour: number;
  /** `EstimatedSavings`, $/hour. */
  savings: number;
}

/** Why a node is or is not a consolidation candidate: `explainNode(name)`. */
export interface NodeExplanation {
  node: string;
  nodeclaim?: string;
  nodepool?: string;
  instanceType: string;
  capacityType: string;
  zone: string;
  /** Passes every candidate check (it may still be ineligible for a method). */
  candidate: boolean;
  /** Why it is not a candidate, in Karpenter's words. */
  blocked?: string;
  /** `consolidateAfter` has passed since its last pod event. */
  consolidatable: boolean;
  methods: { method: "emptiness" | "drift" | "multi-node" | "single-node"; eligible: boolean; reason?: string }[];
  /** Disruptions its NodePool's budgets still allow for consolidation. */
  budget?: number;
  simulation?: ConsolidationSimulation;
  /** A disruption command it is part of (proposed or executing). */
  command?: string;
  /** The latest disruption Event about it. */
  lastEvent?: { atMs: number; reason: string; message: string };
}

/** A disruption command: `disruptionPlan()`. */
export interface DisruptionCommand {
  id: string;
  /** `Empty`, `Drifted` or `Underutilized`. */
  reason: string;
  method: "emptiness" | "drift" | "multi-node" | "single-node";
  candidates: { node: string; claim: string; providerId: string; nodepool: string }[];
  replacements: { nodepool: string; requirements: unknown[]; instanceTypes: string[]; requests: Record<string, string>; name?: string; initialized: boolean }[];
  createdMs: number;
  validateAtMs: number;
  startedMs?: number;
  /** $/hour. */
  savings: number;
}

/** Which pod. `namespace` defaults to `default`. */
export interface PodRef {
  namespace?: string;
  name: string;
}

/** A score plugin of a scheduling attempt and its weight. */
export interface ScorePluginInfo {
  /** e.g. `NodeResourcesFit`, `PodTopologySpread`, `ImageLocality`. */
  name: string;
  weight: number;
  /** PreScore returned Skip: the plugin adds nothing for this pod. */
  skipped: boolean;
}

/** One score plugin's score of one feasible node. */
export interface PluginScore {
  plugin: string;
  /** What the plugin's Score returned. */
  raw: number;
  /** After NormalizeScore, 0-100. */
  normalized: number;
  /** `normalized` × the plugin's weight. */
  weighted: number;
}

/**
 * One examined node of a scheduling attempt. Filters run in `filterPlugins` order and stop at
 * the first failure: the ones before `failedPlugin` passed, the ones after it did not run.
 */
export interface NodeResult {
  node: string;
  feasible: boolean;
  /** The filter that rejected the node, e.g. `TaintToleration`; absent when feasible. */
  failedPlugin?: string;
  /** `Unschedulable` or `UnschedulableAndUnresolvable` (preemption cannot help); absent when feasible. */
  code?: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  /** Why, e.g. `node(s) had untolerated taint {gpu-enabled: true}`; absent when feasible. */
  reasons?: string[];
  /** One per score plugin that ran, in `scorePlugins` order; absent when not scored. */
  scores?: PluginScore[];
  /** The sum of the weighted scores; absent when not scored. */
  totalScore?: number;
}

/**
 * A pod's latest scheduling attempt, as kube-scheduler-simulator shows it: every examined node
 * with the filter that rejected it, and for the feasible nodes every score plugin's raw,
 * normalized and weighted score.
 */
/** `canReach`'s question. */
export interface ReachQuery {
  /** A pod (`name` in `default`, or `namespace/name`) or an IP address. */
  from: string;
  to: string;
  /** A port number, or the name of a container port of the destination pod. */
  port: number | string;
  /** `TCP` (default), `UDP` or `SCTP`. */
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** `reachability`'s options. */
export interface ReachabilityOptions {
  /** The namespace whose pods make the matrix (default `default`). */
  namespace?: string;
  /** Every namespace of the workspace. */
  allNamespaces?: boolean;
  /** Default 80. */
  port?: number | string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** One direction of a reachability answer. */
export interface DirectionReport {
  allowed: boolean;
  /** The NetworkPolicies (`namespace/name`) that isolate the pod for this direction. */
  isolatedBy: string[];
  /** The isolating policies with a rule that allows the traffic. */
  allowedBy: string[];
  reason: string;
}

/** Whether `from` reaches `to`, and why. */
export interface Reachability {
  from: string;
  to: string;
  port: string;
  protocol: string;
  /** `undefined`: NetworkPolicy does not say (hostNetwork pods, an unknown named port). */
  outcome: 'allowed' | 'denied' | 'undefined';
  /** The source pod's egress decision (absent for an address or undefined traffic). */
  egress?: DirectionReport | null;
  /** The destination pod's ingress decision. */
  ingress?: DirectionReport | null;
  reason: string;
}

/** The reachability of every pod pair. */
export interface ReachabilityMatrix {
  /** `namespace/name`, sources and destinations in the same order. */
  pods: string[];
  port: string;
  protocol: string;
  /** `cells[i][j]`: from `pods[i]` to `pods[j]`. */
  cells: Reachability[][];
  /** The truth table: `.` allowed, `X` denied, `?` undefined. */
  table: string;
}

/** How long one of a pod's volumes lives. */
export interface VolumeLifetime {
  name: string;
  /** `emptyDir`, `persistentVolumeClaim`, `configMap`, `secret`, `projected`, `hostPath`, ... */
  source: string;
  /** Whether what the pod wrote there outlives the pod. */
  survivesPod: boolean;
  /** Where the content lives (names the PersistentVolume of a bound claim). */
  storage: string;
}

export interface Explanation {
  workspace: string;
  namespace: string;
  name: string;
  uid: string;
  /** When the attempt ran (virtual time, RFC 3339). */
  time: string;
  result: 'Scheduled' | 'Unschedulable';
  /** The node the pod was bound to, when `Scheduled`. */
  selectedNode?: string;
  /** The `FailedScheduling` message, when `Unschedulable`: `0/3 nodes are available: ...`. */
  message?: string;
  numAllNodes: number;
  /** Nodes the filters ran on (the adaptive `percentageOfNodesToScore` stops early). */
  numEvaluatedNodes: number;
  numFeasibleNodes: number;
  /** The filter plugins, in the order they run. */
  filterPlugins: string[];
  /** The score plugins with their weights; empty when fewer than two nodes were feasible (nothing is scored then). */
  scorePlugins: ScorePluginInfo[];
  /** The examined nodes, in scan order. */
  nodes: NodeResult[];
}

/** A container's use in a `PodMetrics` (`metrics.k8s.io/v1beta1`). */
export interface ContainerMetrics {
  name: string;
  /** `{ cpu: '196m', memory: '4Mi' }`. */
  usage: { cpu: string; memory: string };
}

/** `metrics.k8s.io/v1beta1` `PodMetrics`: one pod at metrics-server's last 15 s scrape. */
export interface PodMetrics {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'PodMetrics';
  metadata: { name: string; namespace: string };
  /** The scrape's time (RFC 3339). */
  timestamp: string;
  /** The CPU rate's window (`15s`). */
  window: string;
  containers: ContainerMetrics[];
}

/** `metrics.k8s.io/v1beta1` `NodeMetrics`: the sum of a node's pods (of every workspace). */
export interface NodeMetrics {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'NodeMetrics';
  metadata: { name: string };
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
}

/** One simulated series (custom and external metrics, the `prometheus` trigger). */
export interface MetricSeries {
  /** `http_requests_per_second`, `queue_messages`, `container_cpu_usage_cores`, ... */
  name: string;
  /** `namespace`, `pod`, `loadprofile`, `service` (or the workload kind), `queue`, `container`. */
  labels: Record<string, string>;
  value: number;
}

/** One metric of an HPA decision, as {@link AutoscalingDecision} explains it. */
export interface AutoscalingMetric {
  /** `cpu utilization (of requests)`, `s0-aws-sqs-orders (average per pod)`, ... */
  metric: string;
  /** The current value as the HPA status shows it (`131%`, `320`), `<unknown>` when missing. */
  current: string;
  target: string;
  /** current / target, when both are known. */
  ratio?: number;
  /** The replicas this metric asked for (absent when it could not be read). */
  replicas?: number;
  error?: string;
}

/** The last sync of a HorizontalPodAutoscaler, in words and numbers. */
export interface AutoscalingDecision {
  /** When the sync ran (virtual time, RFC 3339). */
  time: string;
  hpa: string;
  namespace: string;
  /** `Deployment/web`. */
  target?: string;
  minReplicas?: number;
  maxReplicas?: number;
  /** The target's `spec.replicas` before the sync. */
  currentReplicas?: number;
  statusReplicas?: number;
  /** The highest metric proposal, before stabilization and rate limits. */
  recommendation?: number | null;
  /** What the HPA settled on (`status.desiredReplicas`). */
  desiredReplicas?: number;
  /** The scale was written. */
  rescaled?: boolean;
  /** `cpu resource utilization (percentage of request) above target`, `All metrics below target`, ... */
  reason?: string;
  metrics?: AutoscalingMetric[];
  conditions?: { type: string; status: 'True' | 'False'; reason: string; message: string }[];
  events?: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
  error?: string | null;
  /** One paragraph for people: "cpu utilization (of requests) is 260% against a target of 75% (ratio 3.47): 11 replicas. The highest proposal, 11, became 6: ... Scaled Deployment web from 3 to 6 (...)." */
  summary: string;
}

/**
 * A kplane control plane: API server, store, controllers, scheduler and simulated nodes on a
 * virtual clock. Every method throws {@link KplaneError} on failure.
 */
export declare class ControlPlane {
  constructor(options?: ControlPlaneOptions);
  /**
   * Applies manifests to a workspace (e.g. `root`) with server-side apply, then lets the
   * controllers react. Fields another manager owns with a different value are a 409
   * `Conflict` (one cause per field, e.g. `.spec.replicas`) unless `force`.
   */
  apply(workspace: string, manifests: Manifests, options?: ApplyOptions): ApplyResult;
  /**
   * Creates one object (POST, `kubectl create`); a 409 `AlreadyExists` when it exists.
   * `object` may also be YAML/JSON text of one object.
   */
  create<T extends KubeObject = KubeObject>(workspace: string, object: KubeObject | string, options?: CreateOptions): CreateResult<T>;
  /**
   * Replaces an object (PUT, `kubectl replace`). When `metadata.resourceVersion` is set and is
   * not the current one, throws a 409 `Conflict`.
   */
  update<T extends KubeObject = KubeObject>(workspace: string, object: KubeObject | string): T;
  /** Patches an object (`kubectl patch`); returns it patched. */
  patch<T extends KubeObject = KubeObject>(workspace: string, ref: ObjectRef, patch: Patch, options?: PatchOptions): T;
  /** The object, or `null` when there is none. */
  get<T extends KubeObject = KubeObject>(workspace: string, ref: ObjectRef): T | null;
  list<T extends KubeObject = KubeObject>(workspace: string, options: ListOptions): KubeList<T>;
  /** Deletes an object; returns it as deleted (or as marked for deletion when graceful). */
  delete<T extends KubeObject = KubeObject>(workspace: string, options: DeleteOptions): T;
  /**
   * The watch events since `resourceVersion`, in revision order, ending with a `BOOKMARK`.
   * A revision already compacted away (history is compacted every 5 virtual minutes) throws
   * a 410 `Expired`: list again and watch from the list's `resourceVersion`.
   */
  watch<T extends KubeObject = KubeObject>(workspace: string, options?: WatchOptions): WatchEvent<T>[];
  /**
   * Moves virtual time forward by `seconds` (a finite number, zero or more, at most 100
   * years); anything else throws a 400 `KplaneError` and leaves time where it was.
   */
  advance(seconds: number): void;
  /**
   * How many writes one call (`advance`, `runUntilSettled`, a `kubectl` line with its waits)
   * may make before it stops at the end of the instant it is at and throws a 504 `Timeout`
   * `KplaneError` (call again to go on). The default, 20,000 (about 7,000 pods created and
   * started), keeps a cluster that never settles from holding a call for long; raise it
   * (`Infinity`: unbounded) to run large clusters in one call.
   */
  setWorkBudget(writes: number): void;
  /** Advances to each next wake-up until nothing is left to do or `maxSeconds` (default 600) pass. */
  runUntilSettled(maxSeconds?: number): Settled;
  /** Runs a kubectl command line, e.g. `get pods -o wide`; `stdin` feeds `apply -f -`. */
  kubectl(commandLine: string, stdin?: string): KubectlOutput;
  /**
   * Runs a kubectl command line, then advances virtual time by `seconds` (as `advance`): what
   * a streaming command (`get -w`, `get --watch-only`, `logs -f`) prints meanwhile is
   * appended, each change at the instant it happens. Other commands print as `kubectl` does.
   */
  kubectlWatch(commandLine: string, seconds: number, stdin?: string): KubectlOutput;
  /** The virtual time, RFC 3339. */
  now(): string;
  /** The whole control plane as one JSON document. */
  snapshot(): string;
  /** A control plane that continues exactly as the snapshotted one would. */
  static restore(snapshot: string): ControlPlane;
  /** Every node with its pods and how full it is, in name order. */
  nodes(): NodeSummary[];
  /**
   * Evicts a pod through the Eviction API (what `kubectl drain` does); returns the pod as
   * marked for deletion. Throws a 429 `TooManyRequests` with a `DisruptionBudget` cause when
   * its PodDisruptionBudget allows no disruption now; try again later.
   */
  evict<T extends KubeObject = KubeObject>(workspace: string, pod: PodRef): T;
  /**
   * Fails a node (root workspace): its kubelet keeps reporting, with `Ready=False`, and starts
   * no pods. Returns the Node. 404 when there is no such node.
   */
  failNode<T extends KubeObject = KubeObject>(name: string): T;
  /**
   * Stops a node (root workspace): the machine is off, its kubelet reports nothing and its pods
   * freeze. After 50 s the node is `Ready=Unknown` and tainted `node.kubernetes.io/unreachable`
   * (`NoSchedule`, `NoExecute`); its pods are evicted after their toleration (300 s by
   * default). Returns the Node. 404 when there is no such node.
   */
  stopNode<T extends KubeObject = KubeObject>(name: string): T;
  /** Restores a failed or stopped node: its kubelet reports `Ready=True` again. Returns the Node. */
  restoreNode<T extends KubeObject = KubeObject>(name: string): T;
  /** The pod's latest scheduling attempt, or `null` when it has none (or no such pod). */
  explain(workspace: string, pod: PodRef): Explanation | null;
  /**
   * Whether traffic from `from` reaches `to` on `port` under the workspace's NetworkPolicies,
   * and which policy (or the absence of one) decides each direction. `from`/`to` are pods
   * (`name` in `default`, or `namespace/name`) or IP addresses. 404 for a pod that does not
   * exist, 400 for a bad port or protocol.
   */
  canReach(workspace: string, query: ReachQuery): Reachability;
  /** The reachability matrix of a namespace's pods (every namespace with `allNamespaces`). */
  reachability(workspace: string, options?: ReachabilityOptions): ReachabilityMatrix;
  /** Which of the pod's volumes outlive it, and where their content lives. */
  podVolumes(workspace: string, pod: PodRef): VolumeLifetime[];
  /**
   * What metrics-server reports at its last 15 s scrape: the pods of `namespace` (every
   * namespace when none is given) that have metrics, and every node. Use includes the simulated
   * demand (LoadProfile requests, Queue messages), CPU throttled at the limit. A pod appears once
   * it has run for a scrape.
   */
  metrics(workspace: string, options?: { namespace?: string }): { pods: PodMetrics[]; nodes: NodeMetrics[] };
  /** The simulated series of a namespace at the last scrape (see the README's series table). */
  metricsSeries(workspace: string, namespace: string): MetricSeries[];
  /**
   * A Prometheus-style query over the series of a namespace: `sum|avg|max|min|count(...)` of a
   * selector `name{label="v"}` or `rate(name_total{...}[2m])`; `null` when nothing matches.
   * Throws a 400 for a query kplane does not understand.
   */
  queryMetrics(workspace: string, namespace: string, query: string): number | null;
  /** The HorizontalPodAutoscaler's last decision in words and numbers, or `null` before its first sync (15 s after creation). */
  explainAutoscaling(workspace: string, hpa: PodRef): AutoscalingDecision | null;
  /**
   * A view of the same control plane whose calls are made as `user` in `groups` (plus
   * `system:authenticated`, as `kubectl --as` does). Each workspace's RBAC decides; a denial
   * throws a 403 `Forbidden` `KplaneError` with Kubernetes' message, e.g. `pods is forbidden:
   * User "alice" cannot list resource "pods" in API group "" in the namespace "default"`.
   * Without a view, calls are made as `system:admin` (group `system:masters`: everything is
   * allowed). The view has every method of `ControlPlane`.
   */
  as(user: string, groups?: string[]): ControlPlane;
  /** Who this view's calls are made as. */
  whoami(): UserInfo;
  /** Writes `status` through the `/status` subresource (the rest of the object is ignored). */
  updateStatus<T extends KubeObject = KubeObject>(workspace: string, object: KubeObject | string): T;
  /**
   * The `/scale` subresource of a Deployment, ReplicaSet, StatefulSet, ReplicationController
   * or a custom object whose CRD declares one.
   */
  getScale(workspace: string, ref: ObjectRef): Scale;
  /** Sets the replicas through the `/scale` subresource (`kubectl scale`); the new Scale. */
  scale(workspace: string, ref: ObjectRef, replicas: number): Scale;
  /** Deletes every object the list matches (verb `deletecollection`); the deleted objects. */
  deleteCollection<T extends KubeObject = KubeObject>(workspace: string, options: ListOptions): T[];
  /**
   * KCP's APIExport virtual workspace: the objects of an exported kind in every workspace
   * that binds the export `exportName` of `workspace`, each annotated with its workspace
   * (`metadata.annotations['kcp.io/cluster']`). The caller needs `list` on
   * `apiexports/content` of the export.
   */
  listExportContent<T extends KubeObject = KubeObject>(workspace: string, exportName: string, options: ListOptions): KubeList<T>;
  /** Where `kubectl` commands act: the current workspace (`kubectl ws` changes it) and the previous one. */
  kubectlContext(): KubectlContext;
  /**
   * An independent copy of this control plane (same objects, clock and caller) that continues
   * exactly as the original would; writes to one never reach the other (what `dryRun=All`
   * requests act on).
   */
  fork(): ControlPlane;
  /** The resource a REST path names (`/apis/<group>/<version>/<resource>`), or `null`. */
  apiResource(workspace: string, group: string, version: string, resource: string): ApiResource | null;
  /**
   * A document the API server serves about itself at `path` (discovery, aggregated discovery
   * when `accept` asks for `apidiscovery.k8s.io/v2`, OpenAPI v2/v3, `/version`), or `null`.
   * `prefix` is the path before `/openapi` (`/clusters/root:org`), for the OpenAPI v3 URLs.
   */
  apiDocument(workspace: string, path: string, accept?: string, prefix?: string): ApiDocument | null;
  /**
   * The `meta.k8s.io/v1` `Table` of a list or object of kind `kind`, printed as kubectl prints
   * it (`includeObject`: `'Metadata'` (default), `'Object'` or `'None'`; `headers: false`
   * leaves out the column definitions).
   */
  table(workspace: string, kind: { apiVersion?: string; kind: string }, response: KubeObject | KubeList, options?: { includeObject?: 'None' | 'Metadata' | 'Object'; headers?: boolean }): Table;
  /**
   * A view acting as `user` in `groups`, after checking that this view's caller may
   * impersonate them in `workspace` (RBAC verb `impersonate` on `users`, `groups`,
   * `serviceaccounts`); a 403 `KplaneError` otherwise.
   */
  impersonate(workspace: string, user: string, groups?: string[]): ControlPlane;
  /**
   * Answers a `SelfSubjectReview` (`authentication.k8s.io/v1`: who this view is) or a
   * `SelfSubjectAccessReview` (`authorization.k8s.io/v1`: may it do `spec.resourceAttributes`
   * or `spec.nonResourceAttributes`?) for this view's caller; the review with its `status`.
   */
  review<T extends KubeObject = KubeObject>(workspace: string, kind: { apiVersion?: string; kind: string }, body?: KubeObject): T;
  /** Throws the 403 when this view's caller may not `verb` the non-resource `path` (`/api`). */
  authorizePath(workspace: string, verb: string, path: string): void;
  /** The `pods/binding` subresource: assigns the pod to `node` (a 409 when it has one). */
  bind<T extends KubeObject = KubeObject>(workspace: string, pod: PodRef, node: string): T;
  /** Applies a patch to a value as the API server does, writing nothing. */
  static patchValue(target: unknown, patch: Patch, type: PatchType): unknown;
  /**
   * The JSON object of a Kubernetes protobuf request body (`k8s\0` envelope, as client-go's
   * typed clients send it); a 400 `KplaneError` for a malformed body, a 415 for a kind kplane
   * has no message for.
   */
  static decodeProtobuf(bytes: Uint8Array): KubeObject;
  /** A `Status` as kube-apiserver writes it in a response body (`metadata: {}`, its field order). */
  static statusBody(status: Status): Status & { metadata: Record<string, never> };
  /**
   * Sends EC2's two-minute spot interruption notice for a spot node (label
   * `karpenter.sh/capacity-type: spot`): Karpenter records `SpotInterrupted`, deletes the
   * NodeClaim, drains the node through the Eviction API and provisions replacements; EC2
   * reclaims the instance two minutes after the notice. Returns the Node. 404 when there is
   * no such node, 400 when it is not a spot instance.
   */
  spotInterrupt<T extends KubeObject = KubeObject>(name: string): T;
  /** $/hour of the running nodes and dollars spent over virtual time, per node and per NodePool and capacity type. */
  cost(): CostReport;
  /** Why a node is or is not a consolidation candidate, and what consolidating it alone would do now; `null` when there is no such node. */
  explainNode(name: string): NodeExplanation | null;
  /** What Karpenter's disruption loop would do now, without changing anything; `null` when it would disrupt nothing. */
  disruptionPlan(): DisruptionCommand | null;
  /** Frees the WebAssembly memory now (otherwise freed when garbage-collected). */
  free(): void;
  [Symbol.dispose](): void;
}

/** A resource a REST path names. */
export interface ApiResource {
  group: string;
  version: string;
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** A CRD or bound API (no strategic merge patch). */
  custom: boolean;
  /** A review (`SelfSubjectReview`, `SelfSubjectAccessReview`): create-only, never stored. */
  review: boolean;
  /** `status`, `scale`, `binding`, `eviction`. */
  subresources: string[];
}

/** A document of the API about itself and its media type. */
export interface ApiDocument {
  contentType: string;
  body: Record<string, unknown>;
}

/** A `meta.k8s.io/v1` `Table`. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: { name: string; type: string; format: string; description: string; priority: number }[] | null;
  rows: { cells: unknown[]; object?: KubeObject }[];
}

/** `serveHttp` options. */
export interface ServeHttpOptions {
  /** The port (default 0: a free one). */
  port?: number;
  /** The address (default `127.0.0.1`); anything but loopback is refused unless `allowNonLoopback`. */
  host?: string;
  /** Listen on a non-loopback `host` although kplane serves plain HTTP with bearer tokens. */
  allowNonLoopback?: boolean;
  /**
   * Virtual seconds per wall-clock second (default 0: the clock moves only by `cp.advance`,
   * `POST /kplane/v1/advance?seconds=N` or `kubectl sim advance`).
   */
  speed?: number;
  /** How often the clock moves under `speed`, in ms (default 100). */
  tickMs?: number;
  /** Users with their own bearer token (generated when not given) and kubeconfig entry. */
  users?: { name: string; groups?: string[]; token?: string }[];
  /** The token of `system:admin` (generated when not given). */
  adminToken?: string;
  /** Seconds between the bookmarks of watches that allow them (default 1). */
  bookmarkSeconds?: number;
  /** Receives a line per request. */
  log?: (line: string) => void;
}

/** A running HTTP server. */
export interface HttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The bearer token of `system:admin`. */
  adminToken: string;
  /** The configured users and their tokens. */
  users: { name: string; token: string }[];
  /**
   * A kubeconfig (YAML): a cluster and context per workspace (server
   * `<url>/clusters/<workspace>`), `workspace` (default `root`) current, acting as `user`
   * (default `admin`).
   */
  kubeconfig(workspace?: string, options?: { user?: string }): string;
  /** Sends pending watch events now (after calls made on the control plane directly). */
  flush(): void;
  /** Stops listening and ends every watch. */
  close(): Promise<void>;
}

/**
 * Serves the Kubernetes REST API of `cp` over HTTP (Node.js only): discovery, OpenAPI,
 * CRUD, watch, patch, server-side apply, `dryRun`, subresources, `Table`, `Status` errors,
 * so that kubectl, Helm and client libraries drive it.
 */
export declare function serveHttp(cp: ControlPlane, options?: ServeHttpOptions): Promise<HttpServer>;
