//! The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher,
//! `root-ca-cert-publisher`, per logical cluster as in KCP's fork): every active namespace of
//! every workspace has a ConfigMap `kube-root-ca.crt` holding the cluster CA bundle (`ca.crt`)
//! and the `kubernetes.io/description` annotation. A namespace is looked at when it is added
//! or updated (while active) and when its `kube-root-ca.crt` is updated or deleted; a changed
//! bundle or a lost annotation is put back.
//!
//! kplane serves no TLS: the bundle is a fixed self-signed certificate (`CN=kubernetes`,
//! `root_ca.pem`) that signs nothing, there so that tools that read the ConfigMap find it.
use super::namespace::namespace_key;
use crate::api::object;
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};

/// `RootCACertConfigMapName`.
pub const CONFIG_MAP_NAME: &str = "kube-root-ca.crt";
/// `DescriptionAnnotation`.
pub const DESCRIPTION_ANNOTATION: &str = "kubernetes.io/description";
/// `Description`.
pub const DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";
/// The CA bundle kplane publishes (PEM).
pub const ROOT_CA: &str = include_str!("root_ca.pem");

/// The root CA certificate publisher.
#[derive(Debug, Default)]
pub struct RootCaPublisher;

impl Controller for RootCaPublisher {
    fn name(&self) -> &'static str {
        "root-ca-cert-publisher"
    }
    fn manager(&self) -> &'static str {
        super::KCM
    }
    fn watches(&self) -> &'static [&'static str] {
        &["namespaces", "configmaps"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        if &*e.key.resource == "namespaces" {
            // namespaceUpdated: only active namespaces.
            if object::str_at(&e.object, &["status", "phase"]).is_none_or(|p| p == "Active") {
                out.push(e.key.clone());
            }
        } else if &*e.key.name == CONFIG_MAP_NAME {
            out.push(namespace_key(&e.key.workspace, &e.key.namespace));
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, "namespaces", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        if s.store.get(key).is_none_or(object::is_terminating) {
            return Action::AwaitChange;
        }
        let cm_key = Key::new(&key.workspace, "configmaps", &key.name, CONFIG_MAP_NAME);
        let data = json!({"ca.crt": ROOT_CA});
        let written = match s.store.get(&cm_key).cloned() {
            None => s.create(
                &key.workspace,
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": CONFIG_MAP_NAME, "namespace": &*key.name, "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION}}, "data": data}),
            ),
            Some(cm) => {
                let described = object::str_at(&cm, &["metadata", "annotations", DESCRIPTION_ANNOTATION])
                    .is_some_and(|d| !d.is_empty());
                if cm.get("data") == Some(&data) && described {
                    return Action::AwaitChange;
                }
                let mut cm = cm;
                object::set_path(&mut cm, &["data"], data);
                object::set_path(
                    &mut cm,
                    &["metadata", "annotations", DESCRIPTION_ANNOTATION],
                    json!(DESCRIPTION),
                );
                s.update(&key.workspace, cm)
            }
        };
        match written {
            // A namespace that is gone or terminating refuses it: nothing to do.
            Err(e) if e.code != 403 && e.code != 404 => Action::Retry,
            _ => Action::AwaitChange,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::kind;
    use crate::controllers::testing::{Harness, TEAM};

    #[test]
    fn every_namespace_of_every_workspace_gets_the_bundle_back() {
        let mut h = Harness::new(RootCaPublisher, vec![]);
        for ws in ["root", TEAM] {
            for ns in crate::server::INITIAL_NAMESPACES {
                let cm = h.get(ws, "configmaps", ns, CONFIG_MAP_NAME);
                assert_eq!(cm["data"]["ca.crt"], ROOT_CA, "{ws}/{ns}");
                assert_eq!(
                    cm["metadata"]["annotations"][DESCRIPTION_ANNOTATION],
                    DESCRIPTION
                );
            }
        }
        // An edited bundle is put back; a deleted one comes back (in its workspace only).
        let mut cm = h.get(TEAM, "configmaps", "default", CONFIG_MAP_NAME);
        cm["data"] = json!({"ca.crt": "edited"});
        h.s.update(TEAM, cm).unwrap();
        h.settle();
        let cm = h.get(TEAM, "configmaps", "default", CONFIG_MAP_NAME);
        assert_eq!(cm["data"]["ca.crt"], ROOT_CA);
        let before = object::uid(&cm).to_string();
        h.clear();
        h.s.delete(
            TEAM,
            kind("v1", "ConfigMap"),
            "default",
            CONFIG_MAP_NAME,
            None,
            None,
        )
        .unwrap();
        h.settle();
        assert_eq!(h.reconciled("namespaces"), ["root:team/default"]);
        let after = h.get(TEAM, "configmaps", "default", CONFIG_MAP_NAME);
        assert_ne!(object::uid(&after), before);
    }
}
