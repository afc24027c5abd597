//! `kubectl drain NODE`: cordon, then evict every pod on the node through the Eviction API,
//! retrying budget refusals every 5 seconds (of virtual time), until the pods are gone
//! (k8s.io/kubectl/pkg/drain).
use super::{fail, server_error, Flags};
use crate::api::object::{self, controller_of, str_at};
use crate::control_plane::{ControlPlane, KubectlOutput, ListOptions};
use crate::server::status::Status;
use crate::server::ROOT;

/// Without `--timeout`, how long (virtual seconds) drain keeps retrying before it gives up.
const DEFAULT_TIMEOUT_SECONDS: i64 = 600;

pub(super) fn drain(cp: &mut ControlPlane, f: &Flags) -> KubectlOutput {
    let Some(node) = f.positional.first().cloned() else {
        return fail("error: USAGE: drain NODE [flags]".into());
    };
    let node_info = crate::controllers::kind("v1", "Node");
    if cp.server().get(ROOT, node_info, "", &node).is_none() {
        return server_error(&Status::not_found(node_info, &node));
    }
    let mut out = super::cordon(
        cp,
        &Flags {
            positional: vec![node.clone()],
            ..Default::default()
        },
        true,
    );
    if out.exit_code != 0 {
        return out;
    }
    let pods_on_node = |cp: &ControlPlane| -> Vec<crate::api::Value> {
        cp.list_items(
            ROOT,
            &ListOptions {
                kind: "Pod".into(),
                field_selector: Some(format!("spec.nodeName={node}")),
                ..Default::default()
            },
        )
        .unwrap_or_default()
    };
    // DaemonSet pods stay (they would come back); without --ignore-daemonsets drain refuses.
    let daemon = |p: &crate::api::Value| controller_of(p).is_some_and(|r| r["kind"] == "DaemonSet");
    let all = pods_on_node(cp);
    let daemons: Vec<String> = all
        .iter()
        .filter(|p| daemon(p))
        .map(|p| format!("{}/{}", object::namespace(p), object::name(p)))
        .collect();
    if !daemons.is_empty() && !f.ignore_daemonsets {
        out.stderr.push_str(&format!(
            "error: unable to drain node \"{node}\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}, continuing command...\nThere are pending nodes to be drained:\n {node}\n",
            daemons.join(", ")
        ));
        out.exit_code = 1;
        return out;
    }
    if !daemons.is_empty() {
        out.stderr.push_str(&format!(
            "Warning: ignoring DaemonSet-managed Pods: {}\n",
            daemons.join(", ")
        ));
    }
    let timeout = f.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let start = cp.now_ms();
    let mut evicted: Vec<String> = Vec::new();
    loop {
        let remaining: Vec<crate::api::Value> = pods_on_node(cp)
            .into_iter()
            .filter(|p| !daemon(p))
            .collect();
        // Ask for evictions of the pods not yet evicted.
        let pending: Vec<&crate::api::Value> = remaining
            .iter()
            .filter(|p| !evicted.contains(&key(p)))
            .collect();
        for p in pending {
            let (ns, name) = (
                object::namespace(p).to_string(),
                object::name(p).to_string(),
            );
            out.stdout.push_str(&format!("evicting pod {ns}/{name}\n"));
            match cp.evict(ROOT, &ns, &name) {
                Ok(_) => evicted.push(key(p)),
                Err(s) if s.code == 429 => out.stderr.push_str(&format!(
                    "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}\n",
                    s.message
                )),
                Err(s) if s.code == 404 => evicted.push(key(p)),
                Err(s) => {
                    return KubectlOutput {
                        exit_code: 1,
                        ..super::append_error(out, &s)
                    }
                }
            }
        }
        // kubectl waits until each evicted pod is gone.
        let left: Vec<String> = pods_on_node(cp)
            .iter()
            .filter(|p| !daemon(p))
            .map(key)
            .collect();
        for k in evicted.iter().filter(|k| !left.contains(k)) {
            let line = format!(
                "pod/{} evicted\n",
                k.split_once('/').map_or(k.as_str(), |(_, n)| n)
            );
            if !out.stdout.contains(&line) {
                out.stdout.push_str(&line);
            }
        }
        if left.is_empty() {
            out.stdout.push_str(&format!("node/{node} drained\n"));
            return out;
        }
        if cp.now_ms() - start >= timeout * 1000 {
            out.stderr.push_str(&format!(
                "error: unable to drain node \"{node}\" due to error: [error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {timeout}s], continuing command...\nThere are pending nodes to be drained:\n {node}\n",
                left[0].split_once('/').map_or("", |(_, n)| n),
                left[0].split_once('/').map_or("", |(ns, _)| ns),
            ));
            out.exit_code = 1;
            return out;
        }
        let _ = cp.advance(5.0); // a fixed, valid step
    }
}

fn key(p: &crate::api::Value) -> String {
    format!(
        "{}/{}",
        object::namespace(p),
        str_at(p, &["metadata", "name"]).unwrap_or("")
    )
}
