//! The workspace controller (kcp `pkg/reconciler/tenancy/workspace`): drives a Workspace
//! through `Scheduling` → `Initializing` → `Ready` and deletes it with its content.
//!
//! - Scheduling (`workspace_reconcile_scheduling.go`): gives the Workspace its logical cluster
//!   (`spec.cluster`, a random name; `spec.URL`), the finalizer `core.kcp.io/logicalcluster`,
//!   and creates the LogicalCluster `cluster` in the new workspace with the initializers of
//!   the type and every type it extends (`LogicalClustersInitializers`). The creator (the
//!   owner annotation admission wrote) gets the ClusterRoleBinding `workspace-admin` →
//!   `cluster-admin` there.
//! - Initializing (`workspace_reconcile_phase.go`): mirrors the LogicalCluster's remaining
//!   initializers; `Ready` with `WorkspaceInitialized=True` once none remain.
//! - Ready: `Unavailable` while a `Workspace*` condition is False.
//! - Deletion (`workspace_reconcile_deletion.go`, the logicalcluster deletion controller):
//!   child Workspaces are deleted first (each takes its own content with it), then the
//!   workspace's content and LogicalCluster go, `WorkspaceContentDeleted=True`, and the
//!   finalizer is lifted.
//!
//! A Workspace is reconciled when it or its LogicalCluster changes, and when a child
//! Workspace changes (a deletion waits for its children).
use crate::api::object::{self, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::rbac;
use crate::server::workspaces::{
    logical_cluster_key, workspace_key, LOGICAL_CLUSTER_FINALIZER, LOGICAL_CLUSTER_RESOURCE,
    WORKSPACE_RESOURCE,
};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};
use crate::tenancy::path::join_str;
use crate::tenancy::phase::{self, Condition};
use crate::tenancy::types;

const COMPONENT: &str = "kcp-workspace-controller";
/// The host kplane writes into workspace URLs (`spec.URL`).
pub const URL_BASE: &str = "https://kplane.local";
/// The ClusterRoleBinding that makes a workspace's creator its admin.
pub const ADMIN_BINDING: &str = "workspace-admin";
/// The annotation kcp keeps a Workspace's cluster name in before scheduling completes.
const CLUSTER_ANNOTATION: &str = "internal.tenancy.kcp.io/cluster";

/// The workspace controller.
#[derive(Debug, Default)]
pub struct WorkspaceController;

impl Controller for WorkspaceController {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        "kcp"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[WORKSPACE_RESOURCE, LOGICAL_CLUSTER_RESOURCE]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == WORKSPACE_RESOURCE {
            out.push(e.key.clone());
        }
        // A LogicalCluster or a child Workspace concerns the Workspace that makes its
        // workspace.
        out.extend(workspace_key(&e.key.workspace));
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, WORKSPACE_RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(ws) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let path = join_str(&key.workspace, &key.name);
        if object::is_terminating(&ws) {
            return delete(s, key, &path, ws);
        }
        match phase::phase(&ws) {
            phase::SCHEDULING => schedule(s, key, &path, ws),
            phase::INITIALIZING => initialize(s, key, &path, ws),
            _ => {
                let mut new = ws.clone();
                if phase::update_terminal_phase(&mut new) {
                    write(s, key, &ws, new)
                } else {
                    Action::AwaitChange
                }
            }
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Writes a Workspace: metadata and spec through an update, status through `/status`.
fn write(s: &mut Server, key: &Key, old: &Value, new: Value) -> Action {
    let mut main = new.clone();
    set_path(&mut main, &["status"], old["status"].clone());
    let main_changed = main != *old;
    let result = if main_changed {
        s.update(&key.workspace, main)
    } else {
        Ok(old.clone())
    };
    let stored = match result {
        Ok(v) => v,
        Err(_) => return Action::Retry,
    };
    if stored.get("status") != new.get("status") {
        let mut st = stored.clone();
        set_path(&mut st, &["status"], new["status"].clone());
        if s.update_status(&key.workspace, &st).is_err() {
            return Action::Retry;
        }
    }
    Action::AwaitChange
}

/// The initializers the workspace's type asks for (every alias with `initializer: true`).
fn initializers_of(s: &Server, parent: &str, ws: &Value) -> Vec<String> {
    let t = types::workspace_type_of(ws);
    let get = |p: &str, n: &str| s.find_workspace_type(p, n);
    types::resolve_type_ref(parent, &t, &get)
        .and_then(|wt| types::aliases(&wt, &get))
        .map(|a| types::initializers(&a))
        .unwrap_or_default()
}

fn schedule(s: &mut Server, key: &Key, path: &str, ws: Value) -> Action {
    let mut new = ws.clone();
    let cluster = match str_at(&ws, &["metadata", "annotations", CLUSTER_ANNOTATION]) {
        Some(c) => c.to_string(),
        None => s.rng.alphanumeric(16),
    };
    set_path(
        &mut new,
        &["metadata", "annotations", CLUSTER_ANNOTATION],
        json!(cluster),
    );
    let mut finalizers: Vec<Value> = object::array_at(&ws, &["metadata", "finalizers"]).to_vec();
    if !finalizers.iter().any(|f| f == LOGICAL_CLUSTER_FINALIZER) {
        finalizers.push(json!(LOGICAL_CLUSTER_FINALIZER));
    }
    set_path(
        &mut new,
        &["metadata", "finalizers"],
        Value::from(finalizers),
    );
    let inits = initializers_of(s, &key.workspace, &ws);
    if s.create_logical_cluster(path, &key.workspace, &ws, &inits)
        .is_err()
    {
        return Action::Retry;
    }
    // The creator is the workspace's admin.
    if let Some(owner) = str_at(&ws, &["metadata", "annotations", types::OWNER_ANNOTATION]) {
        let user: Value = serde_json::from_str(owner).unwrap_or_default();
        if let Some(name) = user.get("username").and_then(Value::as_str) {
            let crb = rbac::cluster_role_binding_for_user(ADMIN_BINDING, "cluster-admin", name);
            let crb_info = super::kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
            if s.get(path, crb_info, "", ADMIN_BINDING).is_none() && s.create(path, crb).is_err() {
                return Action::Retry;
            }
        }
    }
    let url = format!("{URL_BASE}/clusters/{path}");
    let now = s.clock.rfc3339();
    phase::schedule(&mut new, &cluster, &url, &now);
    // The phase reconciler runs in the same pass, after scheduling: the new LogicalCluster's
    // initializers are mirrored at once.
    phase::reconcile_initializing(&mut new, &inits, &now);
    write(s, key, &ws, new)
}

fn initialize(s: &mut Server, key: &Key, path: &str, ws: Value) -> Action {
    let Some(lc) = s.store.get(&logical_cluster_key(path)) else {
        return Action::AwaitChange;
    };
    let remaining: Vec<String> = object::array_at(lc, &["status", "initializers"])
        .iter()
        .filter_map(|i| i.as_str().map(String::from))
        .collect();
    let mut new = ws.clone();
    phase::reconcile_initializing(&mut new, &remaining, &s.clock.rfc3339());
    if new == ws {
        return Action::AwaitChange;
    }
    write(s, key, &ws, new)
}

fn delete(s: &mut Server, key: &Key, path: &str, ws: Value) -> Action {
    let ws_info = super::kind("tenancy.kcp.io/v1alpha1", "Workspace");
    let children: Vec<(String, bool)> = s
        .store
        .list(path, WORKSPACE_RESOURCE, None)
        .map(|(k, v)| (k.name.to_string(), object::is_terminating(v)))
        .collect();
    if !children.is_empty() {
        for (child, terminating) in children {
            if !terminating {
                let _ = s.delete(path, ws_info, "", &child, None, None);
            }
        }
        // Each child's removal brings this Workspace back.
        return Action::AwaitChange;
    }
    s.remove_workspace_content(path);
    let now = s.clock.rfc3339();
    let mut new = ws.clone();
    phase::set_condition(
        &mut new,
        &Condition::true_(phase::WORKSPACE_CONTENT_DELETED),
        &now,
    );
    if new.get("status") != ws.get("status") {
        if let Ok(stored) = s.update_status(&key.workspace, &new) {
            new = stored;
        }
    }
    let rest: Vec<Value> = object::array_at(&new, &["metadata", "finalizers"])
        .iter()
        .filter(|f| *f != LOGICAL_CLUSTER_FINALIZER)
        .cloned()
        .collect();
    set_path(&mut new, &["metadata", "finalizers"], Value::from(rest));
    match s.update(&key.workspace, new) {
        Ok(_) => Action::AwaitChange,
        Err(_) => Action::Retry,
    }
}
