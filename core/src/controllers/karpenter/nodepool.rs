//! NodePool and EC2NodeClass status (kubernetes-sigs/karpenter v1.13.0
//! `pkg/controllers/nodepool/`: `hash` (the drift hash annotation), `counter` (resources and
//! node count), `readiness` (`NodeClassReady` → `Ready`), `validation`; karpenter-provider-aws
//! `nodeclass/status`: the simulated EC2 resolves every selector, so an EC2NodeClass is
//! `Ready` as soon as it exists).
use super::apis::NodePool;
use super::resources::{ResourceList, NODES};
use crate::api::condition;
use crate::api::object::{self, set_path};
use crate::api::Value;
use crate::controllers::kind;
use crate::json;
use crate::runtime::Action;
use crate::server::{Server, ROOT};

fn set(obj: &mut Value, now: &str, kind: &str, status: &str, reason: &str, message: &str) {
    let generation = object::i64_at(obj, &["metadata", "generation"]).unwrap_or(1);
    condition::set_on(
        obj,
        json!({"type": kind, "status": status, "reason": reason, "message": message,
               "lastTransitionTime": now, "observedGeneration": generation}),
    );
}

/// One pass over a NodePool: hash, then status.
pub fn reconcile(s: &mut Server, name: &str) -> Action {
    let info = kind("karpenter.sh/v1", "NodePool");
    let Some(obj) = s.get(ROOT, info, "", name).cloned() else {
        return Action::AwaitChange;
    };
    if object::is_terminating(&obj) {
        return Action::AwaitChange;
    }
    let Some(mut obj) = super::lifecycle::hash_nodepool(s, &obj) else {
        return Action::Retry;
    };
    let now = s.clock.rfc3339();
    let before = obj.clone();
    // counter: the capacity of the pool's claims (what they launched), and how many.
    let mut resources = ResourceList::new();
    let mut nodes = 0i64;
    for (_, c) in s.store.list(ROOT, "nodeclaims.karpenter.sh", None) {
        if object::labels(c)
            .get("karpenter.sh/nodepool")
            .map(String::as_str)
            != Some(name)
        {
            continue;
        }
        resources.add(&ResourceList::from_value_lossy(object::path(
            c,
            &["status", "capacity"],
        )));
        nodes += 1;
    }
    let mut res = resources.clone();
    res.set(NODES, nodes);
    for k in ["cpu", "memory", "ephemeral-storage", "pods"] {
        if res.get(k).is_none() {
            res.set(k, 0);
        }
    }
    set_path(&mut obj, &["status", "resources"], res.to_value());
    set_path(&mut obj, &["status", "nodes"], json!(nodes));
    match NodePool::from_value(&obj) {
        Err(e) => {
            set(
                &mut obj,
                &now,
                "ValidationSucceeded",
                "False",
                "NodePoolValidationFailed",
                &e.message,
            );
            set(
                &mut obj,
                &now,
                "Ready",
                "False",
                "UnhealthyDependents",
                "ValidationSucceeded=False",
            );
        }
        Ok(pool) => {
            set(
                &mut obj,
                &now,
                "ValidationSucceeded",
                "True",
                "ValidationSucceeded",
                "",
            );
            let r = &pool.template.node_class_ref;
            let class = s.get(
                ROOT,
                kind("karpenter.k8s.aws/v1", "EC2NodeClass"),
                "",
                &r.name,
            );
            if class.is_some() && r.kind == "EC2NodeClass" {
                set(
                    &mut obj,
                    &now,
                    "NodeClassReady",
                    "True",
                    "NodeClassReady",
                    "",
                );
                set(&mut obj, &now, "Ready", "True", "Ready", "");
            } else {
                set(
                    &mut obj,
                    &now,
                    "NodeClassReady",
                    "False",
                    "NodeClassNotFound",
                    "NodeClass not found on cluster",
                );
                set(
                    &mut obj,
                    &now,
                    "Ready",
                    "False",
                    "UnhealthyDependents",
                    "NodeClassReady=False",
                );
            }
        }
    }
    if obj != before && s.update_status(ROOT, &obj).is_err() {
        return Action::Retry;
    }
    Action::AwaitChange
}

/// One pass over an EC2NodeClass: every selector resolves in the simulated account, so it is
/// `Ready` (with the AMI its family resolves to).
pub fn reconcile_class(s: &mut Server, name: &str) -> Action {
    let info = kind("karpenter.k8s.aws/v1", "EC2NodeClass");
    let Some(mut obj) = s.get(ROOT, info, "", name).cloned() else {
        return Action::AwaitChange;
    };
    let before = obj.clone();
    let now = s.clock.rfc3339();
    let class = super::apis::Ec2NodeClass::from_value(&obj);
    if let Ok(c) = &class {
        let family = c.ami_family;
        let amis: Vec<Value> = [("amd64", false), ("arm64", true)]
            .into_iter()
            .map(|(arch, arm)| {
                json!({"id": crate::cloud::provider::image_id(family, arm), "name": format!("{}-{arch}", family.name().to_ascii_lowercase()),
                       "requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": [arch]}]})
            })
            .collect();
        set_path(&mut obj, &["status", "amis"], Value::from(amis));
        let subnets: Vec<Value> = crate::cloud::catalog::ZONES
            .iter()
            .enumerate()
            .map(|(i, z)| json!({"id": format!("subnet-0{:016x}", 0x5eed_0000_u64 + i as u64), "zone": z, "zoneID": crate::cloud::catalog::ZONE_IDS[i]}))
            .collect();
        set_path(&mut obj, &["status", "subnets"], Value::from(subnets));
        for t in [
            "AMIsReady",
            "SubnetsReady",
            "SecurityGroupsReady",
            "InstanceProfileReady",
            "ValidationSucceeded",
        ] {
            set(&mut obj, &now, t, "True", t, "");
        }
        set(&mut obj, &now, "Ready", "True", "Ready", "");
    } else if let Err(e) = class {
        set(
            &mut obj,
            &now,
            "Ready",
            "False",
            "ValidationFailed",
            &e.message,
        );
    }
    if obj != before && s.update_status(ROOT, &obj).is_err() {
        return Action::Retry;
    }
    Action::AwaitChange
}
