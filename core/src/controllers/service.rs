//! The service controller's load balancers (k8s.io/cloud-provider `controllers/service`),
//! with a simulated cloud: a `LoadBalancer` Service gets the
//! `service.kubernetes.io/load-balancer-cleanup` finalizer, an address in
//! `status.loadBalancer.ingress` and the `EnsuringLoadBalancer`/`EnsuredLoadBalancer` Events; a
//! Service that stops being a `LoadBalancer`, or is deleted, gives its address back
//! (`DeletingLoadBalancer`/`DeletedLoadBalancer`) and loses the finalizer.
//!
//! The simulated address is an IPv4 from 203.0.113.0/24 (TEST-NET-3, RFC 5737, reserved for
//! documentation), chosen from a hash of the Service's uid, skipping addresses in use.
use super::kind;
use crate::api::object::{self, array_at, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::runtime::{Action, Controller};
use crate::server::{EventType, Server};
use crate::store::{Key, Store, WatchEvent};
use std::collections::BTreeSet;

/// `servicehelper.LoadBalancerCleanupFinalizer`.
pub const LB_FINALIZER: &str = "service.kubernetes.io/load-balancer-cleanup";
/// The Event source.
pub const COMPONENT: &str = "service-controller";

fn is_load_balancer(svc: &Value) -> bool {
    str_at(svc, &["spec", "type"]) == Some("LoadBalancer")
}

fn has_finalizer(svc: &Value) -> bool {
    array_at(svc, &["metadata", "finalizers"])
        .iter()
        .any(|f| f.as_str() == Some(LB_FINALIZER))
}

/// FNV-1a, for the stable choice of an address.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The service controller (load balancers only).
#[derive(Debug, Default)]
pub struct ServiceController;

impl Controller for ServiceController {
    fn name(&self) -> &'static str {
        "service-lb-controller"
    }
    fn manager(&self) -> &'static str {
        "cloud-controller-manager"
    }
    fn watches(&self) -> &'static [&'static str] {
        &["services"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        crate::runtime::all_keys(store, "services", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(svc) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        let ws = key.workspace.to_string();
        let wanted = is_load_balancer(&svc) && !object::is_terminating(&svc);
        let ingress = array_at(&svc, &["status", "loadBalancer", "ingress"]).to_vec();
        if !wanted {
            if !ingress.is_empty() || has_finalizer(&svc) {
                return release(s, &ws, &svc);
            }
            return Action::AwaitChange;
        }
        let mut svc = svc;
        if !has_finalizer(&svc) {
            let mut f: Vec<Value> = array_at(&svc, &["metadata", "finalizers"]).to_vec();
            f.push(json!(LB_FINALIZER));
            let mut next = svc.clone();
            set_path(&mut next, &["metadata", "finalizers"], Value::from(f));
            match s.update(&ws, next) {
                Ok(v) => svc = v,
                Err(_) => return Action::Retry,
            }
        }
        if !ingress.is_empty() {
            return Action::AwaitChange;
        }
        s.event(
            &ws,
            &svc,
            EventType::Normal,
            "EnsuringLoadBalancer",
            "Ensuring load balancer",
            COMPONENT,
        );
        let used: BTreeSet<String> = s
            .store
            .list_all("services")
            .flat_map(|(_, o)| array_at(o, &["status", "loadBalancer", "ingress"]).iter())
            .filter_map(|i| i.get("ip").and_then(Value::as_str).map(str::to_string))
            .collect();
        let start = fnv(object::uid(&svc)) % 254;
        let Some(ip) = (0..254)
            .map(|i| format!("203.0.113.{}", 1 + (start + i) % 254))
            .find(|ip| !used.contains(ip))
        else {
            s.event(&ws, &svc, EventType::Warning, "SyncLoadBalancerFailed",
                "Error syncing load balancer: failed to ensure load balancer: no address left in 203.0.113.0/24", COMPONENT);
            return Action::RequeueAfter(60_000);
        };
        let mut next = svc.clone();
        set_path(
            &mut next,
            &["status", "loadBalancer"],
            json!({"ingress": [{"ip": ip, "ipMode": "VIP"}]}),
        );
        if s.update_status(&ws, &next).is_err() {
            return Action::Retry;
        }
        s.event(
            &ws,
            &svc,
            EventType::Normal,
            "EnsuredLoadBalancer",
            "Ensured load balancer",
            COMPONENT,
        );
        Action::AwaitChange
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Deletes the load balancer: the address goes, then the finalizer.
fn release(s: &mut Server, ws: &str, svc: &Value) -> Action {
    s.event(
        ws,
        svc,
        EventType::Normal,
        "DeletingLoadBalancer",
        "Deleting load balancer",
        COMPONENT,
    );
    let mut current = svc.clone();
    if !array_at(svc, &["status", "loadBalancer", "ingress"]).is_empty() {
        let mut next = svc.clone();
        set_path(&mut next, &["status", "loadBalancer"], json!({}));
        match s.update_status(ws, &next) {
            Ok(v) => current = v,
            Err(_) => return Action::Retry,
        }
    }
    s.event(
        ws,
        svc,
        EventType::Normal,
        "DeletedLoadBalancer",
        "Deleted load balancer",
        COMPONENT,
    );
    if has_finalizer(&current) {
        let rest: Vec<Value> = array_at(&current, &["metadata", "finalizers"])
            .iter()
            .filter(|f| f.as_str() != Some(LB_FINALIZER))
            .cloned()
            .collect();
        let mut next = current.clone();
        set_path(&mut next, &["metadata", "finalizers"], Value::from(rest));
        if s.update(ws, next).is_err() {
            return Action::Retry;
        }
    }
    let _ = kind("v1", "Service");
    Action::AwaitChange
}
