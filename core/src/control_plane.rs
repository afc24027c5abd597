//! `ControlPlane`: the API server, the store, the controllers, the scheduler and the node
//! agents on one virtual clock. Everything a caller does goes through here.
use crate::api::object;
use crate::api::Value;
use crate::api::{FieldSelector, KindInfo, Resources, Selector};
use crate::json;
use crate::server::{decode, patch::PatchType, status::Status, Action, Propagation, Server};
use crate::sim::{parse_rfc3339, Clock, Rng, Timers};
use crate::store::{Store, StoreSnapshot};
use crate::{controllers, kubectl, kubelet, scheduler};
use serde::{Deserialize, Serialize};

/// `new ControlPlane({ seed?, start? })`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// Seed of the control plane's RNG (names, UIDs, scheduler tie-breaks). Default 0.
    pub seed: u64,
    /// Start of virtual time, RFC 3339. Default `2026-01-01T00:00:00Z`.
    pub start: Option<String>,
}

/// Which object: `{ apiVersion?, kind, namespace?, name }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectRef {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// `list` arguments: `{ apiVersion?, kind, namespace?, labelSelector?, fieldSelector? }`.
/// No namespace lists across all namespaces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListOptions {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

/// `delete` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeleteOptions {
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub propagation_policy: Option<Propagation>,
    pub grace_period_seconds: Option<i64>,
}

/// `watch` arguments: `{ apiVersion?, kind?, namespace?, resourceVersion?, labelSelector?, fieldSelector? }`.
/// No kind watches every kind. `resourceVersion` unset or `"0"` starts with synthetic ADDED
/// events for the current state; otherwise the events after that revision.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WatchOptions {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub resource_version: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

/// One watch event: `ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK` (the last event of every
/// watch, carrying only `metadata.resourceVersion` to resume from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub object: Value,
}

/// `apply` options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplyOptions {
    /// The namespace for objects that name none (`kubectl apply -n`). Default `default`.
    pub namespace: Option<String>,
    /// What to do with fields the schema does not know. Default `Warn`.
    pub field_validation: Option<FieldValidation>,
    /// The field manager that owns what this apply sets. Default `kubectl`.
    pub field_manager: Option<String>,
    /// Take over fields other managers own instead of failing with a 409 conflict.
    pub force: bool,
}

/// How `apply` merges: server-side (field ownership, the API's apply) or as `kubectl apply`
/// does without `--server-side` (a three-way merge with the last-applied annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMode {
    ServerSide,
    ClientSide,
}

/// `fieldValidation` (`metav1.FieldValidation*`): unknown fields are an error (`Strict`),
/// a warning (`Warn`, the default) or dropped silently (`Ignore`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldValidation {
    Strict,
    #[default]
    Warn,
    Ignore,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedObject {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    pub action: Action,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyResult {
    pub objects: Vec<AppliedObject>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settled {
    pub settled: bool,
    pub elapsed_seconds: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubectlOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// What a node card shows: the node, how full it is, and its pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    pub name: String,
    pub ready: bool,
    /// The STATUS column of `kubectl get nodes` (`Ready`, `NotReady,SchedulingDisabled`, …).
    pub status: String,
    /// `key=value:Effect` for each taint.
    pub taints: Vec<String>,
    pub unschedulable: bool,
    pub allocatable_milli_cpu: i64,
    pub allocatable_memory: i64,
    pub allocatable_pods: i64,
    pub requested_milli_cpu: i64,
    pub requested_memory: i64,
    pub pods: Vec<PodSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSummary {
    pub namespace: String,
    pub name: String,
    /// The STATUS column of `kubectl get pods`.
    pub status: String,
    pub ready: bool,
    /// Why the pod waits, when it does (its PodScheduled=False message).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl PodSummary {
    fn of(p: &Value) -> PodSummary {
        let message = object::array_at(p, &["status", "conditions"])
            .iter()
            .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")
            .and_then(|c| c["message"].as_str())
            .unwrap_or("")
            .to_string();
        PodSummary {
            namespace: object::namespace(p).to_string(),
            name: object::name(p).to_string(),
            status: kubectl::pod_status(p),
            ready: controllers::is_pod_ready(p),
            message,
        }
    }
}

/// The snapshot document's format version.
const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    kind: String,
    version: u32,
    now: String,
    now_ms: i64,
    rng: Rng,
    timers: Vec<i64>,
    scheduler: scheduler::State,
    store: StoreSnapshot,
}

/// How a control loop is run.
enum Run {
    Controller(fn(&mut Server)),
    Scheduler,
}

/// A control loop: the field manager it writes as, the resources it watches (empty: all),
/// and how to run it. They run in this order at every instant.
struct Loop {
    manager: &'static str,
    watches: &'static [&'static str],
    run: Run,
}

const KCM: &str = "kube-controller-manager";

const LOOPS: &[Loop] = &[
    // The namespace controller waits for a terminating namespace's contents to go: it watches all.
    Loop {
        manager: KCM,
        watches: &[],
        run: Run::Controller(controllers::namespace::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &[],
        run: Run::Controller(controllers::gc::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &["deployments.apps", "replicasets.apps"],
        run: Run::Controller(controllers::deployment::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &["replicasets.apps", "pods"],
        run: Run::Controller(controllers::replicaset::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &[
            "statefulsets.apps",
            "pods",
            "controllerrevisions.apps",
            "persistentvolumeclaims",
        ],
        run: Run::Controller(controllers::statefulset::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &[
            "daemonsets.apps",
            "pods",
            "nodes",
            "controllerrevisions.apps",
        ],
        run: Run::Controller(controllers::daemonset::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &["cronjobs.batch", "jobs.batch"],
        run: Run::Controller(controllers::cronjob::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &["jobs.batch", "pods"],
        run: Run::Controller(controllers::job::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &[
            "poddisruptionbudgets.policy",
            "pods",
            "replicasets.apps",
            "deployments.apps",
            "statefulsets.apps",
        ],
        run: Run::Controller(controllers::disruption::reconcile),
    },
    Loop {
        manager: KCM,
        watches: &["nodes", "pods"],
        run: Run::Controller(controllers::node_lifecycle::reconcile),
    },
    Loop {
        manager: "kube-scheduler",
        watches: &["pods", "nodes", "priorityclasses.scheduling.k8s.io"],
        run: Run::Scheduler,
    },
    Loop {
        manager: "kubelet",
        watches: &["pods", "nodes"],
        run: Run::Controller(kubelet::reconcile),
    },
];

/// Whether any of `resources` (any resource when empty) changed after revision `since`.
fn changed_since(store: &Store, since: u64, resources: &[&str]) -> bool {
    if since >= store.revision() {
        return false;
    }
    match store.events_since(since) {
        Ok(mut events) => {
            events.any(|e| resources.is_empty() || resources.contains(&e.key.resource.as_str()))
        }
        Err(_) => true,
    }
}

/// The most controller rounds at one instant before the control plane stops and reports
/// (a guard against controllers that fight; never reached by the built-in ones).
const MAX_ROUNDS: usize = 10_000;
/// The field manager of updates and patches made through this API.
const USER_MANAGER: &str = "kplane";
/// `runUntilSettled`'s default horizon.
pub const DEFAULT_SETTLE_SECONDS: f64 = 600.0;

#[derive(Debug, Clone)]
pub struct ControlPlane {
    server: Server,
    scheduler: scheduler::State,
    /// The store revision each control loop last ran at (all equal to the store's at rest).
    seen: Vec<u64>,
}

impl ControlPlane {
    pub fn new(options: Options) -> Result<ControlPlane, Status> {
        let start = options
            .start
            .as_deref()
            .unwrap_or(crate::sim::clock::DEFAULT_START);
        let start_ms = parse_rfc3339(start).ok_or_else(|| {
            Status::bad_request(format!(
                "invalid start time {start:?}: expected RFC 3339, e.g. 2026-01-01T00:00:00Z"
            ))
        })?;
        Ok(ControlPlane {
            server: Server::new(options.seed, start_ms),
            scheduler: scheduler::State::default(),
            seen: vec![0; LOOPS.len()],
        })
    }

    /// The API server, for callers that need the request path directly.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Applies multi-document YAML or JSON (`kubectl apply -f`), then lets the controllers react
    /// at the current instant. Stops at the first failing object; earlier ones stay applied.
    pub fn apply(
        &mut self,
        workspace: &str,
        manifests: &str,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.server.check_workspace(workspace)?;
        let docs = decode::decode(manifests)?;
        let objects = docs.into_iter().map(|d| d.object).collect();
        self.apply_objects(workspace, objects, options)
    }

    /// Applies already-decoded objects with server-side apply.
    pub fn apply_objects(
        &mut self,
        workspace: &str,
        objects: Vec<Value>,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.apply_with(workspace, objects, options, ApplyMode::ServerSide)
    }

    /// Applies objects server-side or client-side (`kubectl apply` without `--server-side`).
    pub fn apply_with(
        &mut self,
        workspace: &str,
        objects: Vec<Value>,
        options: &ApplyOptions,
        mode: ApplyMode,
    ) -> Result<ApplyResult, Status> {
        self.server.check_workspace(workspace)?;
        let mut result = ApplyResult::default();
        for mut obj in objects {
            if let Some(ns) = &options.namespace {
                if object::namespace(&obj).is_empty() && obj.is_object() {
                    object::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
                }
            }
            let warnings = self.check_fields(&mut obj, options)?;
            result.warnings.extend(warnings);
            let (stored, action) = match mode {
                ApplyMode::ServerSide => {
                    let manager = options
                        .field_manager
                        .as_deref()
                        .unwrap_or(crate::server::DEFAULT_MANAGER);
                    self.server
                        .server_side_apply(workspace, obj, manager, options.force)?
                }
                ApplyMode::ClientSide => {
                    self.server.act_as("kubectl-client-side-apply");
                    self.server.apply(workspace, obj)?
                }
            };
            let namespace = Some(object::namespace(&stored).to_string()).filter(|n| !n.is_empty());
            result.objects.push(AppliedObject {
                api_version: object::api_version(&stored).to_string(),
                kind: object::kind(&stored).to_string(),
                namespace,
                name: object::name(&stored).to_string(),
                action,
            });
        }
        self.reconcile();
        Ok(result)
    }

    fn info(api_version: Option<&str>, kind: &str) -> Result<&'static KindInfo, Status> {
        Server::resolve(api_version.filter(|v| !v.is_empty()), kind)
    }

    pub fn get(&self, workspace: &str, r: &ObjectRef) -> Result<Option<Value>, Status> {
        self.server.check_workspace(workspace)?;
        let info = Self::info(r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default");
        Ok(self.server.get(workspace, info, ns, &r.name).cloned())
    }

    /// Lists objects as the API does: `{ apiVersion, kind: "PodList", metadata: { resourceVersion }, items }`.
    pub fn list(&self, workspace: &str, o: &ListOptions) -> Result<Value, Status> {
        let items = self.list_items(workspace, o)?;
        let info = Self::info(o.api_version.as_deref(), &o.kind)?;
        Ok(json!({
            "apiVersion": info.api_version(),
            "kind": format!("{}List", info.kind),
            "metadata": {"resourceVersion": self.server.store.revision().to_string()},
            "items": items,
        }))
    }

    /// The objects a `list` matches, in namespace/name order.
    pub fn list_items(&self, workspace: &str, o: &ListOptions) -> Result<Vec<Value>, Status> {
        self.server.check_workspace(workspace)?;
        let info = Self::info(o.api_version.as_deref(), &o.kind)?;
        let labels = match o.label_selector.as_deref() {
            Some(s) => Selector::parse(s).map_err(Status::bad_request)?,
            None => Selector::default(),
        };
        let fields = match o.field_selector.as_deref() {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(Status::bad_request)?;
                f.check_supported(&supported_fields(info))
                    .map_err(Status::bad_request)?;
                f
            }
            None => FieldSelector::default(),
        };
        Ok(self
            .server
            .list(workspace, info, o.namespace.as_deref())
            .filter(|v| labels.matches(&object::labels(v)) && fields.matches(v))
            .cloned()
            .collect())
    }

    /// Creates an object (HTTP POST; `kubectl create`): 409 `AlreadyExists` if it exists.
    /// Returns the object and any field-validation warnings.
    pub fn create(
        &mut self,
        workspace: &str,
        mut object: Value,
        options: &ApplyOptions,
    ) -> Result<(Value, Vec<String>), Status> {
        let warnings = self.check_fields(&mut object, options)?;
        if let Some(ns) = &options.namespace {
            if object::namespace(&object).is_empty() && object.is_object() {
                object::set_path(&mut object, &["metadata", "namespace"], json!(ns));
            }
        }
        self.server
            .act_as(options.field_manager.as_deref().unwrap_or(USER_MANAGER));
        let out = self.server.create(workspace, object)?;
        self.reconcile();
        Ok((out, warnings))
    }

    /// Field validation: drops unknown fields and returns them as warnings, or fails (`Strict`).
    fn check_fields(&self, obj: &mut Value, options: &ApplyOptions) -> Result<Vec<String>, Status> {
        let kind = object::kind(obj).to_string();
        let unknown = crate::api::schema::prune_unknown(&kind, obj);
        let text: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        match options.field_validation.unwrap_or_default() {
            _ if text.is_empty() => Ok(text),
            FieldValidation::Strict => {
                let version = object::api_version(obj).rsplit('/').next().unwrap_or("");
                Err(Status::bad_request(format!(
                    "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
                    text.join(", ")
                )))
            }
            FieldValidation::Warn => Ok(text),
            FieldValidation::Ignore => Ok(vec![]),
        }
    }

    /// Replaces an object (HTTP PUT); a set `metadata.resourceVersion` must be current.
    pub fn update(&mut self, workspace: &str, object: Value) -> Result<Value, Status> {
        self.update_as(workspace, object, USER_MANAGER)
    }

    /// `update` recorded under a given field manager (kubectl's commands have their own).
    pub(crate) fn update_as(
        &mut self,
        workspace: &str,
        object: Value,
        manager: &str,
    ) -> Result<Value, Status> {
        self.server.act_as(manager);
        let out = self.server.update(workspace, object)?;
        self.reconcile();
        Ok(out)
    }

    /// The watch events after `resourceVersion` (exclusive), in revision order, ending with a
    /// BOOKMARK at the current revision. A compacted revision is a 410 `Expired`.
    pub fn watch(&self, workspace: &str, o: &WatchOptions) -> Result<Vec<WatchEvent>, Status> {
        self.server.check_workspace(workspace)?;
        let info = match o.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Some(Self::info(o.api_version.as_deref(), k)?),
            None => None,
        };
        let labels = match o.label_selector.as_deref() {
            Some(s) => Selector::parse(s).map_err(Status::bad_request)?,
            None => Selector::default(),
        };
        let fields = match o.field_selector.as_deref() {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(Status::bad_request)?;
                let supported = info.map_or_else(
                    || vec!["metadata.name", "metadata.namespace"],
                    supported_fields,
                );
                f.check_supported(&supported).map_err(Status::bad_request)?;
                f
            }
            None => FieldSelector::default(),
        };
        let resource = info.map(KindInfo::qualified_resource);
        let wanted = |key: &crate::store::Key, obj: &Value| {
            key.workspace == workspace
                && resource.as_ref().is_none_or(|r| *r == key.resource)
                && o.namespace.as_deref().is_none_or(|ns| ns == key.namespace)
                && labels.matches(&object::labels(obj))
                && fields.matches(obj)
        };
        let store = &self.server.store;
        let mut events = Vec::new();
        match o
            .resource_version
            .as_deref()
            .filter(|rv| !rv.is_empty() && *rv != "0")
        {
            None => {
                for (k, v) in store.list_workspace(workspace) {
                    if wanted(k, v) {
                        events.push(WatchEvent {
                            kind: "ADDED".into(),
                            object: v.clone(),
                        });
                    }
                }
            }
            Some(rv) => {
                let since: u64 = rv.parse().map_err(|_| {
                    Status::bad_request(format!(
                        "invalid resource version {rv:?}: expected a number"
                    ))
                })?;
                let history = store.events_since(since).map_err(|oldest| {
                    Status::expired(format!("too old resource version: {since} ({oldest})"))
                })?;
                for e in history {
                    if wanted(&e.key, &e.object) {
                        let kind = match e.kind {
                            crate::store::EventType::Added => "ADDED",
                            crate::store::EventType::Modified => "MODIFIED",
                            crate::store::EventType::Deleted => "DELETED",
                        };
                        events.push(WatchEvent {
                            kind: kind.into(),
                            object: e.object.clone(),
                        });
                    }
                }
            }
        }
        let (api_version, kind) = info.map_or(("v1".to_string(), "Status".to_string()), |i| {
            (i.api_version(), i.kind.to_string())
        });
        events.push(WatchEvent {
            kind: "BOOKMARK".into(),
            object: json!({"apiVersion": api_version, "kind": kind, "metadata": {"resourceVersion": store.revision().to_string()}}),
        });
        Ok(events)
    }

    /// Patches an object with a JSON merge patch, a JSON patch or a strategic merge patch.
    pub fn patch(
        &mut self,
        workspace: &str,
        r: &ObjectRef,
        patch: &Value,
        kind: PatchType,
    ) -> Result<Value, Status> {
        self.patch_as(workspace, r, patch, kind, USER_MANAGER)
    }

    /// `patch` recorded under a given field manager.
    pub(crate) fn patch_as(
        &mut self,
        workspace: &str,
        r: &ObjectRef,
        patch: &Value,
        kind: PatchType,
        manager: &str,
    ) -> Result<Value, Status> {
        let info = Self::info(r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default");
        self.server.act_as(manager);
        let out = self
            .server
            .patch(workspace, info, ns, &r.name, patch, kind)?;
        self.reconcile();
        Ok(out)
    }

    /// Evicts a pod through the Eviction API: refused with 429 `TooManyRequests` when that
    /// would break its PodDisruptionBudget.
    pub fn evict(&mut self, workspace: &str, namespace: &str, name: &str) -> Result<Value, Status> {
        self.server.act_as(USER_MANAGER);
        let out = self.server.evict(workspace, namespace, name)?;
        self.reconcile();
        Ok(out)
    }

    /// Deletes an object; returns it as deleted (or as marked for deletion when graceful).
    pub fn delete(&mut self, workspace: &str, o: &DeleteOptions) -> Result<Value, Status> {
        let info = Self::info(o.api_version.as_deref(), &o.kind)?;
        let ns = o.namespace.as_deref().unwrap_or("default");
        let out = self.server.delete(
            workspace,
            info,
            ns,
            &o.name,
            o.propagation_policy,
            o.grace_period_seconds,
        )?;
        self.reconcile();
        Ok(out)
    }

    /// Runs every controller that has work at the current instant, in a fixed order, until
    /// none has (DESIGN.md, "How data flows").
    /// Brings the control plane to rest at the current instant, firing the wake-ups due by
    /// now (including ones the loops register for this very instant).
    fn reconcile(&mut self) {
        let mut woken = false;
        loop {
            self.reconcile_at_instant(woken);
            let now = self.server.clock.now_ms();
            if !self.server.timers.due_by(now) {
                return;
            }
            self.server.timers.expire(now);
            woken = true;
        }
    }

    /// Runs the control loops at the current instant until none writes. A loop runs when a
    /// resource it watches changed since its last run, or when `woken` (a timer fired).
    fn reconcile_at_instant(&mut self, woken: bool) {
        self.server.store.tick(self.server.clock.now_ms());
        let mut force = woken;
        for _ in 0..MAX_ROUNDS {
            let before = self.server.store.revision();
            for (i, l) in LOOPS.iter().enumerate() {
                let since = self.seen[i];
                let run = force || changed_since(&self.server.store, since, l.watches);
                // Either way, every event up to now has been looked at.
                self.seen[i] = self.server.store.revision();
                if !run {
                    continue;
                }
                self.server.act_as(l.manager);
                match l.run {
                    Run::Controller(f) => f(&mut self.server),
                    Run::Scheduler => scheduler::schedule(&mut self.server, &mut self.scheduler),
                }
            }
            force = false;
            if self.server.store.revision() == before {
                break;
            }
        }
    }

    /// Moves virtual time forward by `seconds`, stopping at every wake-up on the way.
    pub fn advance(&mut self, seconds: f64) {
        let until = self.server.clock.now_ms().saturating_add(millis(seconds));
        self.reconcile();
        while let Some(t) = self
            .server
            .timers
            .next_between(self.server.clock.now_ms(), until)
        {
            self.server.clock.set(t);
            self.reconcile();
        }
        self.server.clock.set(until);
        self.reconcile();
    }

    /// Advances to each next wake-up until none is left (settled) or `max_seconds` pass.
    pub fn run_until_settled(&mut self, max_seconds: Option<f64>) -> Settled {
        let max = max_seconds
            .filter(|m| m.is_finite() && *m >= 0.0)
            .unwrap_or(DEFAULT_SETTLE_SECONDS);
        let start = self.server.clock.now_ms();
        let until = start.saturating_add(millis(max));
        self.reconcile();
        loop {
            let now = self.server.clock.now_ms();
            match self.server.timers.next_between(now, until) {
                Some(t) => {
                    self.server.clock.set(t);
                    self.reconcile();
                }
                None => {
                    let settled = self.server.timers.next_between(now, i64::MAX).is_none();
                    if !settled {
                        self.server.clock.set(until);
                    }
                    let elapsed = (self.server.clock.now_ms() - start) as f64 / 1000.0;
                    return Settled {
                        settled,
                        elapsed_seconds: elapsed,
                    };
                }
            }
        }
    }

    /// Runs a kubectl command line against the root workspace.
    pub fn kubectl(&mut self, command_line: &str, stdin: &str) -> KubectlOutput {
        let out = kubectl::run(self, command_line, stdin);
        self.reconcile();
        out
    }

    /// Fails node `name`: its kubelet keeps running but posts `Ready=False` (`KubeletNotReady`)
    /// and starts nothing (annotation `sim.kplane.dev/node-state: Failed`). 404 if no such node.
    pub fn fail_node(&mut self, name: &str) -> Result<Value, Status> {
        self.set_node_state(name, kubelet::NodeState::Failed)
    }

    /// Stops node `name`: the machine is off, its kubelet posts nothing and its pods freeze
    /// (annotation `sim.kplane.dev/node-state: Stopped`). 404 if no such node.
    pub fn stop_node(&mut self, name: &str) -> Result<Value, Status> {
        self.set_node_state(name, kubelet::NodeState::Stopped)
    }

    /// Restores a failed or stopped node: its kubelet posts `Ready=True` again.
    pub fn restore_node(&mut self, name: &str) -> Result<Value, Status> {
        self.set_node_state(name, kubelet::NodeState::Running)
    }

    fn set_node_state(&mut self, name: &str, state: kubelet::NodeState) -> Result<Value, Status> {
        self.server.act_as(USER_MANAGER);
        let out = kubelet::node::set_state(&mut self.server, name, state)?;
        self.reconcile();
        Ok(out)
    }

    /// The virtual time, RFC 3339.
    pub fn now(&self) -> String {
        self.server.clock.rfc3339()
    }

    pub fn now_ms(&self) -> i64 {
        self.server.clock.now_ms()
    }

    /// Every node with its pods and how full it is, in name order.
    pub fn nodes(&self) -> Vec<NodeSummary> {
        let node_info = controllers::kind("v1", "Node");
        let pod_info = controllers::kind("v1", "Pod");
        let mut by_node: std::collections::BTreeMap<&str, Vec<&Value>> = Default::default();
        for p in self.server.list(crate::server::ROOT, pod_info, None) {
            if let Some(n) = object::str_at(p, &["spec", "nodeName"]) {
                by_node.entry(n).or_default().push(p);
            }
        }
        self.server
            .list(crate::server::ROOT, node_info, None)
            .map(|n| {
                let name = object::name(n);
                let alloc = crate::api::resources::node_allocatable(n);
                let pods = by_node.get(name).cloned().unwrap_or_default();
                let mut requested = Resources::default();
                for p in pods
                    .iter()
                    .filter(|p| controllers::is_pod_active(p) || object::is_terminating(p))
                {
                    requested.add(&crate::api::resources::pod_requests(p, false));
                }
                NodeSummary {
                    name: name.to_string(),
                    ready: kubelet::node_ready(n),
                    status: kubectl::node_status(n),
                    taints: object::array_at(n, &["spec", "taints"])
                        .iter()
                        .map(|t| {
                            let value = t["value"]
                                .as_str()
                                .filter(|v| !v.is_empty())
                                .map(|v| format!("={v}"))
                                .unwrap_or_default();
                            format!(
                                "{}{value}:{}",
                                t["key"].as_str().unwrap_or(""),
                                t["effect"].as_str().unwrap_or("")
                            )
                        })
                        .collect(),
                    unschedulable: n["spec"]["unschedulable"] == true,
                    allocatable_milli_cpu: alloc.milli_cpu,
                    allocatable_memory: alloc.memory,
                    allocatable_pods: alloc.get("pods"),
                    requested_milli_cpu: requested.milli_cpu,
                    requested_memory: requested.memory,
                    pods: pods.iter().map(|p| PodSummary::of(p)).collect(),
                }
            })
            .collect()
    }

    /// Pods no node has taken yet.
    pub fn pending_pods(&self) -> Vec<PodSummary> {
        let pod_info = controllers::kind("v1", "Pod");
        self.server
            .list(crate::server::ROOT, pod_info, None)
            .filter(|p| object::str_at(p, &["spec", "nodeName"]).is_none_or(str::is_empty))
            .map(PodSummary::of)
            .collect()
    }

    /// Why the pod is where it is: its latest scheduling attempt, with every plugin's filter
    /// verdict and score per node (None when the scheduler has not tried it or forgot it).
    pub fn explain(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
    ) -> Option<scheduler::Explanation> {
        self.scheduler.explanation(workspace, namespace, name)
    }

    /// The whole control plane as one versioned JSON document, like `etcdctl snapshot save`.
    pub fn snapshot(&self) -> String {
        let s = Snapshot {
            kind: "KplaneSnapshot".into(),
            version: SNAPSHOT_VERSION,
            now: self.now(),
            now_ms: self.server.clock.now_ms(),
            rng: self.server.rng.clone(),
            timers: self.server.timers.all(),
            scheduler: self.scheduler.clone(),
            store: self.server.store.snapshot(),
        };
        serde_json::to_string(&s).expect("snapshot serializes")
    }

    /// Restores a snapshot; the restored control plane continues exactly as the original would.
    pub fn restore(snapshot: &str) -> Result<ControlPlane, Status> {
        let s: Snapshot = serde_json::from_str(snapshot)
            .map_err(|e| Status::bad_request(format!("invalid snapshot: {e}")))?;
        if s.kind != "KplaneSnapshot" || s.version != SNAPSHOT_VERSION {
            return Err(Status::bad_request(format!(
                "unsupported snapshot: kind {:?} version {} (expected KplaneSnapshot version {SNAPSHOT_VERSION})",
                s.kind, s.version
            )));
        }
        let mut timers = Timers::default();
        for t in s.timers {
            timers.wake_at(t);
        }
        let server =
            Server::from_parts(Store::restore(s.store), Clock::at(s.now_ms), s.rng, timers);
        // Snapshots are taken at rest, when every loop has seen every write.
        let seen = vec![server.store.revision(); LOOPS.len()];
        Ok(ControlPlane {
            server,
            scheduler: s.scheduler,
            seen,
        })
    }
}

/// Seconds → milliseconds, clamped to [0, 100 years]; NaN is 0.
fn millis(seconds: f64) -> i64 {
    const MAX_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;
    if seconds.is_nan() {
        return 0;
    }
    (seconds.clamp(0.0, MAX_SECONDS) * 1000.0).round() as i64
}

/// Field selectors a kind supports (every kind: metadata.name and metadata.namespace).
fn supported_fields(info: &KindInfo) -> Vec<&'static str> {
    let mut f = vec!["metadata.name", "metadata.namespace"];
    match info.kind {
        "Pod" => f.extend([
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ]),
        "Node" => f.push("spec.unschedulable"),
        "Event" => f.extend([
            "involvedObject.kind",
            "involvedObject.name",
            "involvedObject.namespace",
            "involvedObject.uid",
            "reason",
            "type",
            "source",
        ]),
        "Namespace" => f.push("status.phase"),
        _ => {}
    }
    f
}
