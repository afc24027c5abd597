//! The initializer of the `root:universal` WorkspaceType, which every built-in type extends: it
//! gives a new workspace what a fresh cluster has (kcp's `config/universal` bootstrap, which
//! kplane widens to what a Kubernetes cluster starts with: the namespaces `default`,
//! `kube-system`, `kube-public` and `kube-node-lease`, each with its `default`
//! ServiceAccount), then removes itself from the LogicalCluster's `status.initializers`
//! (kcp's initializing virtual workspace). A LogicalCluster with no initializer left is
//! `Ready`.
use crate::api::object::{self, set_path};
use crate::api::Value;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::workspaces::{LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE};
use crate::server::{Server, INITIAL_NAMESPACES};
use crate::store::{Key, Store, WatchEvent};
use crate::tenancy::phase;

const COMPONENT: &str = "kcp-universal-initializer";
/// The initializer this controller serves (`root:universal`).
pub const UNIVERSAL_INITIALIZER: &str = "root:universal";

/// The `root:universal` initializer.
#[derive(Debug, Default)]
pub struct UniversalInitializer;

impl Controller for UniversalInitializer {
    fn name(&self) -> &'static str {
        COMPONENT
    }
    fn manager(&self) -> &'static str {
        "kcp"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[LOGICAL_CLUSTER_RESOURCE]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.name == LOGICAL_CLUSTER_NAME {
            out.push(e.key.clone());
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, LOGICAL_CLUSTER_RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(lc) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&lc) {
            return Action::AwaitChange;
        }
        let ws = key.workspace.to_string();
        let initializers: Vec<Value> = object::array_at(&lc, &["status", "initializers"]).to_vec();
        let mut new = lc.clone();
        if initializers.iter().any(|i| i == UNIVERSAL_INITIALIZER) {
            if bootstrap(s, &ws).is_err() {
                return Action::Retry;
            }
            let rest: Vec<Value> = initializers
                .iter()
                .filter(|i| *i != UNIVERSAL_INITIALIZER)
                .cloned()
                .collect();
            set_path(&mut new, &["status", "initializers"], Value::from(rest));
        }
        if object::array_at(&new, &["status", "initializers"]).is_empty() {
            set_path(&mut new, &["status", "phase"], json!(phase::READY));
        }
        if new != lc && s.update_status(&ws, &new).is_err() {
            return Action::Retry;
        }
        Action::AwaitChange
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The initial namespaces and their `default` ServiceAccounts.
fn bootstrap(s: &mut Server, ws: &str) -> Result<(), crate::Status> {
    let ns_info = super::kind("v1", "Namespace");
    let sa_info = super::kind("v1", "ServiceAccount");
    for ns in INITIAL_NAMESPACES {
        if s.get(ws, ns_info, "", ns).is_none() {
            s.create(
                ws,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            )?;
        }
        if s.get(ws, sa_info, ns, "default").is_none() {
            s.create(
                ws,
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}}),
            )?;
        }
    }
    Ok(())
}
