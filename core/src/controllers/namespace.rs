//! The namespace controller: empties a terminating namespace, then lifts its `kubernetes`
//! finalizer so the deletion completes. With it, the service account controller: every
//! active namespace has a `default` ServiceAccount.
use crate::api::kinds::KINDS;
use crate::api::object;
use crate::api::Value;
use crate::json;
use crate::server::{Server, ROOT};

pub fn reconcile(s: &mut Server) {
    ensure_default_service_accounts(s);
    let ns_info = super::kind("v1", "Namespace");
    let terminating: Vec<Value> = s
        .list(ROOT, ns_info, None)
        .filter(|n| object::is_terminating(n))
        .cloned()
        .collect();
    for ns in terminating {
        let name = object::name(&ns).to_string();
        let mut remaining = 0;
        for info in KINDS.iter().filter(|k| k.namespaced) {
            let names: Vec<(String, bool)> = s
                .list(ROOT, info, Some(&name))
                .map(|o| (object::name(o).to_string(), object::is_terminating(o)))
                .collect();
            remaining += names.len();
            for (n, terminating) in names {
                if !terminating {
                    let _ = s.delete(ROOT, info, &name, &n, None, None);
                }
            }
        }
        if remaining == 0 {
            let mut n = ns.clone();
            let rest: Vec<Value> = object::array_at(&n, &["metadata", "finalizers"])
                .iter()
                .filter(|f| *f != "kubernetes")
                .cloned()
                .collect();
            n["metadata"]["finalizers"] = json!(rest);
            let _ = s.update(ROOT, n);
        }
    }
}

fn ensure_default_service_accounts(s: &mut Server) {
    let ns_info = super::kind("v1", "Namespace");
    let sa_info = super::kind("v1", "ServiceAccount");
    let missing: Vec<String> = s
        .list(ROOT, ns_info, None)
        .filter(|n| !object::is_terminating(n))
        .map(|n| object::name(n).to_string())
        .filter(|ns| s.get(ROOT, sa_info, ns, "default").is_none())
        .collect();
    for ns in missing {
        let _ = s.create(
            ROOT,
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}}),
        );
    }
}
