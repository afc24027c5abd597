//! The container runtime handlers the simulated nodes run (a RuntimeClass's `handler`), and
//! what each costs a pod. A node runs `runc` always, and the sandboxed runtimes when it carries
//! the label their installers set; it reports them in `status.runtimeHandlers` (kubelet
//! `setNodeStatusRuntimeHandlers`, Kubernetes 1.30+). A pod whose class names a handler its node
//! does not run never gets a sandbox (`FailedCreatePodSandBox`, containerd's `no runtime for
//! "x" is configured`).
//!
//! The RuntimeClasses to use them are in `examples/runtime/runtimeclasses.yaml`; their
//! `overhead.podFixed` is what admission adds to `spec.overhead` (counted by the scheduler and
//! quota). The figures below are what the kubelet simulates on top:
//!
//! | handler | node label | extra sandbox start | CPU for the same work |
//! |---|---|---|---|
//! | `runc` | — | 0 | 100 % |
//! | `kata-qemu` | `katacontainers.io/kata-runtime: "true"` | +2 s | 100 % |
//! | `runsc` (gVisor) | `sandbox.gke.io/runtime: gvisor` | +0.3 s | 120 % |
//!
//! Sources, and where kplane picks a number:
//! - Kata Containers runs each pod in a lightweight VM (QEMU here): the VM and guest kernel boot
//!   before the first container starts, and the guest costs memory and CPU, which is why
//!   kata-deploy's `kata-qemu` RuntimeClass declares `overhead.podFixed` of 160Mi and 250m
//!   (kata-containers `tools/packaging/kata-deploy/runtimeclasses/kata-qemu.yaml`, with the
//!   `katacontainers.io/kata-runtime: "true"` node selector kata-deploy labels nodes with). The
//!   2 s boot is kplane's round figure for a QEMU guest boot (seconds rather than the tens
//!   of milliseconds of runc); CPU-bound code runs natively on the vCPUs.
//! - gVisor (`runsc`) intercepts system calls in its user-space kernel, the Sentry: its
//!   performance guide (gvisor.dev/docs/architecture_guide/performance) measures no cost for
//!   CPU-bound code but large ones for system-call-heavy work (small redis operations, static
//!   web serving), and a small, mostly fixed memory cost per sandbox. kplane charges a flat 20 %
//!   more CPU for the same work (the simulated workloads are services, which make system calls),
//!   and 0.3 s more to start (runsc create + start measured at 81–280 ms across hosts,
//!   apoxy.dev "gVisor cold start: where the time goes"). The node label is GKE Sandbox's, whose
//!   `gvisor` RuntimeClass selects nodes by it.
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::json;

/// A runtime handler a node may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    /// The CRI handler name (`RuntimeClass.handler`).
    pub name: &'static str,
    /// The node label that says the node runs it (`None`: every node).
    pub node_label: Option<(&'static str, &'static str)>,
    /// Added to the pod's sandbox start (milliseconds).
    pub extra_start_ms: i64,
    /// CPU used for the same work, in percent of runc's.
    pub cpu_percent: i64,
}

/// `runc`, the default handler.
pub const RUNC: Handler = Handler {
    name: "runc",
    node_label: None,
    extra_start_ms: 0,
    cpu_percent: 100,
};

/// Kata Containers with QEMU (kata-deploy's `kata-qemu`).
pub const KATA_QEMU: Handler = Handler {
    name: "kata-qemu",
    node_label: Some(("katacontainers.io/kata-runtime", "true")),
    extra_start_ms: 2_000,
    cpu_percent: 100,
};

/// gVisor (`runsc`).
pub const GVISOR: Handler = Handler {
    name: "runsc",
    node_label: Some(("sandbox.gke.io/runtime", "gvisor")),
    extra_start_ms: 300,
    cpu_percent: 120,
};

/// Every handler kplane simulates.
pub const HANDLERS: [Handler; 3] = [RUNC, KATA_QEMU, GVISOR];

/// The handler named `name` (`""` is the default, runc).
pub fn handler(name: &str) -> Option<Handler> {
    if name.is_empty() {
        return Some(RUNC);
    }
    HANDLERS.into_iter().find(|h| h.name == name)
}

/// The handlers `node` runs: runc, and those whose label it carries.
pub fn node_handlers(node: &Value) -> Vec<Handler> {
    let labels = object::labels(node);
    HANDLERS
        .into_iter()
        .filter(|h| {
            h.node_label
                .is_none_or(|(k, v)| labels.get(k).map(String::as_str) == Some(v))
        })
        .collect()
}

/// `status.runtimeHandlers` of a node (`NodeRuntimeHandler` with the features containerd 2.x
/// reports).
pub fn runtime_handlers_status(node: &Value) -> Value {
    Value::from(
        node_handlers(node)
            .into_iter()
            .map(|h| {
                json!({"name": h.name, "features": {"recursiveReadOnlyMounts": true, "userNamespaces": true}})
            })
            .collect::<Vec<Value>>(),
    )
}

/// The handler a pod runs with: its RuntimeClass's (`classes` are the RuntimeClasses of the
/// shared data plane), runc without a class. `Err` names a handler kplane does not simulate,
/// or a class that does not exist.
pub fn pod_handler(pod: &Value, classes: &[Value]) -> Result<Handler, String> {
    let Some(class) = str_at(pod, &["spec", "runtimeClassName"]).filter(|c| !c.is_empty()) else {
        return Ok(RUNC);
    };
    let name = classes
        .iter()
        .find(|c| object::name(c) == class)
        .and_then(|c| c.get("handler").and_then(Value::as_str))
        .ok_or_else(|| format!("RuntimeClass {class:?} not found"))?;
    handler(name).ok_or_else(|| name.to_string())
}

/// Why the node cannot create the pod's sandbox (`FailedCreatePodSandBox`), if it cannot.
pub fn sandbox_error(pod: &Value, node: &Value, classes: &[Value]) -> Option<String> {
    let unknown = |h: &str| {
        format!("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for {h:?} is configured")
    };
    match pod_handler(pod, classes) {
        Ok(h) if node_handlers(node).contains(&h) => None,
        Ok(h) => Some(unknown(h.name)),
        Err(e) if e.starts_with("RuntimeClass") => {
            Some(format!("Failed to create pod sandbox: {e}"))
        }
        Err(h) => Some(unknown(&h)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<Value> {
        vec![
            json!({"metadata": {"name": "kata-qemu"}, "handler": "kata-qemu"}),
            json!({"metadata": {"name": "gvisor"}, "handler": "runsc"}),
            json!({"metadata": {"name": "odd"}, "handler": "youki"}),
        ]
    }

    #[test]
    fn nodes_run_runc_and_the_labelled_sandboxes() {
        let plain = json!({"metadata": {"name": "a"}});
        let kata = json!({"metadata": {"name": "b", "labels": {"katacontainers.io/kata-runtime": "true"}}});
        assert_eq!(node_handlers(&plain), vec![RUNC]);
        assert_eq!(node_handlers(&kata), vec![RUNC, KATA_QEMU]);
        assert_eq!(
            runtime_handlers_status(&kata)[1]["name"],
            json!("kata-qemu")
        );
        let pod = json!({"spec": {"runtimeClassName": "kata-qemu"}});
        assert_eq!(sandbox_error(&pod, &kata, &classes()), None);
        assert_eq!(
            sandbox_error(&pod, &plain, &classes()).unwrap(),
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for \"kata-qemu\" is configured"
        );
        let odd = json!({"spec": {"runtimeClassName": "odd"}});
        assert!(sandbox_error(&odd, &kata, &classes())
            .unwrap()
            .contains("\"youki\""));
        assert_eq!(pod_handler(&json!({"spec": {}}), &[]), Ok(RUNC));
    }
}
