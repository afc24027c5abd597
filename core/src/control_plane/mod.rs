//! `ControlPlane`: the API server, the store, the controllers, the scheduler and the node
//! agents on one virtual clock. Everything a caller does goes through here.
//!
//! Split by concern: [`options`] (the argument and result types), `query` (get, list with
//! paging, watch), `summary` (the cluster view), `snapshot` (save and restore); this file
//! holds writes and time.
mod budget;
mod identity;
mod karpenter;
mod logs;
mod metrics;
mod network;
mod options;
mod query;
mod snapshot;
mod subresources;
mod summary;
mod virtual_workspace;

pub use budget::DEFAULT_WRITES_PER_CALL;
pub use identity::{AsUser, KubectlContext};
pub use network::{DirectionReport, Reachability, ReachabilityMatrix};
pub use options::*;
pub use summary::{NodeSummary, PodSummary};

use crate::api::object;
use crate::api::{KindInfo, Value};
use crate::json;
use crate::runtime::Runtime;
use crate::server::authz::Request;
use crate::server::rbac::UserInfo;
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
    /// Who calls (`system:admin` unless [`ControlPlane::as_user`] says otherwise).
    user: UserInfo,
    /// Where kubectl commands act.
    kubectl: KubectlContext,
    /// The work budget of the call in progress.
    budget: budget::Budget,
}

/// A copy that continues exactly as the original would (a snapshot and restore, without the
/// JSON in between): the store is shared until either writes.
impl Clone for ControlPlane {
    fn clone(&self) -> ControlPlane {
        let server = self.server.clone();
        let seen = server.store.revision();
        let mut cp = ControlPlane::with_server(server, self.scheduler_state().clone(), seen);
        cp.runtime
            .load(self.runtime.save(self.server.clock.now_ms()));
        cp.user = self.user.clone();
        cp.kubectl = self.kubectl.clone();
        cp.budget.limit = self.budget.limit;
        cp
    }
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
        // controller-manager starting next to a fresh API server does, and are at rest before
        // the first call.
        let mut cp = ControlPlane::with_server(
            Server::new(options.seed, start_ms),
            scheduler::State::default(),
            0,
        );
        cp.reconcile();
        Ok(cp)
    }

    /// A control plane over `server`, its control loops having seen the store up to `seen`.
    fn with_server(server: Server, scheduler: scheduler::State, seen: u64) -> ControlPlane {
        let now = server.clock.now_ms();
        let mut runtime = Runtime::new(controllers::all(), seen, now);
        if let Some(s) = runtime.get_mut::<scheduler::Scheduler>() {
            s.state = scheduler;
        }
        ControlPlane {
            server,
            runtime,
            user: UserInfo::system_admin(),
            kubectl: KubectlContext::default(),
            budget: budget::Budget::default(),
        }
    }

    fn scheduler_state(&self) -> &scheduler::State {
        static EMPTY: std::sync::OnceLock<scheduler::State> = std::sync::OnceLock::new();
        self.runtime
            .get::<scheduler::Scheduler>()
            .map(|s| &s.state)
            .unwrap_or_else(|| EMPTY.get_or_init(scheduler::State::default))
    }

    /// Creates an empty logical cluster (a workspace's content, without a Workspace object),
    /// e.g. `root:team`; its control loops run at once.
    pub fn add_logical_cluster(&mut self, name: &str) -> Result<(), Status> {
        self.server.add_logical_cluster(name)?;
        self.reconcile();
        Ok(())
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
            .map(|d| (d.document, d.line, d.object, d.duplicates))
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
            .map(|(i, o)| (i + 1, 0, o, vec![]))
            .collect();
        Ok(self.apply_each(workspace, docs, options))
    }

    /// Applies decoded documents: (document number, line, object, duplicate keys).
    fn apply_each(
        &mut self,
        workspace: &str,
        docs: Vec<(usize, usize, Value, Vec<String>)>,
        options: &ApplyOptions,
    ) -> ApplyResult {
        let mut result = ApplyResult::default();
        for (document, line, obj, duplicates) in docs {
            let named = document_name(&obj);
            match self.apply_one(workspace, obj, &duplicates, options) {
                Ok((stored, action, warnings)) => {
                    if defines_kinds(&stored) {
                        // Let the naming/establishing and binding controllers run, so the
                        // documents that follow can use the kind.
                        self.reconcile();
                    }
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
        duplicates: &[String],
        options: &ApplyOptions,
    ) -> Result<(Value, Outcome, Vec<String>), Status> {
        if let Some(ns) = &options.namespace {
            if object::namespace(&obj).is_empty() && obj.is_object() {
                object::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
            }
        }
        let warnings = self.check_fields(workspace, &mut obj, duplicates, options)?;
        self.authorize_apply(workspace, &obj, options)?;
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

    /// Resolves a kind in `workspace` (built-in, or one of its custom kinds).
    fn info(
        &self,
        workspace: &str,
        api_version: Option<&str>,
        kind: &str,
    ) -> Result<&'static KindInfo, Status> {
        self.server
            .resolve_in(workspace, api_version.filter(|v| !v.is_empty()), kind)
    }

    /// The verbs `kubectl apply` needs: `patch` on an existing object, `create` on a new one
    /// (server-side apply is a PATCH, which creates through the create-on-update path, so a
    /// new object needs both).
    fn authorize_apply(
        &mut self,
        workspace: &str,
        obj: &Value,
        options: &ApplyOptions,
    ) -> Result<(), Status> {
        self.server.check_workspace(workspace)?;
        let info = self.server.info_of(workspace, obj)?;
        let ns = match object::namespace(obj) {
            "" => "default",
            ns => ns,
        };
        let name = object::name(obj);
        let exists = self.server.get(workspace, info, ns, name).is_some();
        if exists || options.mode == ApplyMode::ServerSide {
            self.begin_write(workspace, Request::new("patch", info, ns).named(name))?;
        }
        if !exists {
            self.begin_write(workspace, Request::new("create", info, ns))?;
        }
        Ok(())
    }

    /// Creates an object (HTTP POST; `kubectl create`): 409 `AlreadyExists` if it exists.
    /// Returns the object and any field-validation warnings.
    pub fn create(
        &mut self,
        workspace: &str,
        mut object: Value,
        options: &ApplyOptions,
    ) -> Result<(Value, Vec<String>), Status> {
        let warnings = self.check_fields(workspace, &mut object, &[], options)?;
        if let Some(ns) = &options.namespace {
            if object::namespace(&object).is_empty() && object.is_object() {
                object::set_path(&mut object, &["metadata", "namespace"], json!(ns));
            }
        }
        self.server.check_workspace(workspace)?;
        let info = self.info(
            workspace,
            Some(object::api_version(&object)),
            object::kind(&object),
        )?;
        let ns = match object::namespace(&object) {
            "" => "default",
            ns => ns,
        };
        self.begin_write(workspace, Request::new("create", info, ns))?;
        self.server
            .act_as(options.field_manager.as_deref().unwrap_or(USER_MANAGER));
        let out = self.server.create(workspace, object)?;
        self.reconcile();
        Ok((out, warnings))
    }

    /// Field validation (strict decoding errors: unknown fields, which are dropped, then
    /// duplicate keys): a 400 under `Strict`, warnings under `Warn`, nothing under `Ignore`.
    /// A custom kind's fields are those of its schema.
    fn check_fields(
        &self,
        workspace: &str,
        obj: &mut Value,
        duplicates: &[String],
        options: &ApplyOptions,
    ) -> Result<Vec<String>, Status> {
        let kind = object::kind(obj).to_string();
        let custom = self
            .server
            .resolve_in(workspace, Some(object::api_version(obj)), &kind)
            .ok()
            .and_then(|info| self.server.custom_kind(workspace, info));
        let unknown = match custom {
            Some(c) => crate::server::custom::prune_unknown(c, obj),
            None => crate::api::schema::prune_unknown(&kind, obj),
        };
        let mut errors: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        errors.extend(duplicates.iter().cloned());
        match options.field_validation.unwrap_or_default() {
            FieldValidation::Ignore => Ok(vec![]),
            v => decode::strict_decoding(
                &kind,
                object::api_version(obj),
                &errors,
                v == FieldValidation::Strict,
            ),
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
        self.server.check_workspace(workspace)?;
        let info = self.info(
            workspace,
            Some(object::api_version(&object)),
            object::kind(&object),
        )?;
        let ns = match object::namespace(&object) {
            "" => "default",
            ns => ns,
        };
        self.begin_write(
            workspace,
            Request::new("update", info, ns).named(object::name(&object)),
        )?;
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
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default");
        self.begin_write(workspace, Request::new("patch", info, ns).named(&r.name))?;
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
        let pods = crate::controllers::kind("v1", "Pod");
        self.begin_write(
            workspace,
            Request::new("create", pods, namespace)
                .named(name)
                .on_subresource("eviction"),
        )?;
        self.server.act_as(USER_MANAGER);
        let out = self.server.evict(workspace, namespace, name)?;
        self.reconcile();
        Ok(out)
    }

    /// Deletes an object; returns it as deleted (or as marked for deletion when graceful).
    pub fn delete(&mut self, workspace: &str, o: &DeleteOptions) -> Result<Value, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, o.api_version.as_deref(), &o.kind)?;
        let ns = o.namespace.as_deref().unwrap_or("default");
        self.begin_write(workspace, Request::new("delete", info, ns).named(&o.name))?;
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
        // The control loops are system components: they act as `system:admin`.
        self.server.set_user(UserInfo::system_admin());
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

    /// Restarts the control loops: each looks at every object again (as kube-controller-manager,
    /// the scheduler and the kubelets do after a restart), at the current instant. At rest this
    /// changes nothing: every loop already saw every change that concerns it.
    pub fn restart_controllers(&mut self) {
        self.runtime.relist(&self.server.store);
        self.reconcile();
    }

    /// Moves virtual time forward by `seconds`, stopping at every wake-up on the way.
    /// `seconds` must be a finite number, zero or more (at most 100 years at once).
    pub fn advance(&mut self, seconds: f64) -> Result<(), Status> {
        let until = self.server.clock.now_ms().saturating_add(millis(seconds)?);
        self.within_budget(|cp| {
            cp.reconcile();
            while let Some(t) = cp
                .server
                .timers
                .next_between(cp.server.clock.now_ms(), until)
            {
                if let Some(e) = cp.budget_spent() {
                    return Err(e);
                }
                cp.server.clock.set(t);
                cp.reconcile();
            }
            cp.server.clock.set(until);
            cp.reconcile();
            Ok(())
        })
    }

    /// The instant (ms) `seconds` from now; `seconds` as for [`ControlPlane::advance`] (a
    /// 400 otherwise).
    pub fn instant_after(&self, seconds: f64) -> Result<i64, Status> {
        Ok(self.server.clock.now_ms().saturating_add(millis(seconds)?))
    }

    /// The instant (ms) of the control loops' next wake-up after now and at or before
    /// `until_ms`; `None` when none falls due by then (nothing changes until someone writes).
    /// Callers that wait for a condition in virtual time (`kubectl wait`, `delete --wait`,
    /// `rollout status`, `get -w`) advance from one wake-up to the next.
    pub fn next_wake_up(&self, until_ms: i64) -> Option<i64> {
        self.server
            .timers
            .next_between(self.server.clock.now_ms(), until_ms)
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
        self.within_budget(|cp| {
            cp.reconcile();
            loop {
                let now = cp.server.clock.now_ms();
                match cp.server.timers.next_between(now, until) {
                    Some(t) => {
                        if let Some(e) = cp.budget_spent() {
                            return Err(e);
                        }
                        cp.server.clock.set(t);
                        cp.reconcile();
                    }
                    None => {
                        let settled = cp.server.timers.next_between(now, i64::MAX).is_none();
                        if !settled {
                            cp.server.clock.set(until);
                        }
                        let elapsed = (cp.server.clock.now_ms() - start) as f64 / 1000.0;
                        return Ok(Settled {
                            settled,
                            elapsed_seconds: elapsed,
                        });
                    }
                }
            }
        })
    }

    /// Runs a kubectl command line in kubectl's current workspace
    /// ([`ControlPlane::kubectl_context`]), as the current caller.
    pub fn kubectl(&mut self, command_line: &str, stdin: &str) -> KubectlOutput {
        self.within_budget(|cp| {
            let out = kubectl::run(cp, command_line, stdin);
            cp.reconcile();
            out
        })
    }

    /// Runs a kubectl command line and, for a command that streams (`get -w`,
    /// `get --watch-only`, `logs -f`), the stream that goes on printing as virtual time passes
    /// ([`kubectl::KubectlStream`]); `None` for other commands.
    pub fn kubectl_stream(
        &mut self,
        command_line: &str,
        stdin: &str,
    ) -> (KubectlOutput, Option<kubectl::KubectlStream>) {
        self.within_budget(|cp| {
            let out = kubectl::start(cp, command_line, stdin);
            cp.reconcile();
            out
        })
    }

    /// Runs a kubectl command line, then advances virtual time by `seconds`: what a streaming
    /// command (`get -w`, `logs -f`) prints meanwhile is appended, each change at the instant
    /// it happens. A command that does not stream prints as [`ControlPlane::kubectl`] and the
    /// clock still advances. `seconds` as for [`ControlPlane::advance`].
    pub fn kubectl_watch(
        &mut self,
        command_line: &str,
        stdin: &str,
        seconds: f64,
    ) -> Result<KubectlOutput, Status> {
        let until = self.instant_after(seconds)?;
        self.within_budget(|cp| {
            let (mut out, stream) = cp.kubectl_stream(command_line, stdin);
            if let Some(mut s) = stream {
                let more = s.advance(cp, seconds)?;
                out.stdout.push_str(&more.stdout);
                out.stderr.push_str(&more.stderr);
                out.exit_code = out.exit_code.max(more.exit_code);
            }
            // The whole span passes, also when the stream ended early (every followed
            // container stopped) or there was none.
            let left = until.saturating_sub(cp.now_ms()).max(0);
            cp.advance(left as f64 / 1000.0)?;
            Ok(out)
        })
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
        let nodes = crate::controllers::kind("v1", "Node");
        self.begin_write(
            crate::server::ROOT,
            Request::new("update", nodes, "")
                .named(name)
                .on_subresource("status"),
        )?;
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

/// Whether an object defines kinds (a CRD) or binds them (an APIBinding).
fn defines_kinds(obj: &Value) -> bool {
    matches!(
        (object::api_version(obj), object::kind(obj)),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition")
            | ("apis.kcp.io/v1alpha1", "APIBinding")
    )
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
