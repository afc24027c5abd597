//! `kubectl top pods|nodes`: usage as metrics-server would report it, from the simulated
//! containers' steady use (`kubelet::usage`; see the behaviour annotations).
use super::table::render;
use super::ws;
use super::{fail, out, Flags};
use crate::api::object;
use crate::control_plane::{ControlPlane, KubectlOutput, ListOptions};
use crate::server::ROOT;

pub(super) fn top(cp: &ControlPlane, f: &Flags) -> KubectlOutput {
    let what = f.positional.first().map(String::as_str).unwrap_or("");
    let mi = |b: i64| format!("{}Mi", b / (1024 * 1024));
    match what {
        "pod" | "pods" | "po" => {
            let ns = if f.all_namespaces {
                None
            } else {
                Some(f.namespace.clone().unwrap_or_else(|| "default".into()))
            };
            let pods = cp
                .list_items(
                    &ws(cp),
                    &ListOptions {
                        kind: "Pod".into(),
                        namespace: ns.clone(),
                        label_selector: f.selector.clone(),
                        ..Default::default()
                    },
                )
                .unwrap_or_default();
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CPU(cores)".into(),
                "MEMORY(bytes)".into(),
            ]];
            if f.all_namespaces {
                rows[0].insert(0, "NAMESPACE".into());
            }
            for p in pods
                .iter()
                .filter(|p| object::str_at(p, &["status", "phase"]) == Some("Running"))
            {
                let u = crate::kubelet::usage(p);
                let mut row = vec![
                    object::name(p).to_string(),
                    format!("{}m", u.iter().map(|c| c.milli_cpu).sum::<i64>()),
                    mi(u.iter().map(|c| c.memory).sum()),
                ];
                if f.all_namespaces {
                    row.insert(0, object::namespace(p).to_string());
                }
                rows.push(row);
            }
            if rows.len() == 1 {
                return KubectlOutput {
                    stdout: String::new(),
                    stderr: format!(
                        "No resources found in {} namespace.\n",
                        ns.unwrap_or_default()
                    ),
                    exit_code: 0,
                };
            }
            out(render(&rows))
        }
        "node" | "nodes" | "no" => {
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
            for n in cp.nodes() {
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
            out(render(&rows))
        }
        _ => fail("error: you must specify a resource: pod or node".into()),
    }
}
