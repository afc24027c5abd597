//! `kubectl top pods|nodes`: the metrics API (`metrics.k8s.io`) as metrics-server reports it at
//! its last 15 s scrape (`crate::metrics`): each container's steady use plus the simulated
//! demand on it (LoadProfile requests, Queue messages), CPU throttled at its limit.
use super::table::render;
use super::{Ctx, Error};
use crate::api::object;
use crate::api::Selector;
use crate::control_plane::{ControlPlane, KubectlOutput, ListOptions};

/// A quantity's value in the unit kubectl prints.
fn milli(q: &str) -> i64 {
    crate::api::Quantity::parse(q).map_or(0, |q| q.milli())
}
fn bytes(q: &str) -> i64 {
    crate::api::Quantity::parse(q).map_or(0, |q| q.value())
}

pub(super) fn top(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let what = ctx.path.trim_start_matches("top ");
    let all_namespaces = ctx.p.bool("all-namespaces");
    let names = ctx.p.args.clone();
    let selector = ctx.p.changed("selector").then(|| ctx.p.str("selector"));
    let no_headers = ctx.p.bool("no-headers");
    let sort_by = ctx.p.changed("sort-by").then(|| ctx.p.str("sort-by"));
    let cp = &*ctx.cp;
    let mi = |b: i64| format!("{}Mi", b / (1024 * 1024));
    let ws = super::ws(cp);
    match what {
        "pod" => {
            let ns = if all_namespaces { None } else { Some(ctx.ns()) };
            let sel = match &selector {
                Some(s) => Some(Selector::parse(s).map_err(Error::msg)?),
                None => None,
            };
            let pods = cp
                .list_items(
                    &ws,
                    &ListOptions {
                        kind: "Pod".into(),
                        namespace: ns.clone(),
                        label_selector: selector.clone(),
                        ..Default::default()
                    },
                )
                .map_err(|e| Error::msg(super::standard_message(&e)))?;
            let mut metrics: Vec<(String, String, i64, i64)> = cp
                .pod_metrics(&ws, ns.as_deref())
                .map_err(|e| Error::msg(super::standard_message(&e)))?
                .iter()
                .filter(|m| names.is_empty() || names.iter().any(|n| n == object::name(m)))
                .filter(|m| {
                    sel.as_ref().is_none_or(|s| {
                        pods.iter().any(|p| {
                            object::name(p) == object::name(m)
                                && object::namespace(p) == object::namespace(m)
                                && s.matches(&object::labels(p))
                        })
                    })
                })
                .map(|m| {
                    let containers = object::array_at(m, &["containers"]);
                    (
                        object::namespace(m).to_string(),
                        object::name(m).to_string(),
                        containers
                            .iter()
                            .map(|c| milli(c["usage"]["cpu"].as_str().unwrap_or("0")))
                            .sum(),
                        containers
                            .iter()
                            .map(|c| bytes(c["usage"]["memory"].as_str().unwrap_or("0")))
                            .sum(),
                    )
                })
                .collect();
            if metrics.is_empty() {
                if let Some(name) = names.first() {
                    let namespace = ns.clone().unwrap_or_default();
                    return Err(Error::msg(format!(
                        "Error from server (NotFound): podmetrics.metrics.k8s.io \"{namespace}/{name}\" not found"
                    )));
                }
                // verifyEmptyMetrics: pods without metrics yet, or no pods at all.
                if !pods.is_empty() {
                    return Err(Error::msg("error: metrics not available yet"));
                }
                match ns {
                    Some(ns) => ctx
                        .err
                        .push_str(&format!("No resources found in {ns} namespace.\n")),
                    None => ctx.err.push_str("No resources found\n"),
                }
                return Ok(());
            }
            match sort_by.as_deref() {
                Some("cpu") => metrics.sort_by_key(|m| std::cmp::Reverse(m.2)),
                Some("memory") => metrics.sort_by_key(|m| std::cmp::Reverse(m.3)),
                _ => {}
            }
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CPU(cores)".into(),
                "MEMORY(bytes)".into(),
            ]];
            if all_namespaces {
                rows[0].insert(0, "NAMESPACE".into());
            }
            for (namespace, name, cpu, mem) in metrics {
                let mut row = vec![name, format!("{cpu}m"), mi(mem)];
                if all_namespaces {
                    row.insert(0, namespace);
                }
                rows.push(row);
            }
            if no_headers {
                rows.remove(0);
            }
            ctx.out.push_str(&render(&rows));
            Ok(())
        }
        "node" => {
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CPU(cores)".into(),
                "CPU(%)".into(),
                "MEMORY(bytes)".into(),
                "MEMORY(%)".into(),
            ]];
            let metrics = cp.node_metrics();
            let mut lines: Vec<(String, i64, i64, i64, i64)> = Vec::new();
            for n in cp
                .nodes()
                .into_iter()
                .filter(|n| names.is_empty() || names.contains(&n.name))
            {
                let Some(m) = metrics.iter().find(|m| object::name(m) == n.name) else {
                    continue;
                };
                let cpu = milli(m["usage"]["cpu"].as_str().unwrap_or("0"));
                let mem = bytes(m["usage"]["memory"].as_str().unwrap_or("0"));
                lines.push((
                    n.name.clone(),
                    cpu,
                    n.allocatable_milli_cpu,
                    mem,
                    n.allocatable_memory,
                ));
            }
            match sort_by.as_deref() {
                Some("cpu") => lines.sort_by_key(|l| std::cmp::Reverse(l.1)),
                Some("memory") => lines.sort_by_key(|l| std::cmp::Reverse(l.3)),
                _ => {}
            }
            let pct = |a: i64, b: i64| if b == 0 { 0 } else { a * 100 / b };
            for (name, cpu, cpu_alloc, mem, mem_alloc) in lines {
                rows.push(vec![
                    name,
                    format!("{cpu}m"),
                    format!("{}%", pct(cpu, cpu_alloc)),
                    mi(mem),
                    format!("{}%", pct(mem, mem_alloc)),
                ]);
            }
            if no_headers {
                rows.remove(0);
            }
            ctx.out.push_str(&render(&rows));
            Ok(())
        }
        _ => Err(Error::msg(
            "error: you must specify a resource: pod or node",
        )),
    }
}

/// `kubectl sim node stop|fail|restore NAME...` and `kubectl sim reach ...`
/// ([`super::reach`]): kplane's own commands (a kubectl plugin, by its name) that act on or ask
/// about the simulated machines and network rather than the API.
pub(super) fn sim(cp: &mut ControlPlane, args: &[String]) -> KubectlOutput {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut out = KubectlOutput {
        stdout: String::new(),
        stderr: String::new(),
        exit_code: 0,
    };
    if words.first() == Some(&"reach") {
        return super::reach::reach(cp, &args[1..]);
    }
    match words.as_slice() {
        ["node", action @ ("stop" | "fail" | "restore"), names @ ..] if !names.is_empty() => {
            for name in names {
                let (result, word) = match *action {
                    "stop" => (cp.stop_node(name), "stopped"),
                    "fail" => (cp.fail_node(name), "failed"),
                    _ => (cp.restore_node(name), "restored"),
                };
                match result {
                    Ok(_) => out.stdout.push_str(&format!("node/{name} {word}\n")),
                    Err(s) => {
                        out.stderr = format!("{}\n", super::standard_message(&s));
                        out.exit_code = 1;
                        return out;
                    }
                }
            }
        }
        _ => {
            out.stderr = "error: usage: kubectl sim node stop|fail|restore NODE...\n       kubectl sim reach FROM TO --port PORT | --matrix\n".into();
            out.exit_code = 1;
        }
    }
    out
}
