//! `kubectl drain NODE`: cordon, then evict every pod on the node through the Eviction API,
//! retrying budget refusals every 5 seconds (of virtual time), until the pods are gone
//! (k8s.io/kubectl/pkg/drain).
use super::{Ctx, DryRun, Error};
use crate::api::kinds;
use crate::api::object::{self, controller_of, str_at};
use crate::control_plane::{ControlPlane, ListOptions};
use crate::server::status::Status;
use crate::server::ROOT;

/// Without `--timeout`, how long (virtual seconds) drain keeps retrying before it gives up
/// (kubectl waits forever; a simulation must end).
const DEFAULT_TIMEOUT_SECONDS: i64 = 600;

/// `kubectl cordon|uncordon NODE...` (k8s.io/kubectl/pkg/cmd/drain `RunCordonOrUncordon`):
/// `node/n cordoned`, or `node/n already cordoned`.
pub(super) fn cordon(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let on = ctx.path == "cordon";
    if ctx.p.args.is_empty() && !ctx.p.changed("selector") {
        return Err(ctx.usage(&format!("USAGE: {} NODE [flags]", ctx.path)));
    }
    set_unschedulable(ctx, on)
}

fn set_unschedulable(ctx: &mut Ctx<'_>, on: bool) -> Result<(), Error> {
    let Some(info) = kinds::by_kind(Some("v1"), "Node") else {
        return Ok(());
    };
    let dry = ctx.dry_run()?;
    let names: Vec<String> = if ctx.p.args.is_empty() {
        ctx.cp
            .list_items(
                ROOT,
                &ListOptions {
                    kind: "Node".into(),
                    label_selector: Some(ctx.p.str("selector")),
                    ..Default::default()
                },
            )
            .map_err(Error::Status)?
            .iter()
            .map(|n| object::name(n).to_string())
            .collect()
    } else {
        ctx.p.args.clone()
    };
    let word = if on { "cordoned" } else { "uncordoned" };
    for name in names {
        let Some(mut node) = ctx.cp.server().get(ROOT, info, "", &name).cloned() else {
            return Err(Error::Status(Status::not_found(info, &name)));
        };
        if (node["spec"]["unschedulable"] == true) == on {
            ctx.out.push_str(&format!("node/{name} already {word}\n"));
            continue;
        }
        if dry == DryRun::None {
            if on {
                node["spec"]["unschedulable"] = crate::json!(true);
            } else if let Some(spec) = node["spec"].as_object_mut() {
                spec.shift_remove("unschedulable");
            }
            ctx.cp
                .update_as(ROOT, node, "kubectl-cordon")
                .map_err(Error::Status)?;
        }
        ctx.out
            .push_str(&format!("node/{name} {word}{}\n", dry.suffix()));
    }
    Ok(())
}

pub(super) fn drain(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let Some(node) = ctx.p.args.first().cloned() else {
        return Err(ctx.usage("USAGE: drain NODE [flags]"));
    };
    let Some(node_info) = kinds::by_kind(Some("v1"), "Node") else {
        return Ok(());
    };
    if ctx.cp.server().get(ROOT, node_info, "", &node).is_none() {
        return Err(Error::Status(Status::not_found(node_info, &node)));
    }
    set_unschedulable(ctx, true)?;
    let ignore_daemonsets = ctx.p.bool("ignore-daemonsets");
    let timeout_ms = match super::wait::parse_duration(&ctx.p.str("timeout"))? {
        0 => DEFAULT_TIMEOUT_SECONDS * 1000,
        t => t,
    };
    let cp = &mut *ctx.cp;
    let out = &mut ctx.out;
    let err = &mut ctx.err;
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
    if !daemons.is_empty() && !ignore_daemonsets {
        err.push_str(&format!(
            "error: unable to drain node \"{node}\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}, continuing command...\nThere are pending nodes to be drained:\n {node}\n",
            daemons.join(", ")
        ));
        return Err(Error::Exit(1));
    }
    if !daemons.is_empty() {
        err.push_str(&format!(
            "Warning: ignoring DaemonSet-managed Pods: {}\n",
            daemons.join(", ")
        ));
    }
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
            out.push_str(&format!("evicting pod {ns}/{name}\n"));
            match cp.evict(ROOT, &ns, &name) {
                Ok(_) => evicted.push(key(p)),
                Err(s) if s.code == 429 => err.push_str(&format!(
                    "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}\n",
                    s.message
                )),
                Err(s) if s.code == 404 => evicted.push(key(p)),
                Err(s) => return Err(Error::Status(s)),
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
            if !out.contains(&line) {
                out.push_str(&line);
            }
        }
        if left.is_empty() {
            out.push_str(&format!("node/{node} drained\n"));
            return Ok(());
        }
        if cp.now_ms() - start >= timeout_ms {
            err.push_str(&format!(
                "error: unable to drain node \"{node}\" due to error: [error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {}], continuing command...\nThere are pending nodes to be drained:\n {node}\n",
                left[0].split_once('/').map_or("", |(_, n)| n),
                left[0].split_once('/').map_or("", |(ns, _)| ns),
                go_duration(timeout_ms),
            ));
            return Err(Error::Exit(1));
        }
        // kubectl retries every 5 s. When no control loop wakes before the deadline nothing can
        // change until then, and every retry would be refused as this one was: wait it out in
        // one step (a drain blocked by a PodDisruptionBudget with `--timeout=876000h` returns
        // at once, printing each refusal once).
        let deadline = start.saturating_add(timeout_ms);
        let idle = cp
            .server()
            .timers
            .next_between(cp.now_ms(), deadline)
            .is_none();
        let step = if idle {
            // advance takes at most 100 years at once.
            ((deadline - cp.now_ms()).max(0) as f64 / 1000.0).min(100.0 * 365.0 * 86_400.0)
        } else {
            5.0
        };
        if let Err(e) = cp.advance(step) {
            if e.code == 504 {
                // The call's work budget is spent (a cluster that never settles).
                return Err(Error::Status(e));
            }
        }
    }
}

fn key(p: &crate::api::Value) -> String {
    format!(
        "{}/{}",
        object::namespace(p),
        str_at(p, &["metadata", "name"]).unwrap_or("")
    )
}

/// Go's `time.Duration.String()` for whole milliseconds (`30s`, `1m30s`, `1h0m0s`, `500ms`).
fn go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, (ms / 60_000) % 60);
    let s = (ms % 60_000) as f64 / 1000.0;
    let secs = if (ms % 1000) == 0 {
        format!("{}s", (ms % 60_000) / 1000)
    } else {
        format!("{s}s")
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}
