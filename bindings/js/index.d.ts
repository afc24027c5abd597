// Types of the npm package `kplane` (Node.js ESM and CommonJS, browsers).

/** One cause of an `Invalid` Status: which field, and what is wrong with it. */
export interface StatusCause {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueForbidden`, ... */
  reason: string;
  message: string;
  /** The field path, e.g. `spec.replicas`. */
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** The Kubernetes `Status` object (metav1.Status) that describes a failed call. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  status: 'Failure';
  message: string;
  /** `BadRequest`, `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, `InternalError`, ... */
  reason: string;
  /** The HTTP code: 400, 404, 409, 410, 422, 500, ... */
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

export interface ApplyOptions {
  /** The namespace for objects that name none (`kubectl apply -n`). Default `default`. */
  namespace?: string;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface AppliedObject {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
  action: ApplyAction;
}

export interface ApplyResult {
  objects: AppliedObject[];
  warnings: string[];
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
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions extends ObjectRef {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
}

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

export interface PodSummary {
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

/**
 * A kplane control plane: API server, store, controllers, scheduler and simulated nodes on a
 * virtual clock. Every method throws {@link KplaneError} on failure.
 */
export declare class ControlPlane {
  constructor(options?: ControlPlaneOptions);
  /** Applies manifests to a workspace (e.g. `root`), then lets the controllers react. */
  apply(workspace: string, manifests: Manifests, options?: ApplyOptions): ApplyResult;
  /** The object, or `null` when there is none. */
  get<T extends KubeObject = KubeObject>(workspace: string, ref: ObjectRef): T | null;
  list<T extends KubeObject = KubeObject>(workspace: string, options: ListOptions): KubeList<T>;
  /** Deletes an object; returns it as deleted (or as marked for deletion when graceful). */
  delete<T extends KubeObject = KubeObject>(workspace: string, options: DeleteOptions): T;
  /** Moves virtual time forward by `seconds`. */
  advance(seconds: number): void;
  /** Advances to each next wake-up until nothing is left to do or `maxSeconds` (default 600) pass. */
  runUntilSettled(maxSeconds?: number): Settled;
  /** Runs a kubectl command line, e.g. `get pods -o wide`; `stdin` feeds `apply -f -`. */
  kubectl(commandLine: string, stdin?: string): KubectlOutput;
  /** The virtual time, RFC 3339. */
  now(): string;
  /** The whole control plane as one JSON document. */
  snapshot(): string;
  /** A control plane that continues exactly as the snapshotted one would. */
  static restore(snapshot: string): ControlPlane;
  /** Every node with its pods and how full it is, in name order. */
  nodes(): NodeSummary[];
  /** Frees the WebAssembly memory now (otherwise freed when garbage-collected). */
  free(): void;
  [Symbol.dispose](): void;
}
