//! `ControlPlane`: the API server, the store, the controllers, the scheduler and the node
//! agents on one virtual clock. Everything a caller does goes through here.
//!
//! Split by concern: [`options`] (the argument and result types), `query` (get, list with
//! paging, watch), `summary` (the cluster view), `snapshot` (save and restore); this file
//! holds writes and time.
mod karpenter;
mod options;
mod query;
mod snapshot;
mod summary;

pub use options::*;
pub use summary::{NodeSummary, PodSummary};

use crate::api::object;
use crate::api::{KindInfo, Value};
use crate::json;
use crate::runtime::Runtime;
use crate::server::{decode, patch::PatchType, status::Status, Outcome, Server};
use crate::sim::parse_rfc3339;
use crate::{controllers, kubectl, kubelet, scheduler};

/// The field manager of updates and patches made through this API.
const USER_MANAGER: &str = "kplane";
/// `runUntilSettled`'s default horizon.
pub const DEFAULT_SETTLE_SECONDS: f64 = 600.0;

pub struct ControlPlane {
    server: Server,
    runtime: Runtime,
}

impl std::fmt::Debug for ControlPlane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlPlane")
            .field("now", &self.now())
            .field("revision", &self.server.store.revision())
            .field("objects", &self.server.store.len())
            .field("runtime", &self.runtime)
            .finish()
    }
}

impl ControlPlane {
    pub fn new(options: Options) -> Result<ControlPlane, Status> {
        let start = options
            .start
            .as_deref()
            .unwrap_or(crate::sim::clock::DEFAULT_START);
        let start_ms = parse_rfc3339(start)
            .filter(|ms| (crate::sim::clock::MIN_MS..=crate::sim::clock::MAX_MS).contains(ms))
            .ok_or_else(|| {
                Status::bad_request(format!(
                    "invalid start time {start:?}: expected RFC 3339, e.g. 2026-01-01T00:00:00Z"
                ))
            })?;
        // The control loops start from revision 0: they see the bootstrap objects as a
        // controller-manager starting next to a fresh API server does.
        Ok(ControlPlane::with_server(
            Server::new(options.seed, start_ms),
            scheduler::State::default(),
            controllers::karpenter::State::default(),
            0,
        ))
    }

    /// A control plane over `server`, its control loops having seen the store up to `seen`.
    fn with_server(
        server: Server,
        scheduler: scheduler::State,
        karpenter: controllers::karpenter::State,
        seen: u64,
    ) -> ControlPlane {
        let mut runtime = Runtime::new(controllers::all(), seen);
        if let Some(s) = runtime.get_mut::<scheduler::Scheduler>() {
            s.state = scheduler;
        }
        if let Some(k) = runtime.get_mut::<controllers::karpenter::Karpenter>() {
            k.state = karpenter;
        }
        ControlPlane { server, runtime }
    }

    fn scheduler_state(&self) -> &scheduler::State {
        static EMPTY: std::sync::OnceLock<scheduler::State> = std::sync::OnceLock::new();
        self.runtime
            .get::<scheduler::Scheduler>()
            .map(|s| &s.state)
            .unwrap_or_else(|| EMPTY.get_or_init(scheduler::State::default))
    }

    /// The API server, for callers that need the request path directly.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Applies multi-document YAML or JSON (`kubectl apply -f`), then lets the controllers react
    /// at the current instant. Every document is applied even when an earlier one fails, as
    /// kubectl does; the first failure is then returned (see [`ControlPlane::apply_documents`]
    /// for every document's outcome).
    pub fn apply(
        &mut self,
        workspace: &str,
        manifests: &str,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.apply_documents(workspace, manifests, options)?
            .into_result()
    }

    /// Applies every document of multi-document YAML or JSON on its own, in order, as
    /// `kubectl apply -f` does: a failing document is reported in
    /// [`ApplyResult::errors`] and the next ones are still applied. `Err` only when the text
    /// cannot be decoded at all (or the workspace does not exist).
    pub fn apply_documents(
        &mut self,
        workspace: &str,
        manifests: &str,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.server.check_workspace(workspace)?;
        let docs = decode::decode(manifests)?;
        if docs.is_empty() {
            return Err(Status::bad_request("no objects passed to apply"));
        }
        let docs = docs
            .into_iter()
            .map(|d| (d.document, d.line, d.object))
            .collect();
        Ok(self.apply_each(workspace, docs, options))
    }

    /// Applies already-decoded objects (document numbers are their positions); every object
    /// is applied even when an earlier one fails, then the first failure is returned.
    pub fn apply_objects(
        &mut self,
        workspace: &str,
        objects: Vec<Value>,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.apply_values(workspace, objects, options)?
            .into_result()
    }

    /// [`ControlPlane::apply_documents`] for already-decoded objects.
    pub fn apply_values(
        &mut self,
        workspace: &str,
        objects: Vec<Value>,
        options: &ApplyOptions,
    ) -> Result<ApplyResult, Status> {
        self.server.check_workspace(workspace)?;
        let docs = objects
            .into_iter()
            .enumerate()
            .map(|(i, o)| (i + 1, 0, o))
            .collect();
        Ok(self.apply_each(workspace, docs, options))
    }

    fn apply_each(
        &mut self,
        workspace: &str,
        docs: Vec<(usize, usize, Value)>,
        options: &ApplyOptions,
    ) -> ApplyResult {
        let mut result = ApplyResult::default();
        for (document, line, obj) in docs {
            let named = document_name(&obj);
            match self.apply_one(workspace, obj, options) {
                Ok((stored, action, warnings)) => {
                    result.warnings.extend(warnings.iter().cloned());
                    let namespace =
                        Some(object::namespace(&stored).to_string()).filter(|n| !n.is_empty());
                    result.objects.push(AppliedObject {
                        api_version: object::api_version(&stored).to_string(),
                        kind: object::kind(&stored).to_string(),
                        namespace,
                        name: object::name(&stored).to_string(),
                        action,
                        document,
                        line,
                        warnings,
                    });
                }
                Err(status) => result.errors.push(DocumentError {
                    document,
                    line,
                    object: named,
                    status,
                }),
            }
        }
        self.reconcile();
        result
    }

    fn apply_one(
        &mut self,
        workspace: &str,
        mut obj: Value,
        options: &ApplyOptions,
    ) -> Result<(Value, Outcome, Vec<String>), Status> {
        if let Some(ns) = &options.namespace {
            if object::namespace(&obj).is_empty() && obj.is_object() {
                object::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
            }
        }
        let warnings = self.check_fields(&mut obj, options)?;
        let (stored, action) = match options.mode {
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
        Ok((stored, action, warnings))
    }

    fn info(api_version: Option<&str>, kind: &str) -> Result<&'static KindInfo, Status> {
        Server::resolve(api_version.filter(|v| !v.is_empty()), kind)
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
    pub fn update_as(
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
    pub fn patch_as(
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
        self.server.act_as(USER_MANAGER);
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

    /// Brings the control plane to rest at the current instant (DESIGN.md, "How data flows"):
    /// every control loop with work runs, and the wake-ups due by now fire (including ones the
    /// loops register for this very instant).
    fn reconcile(&mut self) {
        let mut woken = false;
        loop {
            let now = self.server.clock.now_ms();
            self.server.store.tick(now);
            self.server.expire_events();
            self.runtime.run_instant(&mut self.server, woken);
            if !self.server.timers.due_by(now) {
                return;
            }
            self.server.timers.expire(now);
            woken = true;
        }
    }

    /// Moves virtual time forward by `seconds`, stopping at every wake-up on the way.
    /// `seconds` must be a finite number, zero or more (at most 100 years at once).
    pub fn advance(&mut self, seconds: f64) -> Result<(), Status> {
        let until = self.server.clock.now_ms().saturating_add(millis(seconds)?);
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
        Ok(())
    }

    /// Advances to each next wake-up until none is left (settled) or `max_seconds` pass
    /// (default [`DEFAULT_SETTLE_SECONDS`]).
    pub fn run_until_settled(&mut self, max_seconds: Option<f64>) -> Result<Settled, Status> {
        let max = match max_seconds {
            Some(m) => millis(m)?,
            None => millis(DEFAULT_SETTLE_SECONDS)?,
        };
        let start = self.server.clock.now_ms();
        let until = start.saturating_add(max);
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
                    return Ok(Settled {
                        settled,
                        elapsed_seconds: elapsed,
                    });
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

    /// Why the pod is where it is: its latest scheduling attempt, with every plugin's filter
    /// verdict and score per node (None when the scheduler has not tried it or forgot it).
    pub fn explain(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
    ) -> Option<scheduler::Explanation> {
        self.scheduler_state()
            .explanation(workspace, namespace, name)
    }
}

/// `Deployment/web`, for error reports about a document.
fn document_name(obj: &Value) -> Option<String> {
    let (kind, name) = (object::kind(obj), object::name(obj));
    (!kind.is_empty() && !name.is_empty()).then(|| format!("{kind}/{name}"))
}

/// Seconds → milliseconds: a finite number, zero or more, at most 100 years.
fn millis(seconds: f64) -> Result<i64, Status> {
    const MAX_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(Status::bad_request(format!(
            "seconds must be a finite number, zero or more, got {seconds}"
        )));
    }
    if seconds > MAX_SECONDS {
        return Err(Status::bad_request(format!(
            "seconds must be at most {MAX_SECONDS} (100 years), got {seconds}"
        )));
    }
    Ok((seconds * 1000.0).round() as i64)
}
