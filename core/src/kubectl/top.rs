//! `kubectl top pods|nodes`: usage as metrics-server would report it, from the simulated
//! containers' steady use (`kubelet::usage`; see the behaviour annotations).
use super::table::render;
use super::{Ctx, Error};
use crate::api::object;
use crate::control_plane::{ControlPlane, KubectlOutput, ListOptions};
use crate::server::ROOT;

pub(super) fn top(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let what = ctx.path.trim_start_matches("top ");
    let all_namespaces = ctx.p.bool("all-namespaces");
    let names = ctx.p.args.clone();
    let selector = ctx.p.changed("selector").then(|| ctx.p.str("selector"));
    let no_headers = ctx.p.bool("no-headers");
    let cp = &*ctx.cp;
    let mi = |b: i64| format!("{}Mi", b / (1024 * 1024));
    match what {
        "pod" => {
            let ns = if all_namespaces { None } else { Some(ctx.ns()) };
            let pods = cp
                .list_items(
                    &super::ws(cp),
                    &ListOptions {
                        kind: "Pod".into(),
                        namespace: ns.clone(),
                        label_selector: selector.clone(),
                        ..Default::default()
                    },
                )
                .unwrap_or_default();
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CPU(cores)".into(),
                "MEMORY(bytes)".into(),
            ]];
            if all_namespaces {
                rows[0].insert(0, "NAMESPACE".into());
            }
            for p in pods
                .iter()
                .filter(|p| object::str_at(p, &["status", "phase"]) == Some("Running"))
                .filter(|p| names.is_empty() || names.iter().any(|n| n == object::name(p)))
            {
                let u = crate::kubelet::usage(p);
                let mut row = vec![
                    object::name(p).to_string(),
                    format!("{}m", u.iter().map(|c| c.milli_cpu).sum::<i64>()),
                    mi(u.iter().map(|c| c.memory).sum()),
                ];
                if all_namespaces {
                    row.insert(0, object::namespace(p).to_string());
                }
                rows.push(row);
            }
            if rows.len() == 1 {
                if let Some(name) = names.first() {
                    return Err(Error::msg(format!("error: pods \"{name}\" not found")));
                }
                match ns {
                    Some(ns) => ctx
                        .err
                        .push_str(&format!("No resources found in {ns} namespace.\n")),
                    None => ctx.err.push_str("No resources found\n"),
                }
                return Ok(());
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
            let pods = cp
                .list_items(
                    ROOT,
                    &ListOptions {
                        kind: "Pod".into(),
                        ..Default::default()
                    },
                )
                .unwrap_or_default();
            for n in cp
                .nodes()
                .into_iter()
                .filter(|n| names.is_empty() || names.contains(&n.name))
            {
                let (cpu, mem) = pods
                    .iter()
                    .filter(|p| p["spec"]["nodeName"] == n.name.as_str())
                    .flat_map(crate::kubelet::usage)
                    .fold((0, 0), |(c, m), u| (c + u.milli_cpu, m + u.memory));
                let pct = |a: i64, b: i64| if b == 0 { 0 } else { a * 100 / b };
                rows.push(vec![
                    n.name.clone(),
                    format!("{cpu}m"),
                    format!("{}%", pct(cpu, n.allocatable_milli_cpu)),
                    mi(mem),
                    format!("{}%", pct(mem, n.allocatable_memory)),
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

/// `kubectl sim node stop|fail|restore|spot-interrupt NAME...` (and `sim spot-interrupt
/// NAME...`): kplane's own commands (a kubectl plugin, by its name) that act on the simulated
/// machines rather than on the API. `spot-interrupt` sends EC2's two-minute spot interruption
/// notice ([`ControlPlane::spot_interrupt`]).
pub(super) fn sim(cp: &mut ControlPlane, words: &[String]) -> KubectlOutput {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut out = KubectlOutput {
        stdout: String::new(),
        stderr: String::new(),
        exit_code: 0,
    };
    match words.as_slice() {
        ["node", "spot-interrupt", names @ ..] | ["spot-interrupt", names @ ..]
            if !names.is_empty() =>
        {
            for name in names {
                match cp.spot_interrupt(name) {
                    Ok(_) => out
                        .stdout
                        .push_str(&format!("node/{name} interrupted (reclaimed in 2m0s)\n")),
                    Err(s) => {
                        out.stderr = format!("{}\n", super::standard_message(&s));
                        out.exit_code = 1;
                        return out;
                    }
                }
            }
        }
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
            out.stderr =
                "error: usage: kubectl sim node stop|fail|restore|spot-interrupt NODE...\n".into();
            out.exit_code = 1;
        }
    }
    out
}
