//! Scheduler invariants over random clusters: no node ever holds more requested resources
//! than allocatable or more pods than its `pods` capacity; no two pods share a host port;
//! no pod sits on a node with a NoSchedule taint it does not tolerate; required anti-affinity
//! and DoNotSchedule spread (maxSkew) hold among the placed pods.
use kplane::api::object::{self, str_at};
use kplane::api::resources::{node_allocatable, pod_requests};
use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct NodeSpec {
    cpu: u32,
    mem_gi: u32,
    pods: u32,
    zone: u8,
    tainted: bool,
}

#[derive(Debug, Clone)]
struct WorkloadSpec {
    replicas: u32,
    milli: u32,
    mem_mi: u32,
    /// 0 none, 1 required anti-affinity on hostname, 2 required affinity on zone,
    /// 3 hard spread maxSkew 1 on hostname, 4 soft spread on zone, 5 preferred anti-affinity.
    rule: u8,
    host_port: bool,
    tolerates: bool,
    /// The priority (through a PriorityClass): 0, 100 or 1000 (higher ones preempt).
    priority: u32,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        1u32..8,
        1u32..16,
        1u32..12,
        0u8..3,
        prop::bool::weighted(0.25),
    )
        .prop_map(|(cpu, mem_gi, pods, zone, tainted)| NodeSpec {
            cpu,
            mem_gi,
            pods,
            zone,
            tainted,
        })
}

fn workload_spec() -> impl Strategy<Value = WorkloadSpec> {
    (
        0u32..8,
        0u32..2500,
        0u32..3000,
        0u8..6,
        prop::bool::weighted(0.2),
        any::<bool>(),
        prop::sample::select(vec![0u32, 0, 100, 1000]),
    )
        .prop_map(
            |(replicas, milli, mem_mi, rule, host_port, tolerates, priority)| WorkloadSpec {
                replicas,
                milli,
                mem_mi,
                rule,
                host_port,
                tolerates,
                priority,
            },
        )
}

fn manifests(nodes: &[NodeSpec], workloads: &[WorkloadSpec]) -> String {
    let mut out = String::new();
    for p in [100, 1000] {
        out.push_str(&format!(
            "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: p{p}}}\nvalue: {p}\n"
        ));
    }
    for (i, n) in nodes.iter().enumerate() {
        let taints = if n.tainted {
            "\nspec: {taints: [{key: dedicated, value: special, effect: NoSchedule}]}"
        } else {
            ""
        };
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata: {{name: n{i}, labels: {{kubernetes.io/hostname: n{i}, topology.kubernetes.io/zone: z{}}}}}{taints}\nstatus: {{capacity: {{cpu: '{}', memory: {}Gi, pods: '{}'}}}}\n",
            n.zone, n.cpu, n.mem_gi, n.pods
        ));
    }
    for (i, w) in workloads.iter().enumerate() {
        let term = |key: &str| {
            format!("{{labelSelector: {{matchLabels: {{app: d{i}}}}}, topologyKey: {key}}}")
        };
        let rule = match w.rule {
            1 => format!(
                "      affinity: {{podAntiAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{}]}}}}\n",
                term("kubernetes.io/hostname")
            ),
            2 => format!(
                "      affinity: {{podAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{}]}}}}\n",
                term("topology.kubernetes.io/zone")
            ),
            3 => format!("      topologySpreadConstraints: [{{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: d{i}}}}}}}]\n"),
            4 => format!("      topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {{matchLabels: {{app: d{i}}}}}}}]\n"),
            5 => format!(
                "      affinity: {{podAntiAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: [{{weight: 50, podAffinityTerm: {}}}]}}}}\n",
                term("kubernetes.io/hostname")
            ),
            _ => String::new(),
        };
        let tol = if w.tolerates {
            "      tolerations: [{key: dedicated, operator: Equal, value: special, effect: NoSchedule}]\n"
        } else {
            ""
        };
        let prio = match w.priority {
            0 => String::new(),
            p => format!("      priorityClassName: p{p}\n"),
        };
        let ports = if w.host_port {
            "\n          ports: [{containerPort: 80, hostPort: 8080}]"
        } else {
            ""
        };
        out.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: {}\n  selector: {{matchLabels: {{app: d{i}}}}}\n  template:\n    metadata: {{labels: {{app: d{i}}}}}\n    spec:\n{prio}{rule}{tol}      containers:\n        - name: c\n          image: busybox\n          resources: {{requests: {{cpu: {}m, memory: {}Mi}}}}{ports}\n",
            w.replicas, w.milli, w.mem_mi
        ));
    }
    out
}

/// Requested resources and pod counts (terminating pods included: they still hold their
/// resources) never exceed a node's allocatable.
fn check_capacity(cp: &ControlPlane) -> Result<(), TestCaseError> {
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap();
    for n in cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Node".into(),
                ..Default::default()
            },
        )
        .unwrap()
    {
        let alloc = node_allocatable(&n);
        let on: Vec<_> = pods
            .iter()
            .filter(|p| str_at(p, &["spec", "nodeName"]) == Some(object::name(&n)))
            .filter(|p| {
                !matches!(
                    str_at(p, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
            })
            .collect();
        let cpu: i64 = on.iter().map(|p| pod_requests(p, false).milli_cpu).sum();
        let mem: i64 = on.iter().map(|p| pod_requests(p, false).memory).sum();
        prop_assert!(
            cpu <= alloc.milli_cpu,
            "{} cpu {} > {}",
            object::name(&n),
            cpu,
            alloc.milli_cpu
        );
        prop_assert!(mem <= alloc.memory);
        prop_assert!(on.len() as i64 <= alloc.get("pods"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn scheduling_never_breaks_capacity_ports_taints_or_required_rules(
        seed in any::<u64>(),
        nodes in prop::collection::vec(node_spec(), 1..7),
        workloads in prop::collection::vec(workload_spec(), 1..5),
    ) {
        let mut cp = ControlPlane::new(Options { seed, ..Default::default() }).unwrap();
        cp.apply("root", &manifests(&nodes, &workloads), &ApplyOptions::default()).unwrap();
        // Mid-flight (victims may still be terminating, preemptors nominated) and settled.
        cp.advance(1.0).unwrap();
        check_capacity(&cp)?;
        cp.advance(60.0).unwrap();
        check_capacity(&cp)?;
        let pods: Vec<kplane::api::Value> = cp
            .list_items("root", &ListOptions { kind: "Pod".into(), ..Default::default() })
            .unwrap()
            .into_iter()
            .filter(|p| !object::is_terminating(p))
            .collect();
        let want: u32 = workloads.iter().map(|w| w.replicas).sum();
        prop_assert_eq!(pods.len() as u32, want);
        let workload_of = |p: &kplane::api::Value| -> usize {
            object::labels(p)["app"][1..].parse().unwrap()
        };
        for (i, n) in cp.list_items("root", &ListOptions { kind: "Node".into(), ..Default::default() }).unwrap().iter().enumerate() {
            let name = object::name(n).to_string();
            let alloc = node_allocatable(n);
            let on: Vec<_> = pods.iter().filter(|p| str_at(p, &["spec", "nodeName"]) == Some(name.as_str())).collect();
            let cpu: i64 = on.iter().map(|p| pod_requests(p, false).milli_cpu).sum();
            let mem: i64 = on.iter().map(|p| pod_requests(p, false).memory).sum();
            prop_assert!(cpu <= alloc.milli_cpu, "{} cpu {} > {}", name, cpu, alloc.milli_cpu);
            prop_assert!(mem <= alloc.memory);
            prop_assert!(on.len() as i64 <= alloc.get("pods"));
            let with_port = on.iter().filter(|p| workloads[workload_of(p)].host_port).count();
            prop_assert!(with_port <= 1, "{} pods with hostPort 8080 on {}", with_port, name);
            let _ = i;
            let spec = &nodes[name[1..].parse::<usize>().unwrap()];
            if spec.tainted {
                for p in &on {
                    prop_assert!(workloads[workload_of(p)].tolerates, "untolerated taint on {}", name);
                }
            }
            for (wi, w) in workloads.iter().enumerate() {
                if w.rule == 1 {
                    let same = on.iter().filter(|p| workload_of(p) == wi).count();
                    prop_assert!(same <= 1, "anti-affinity d{} has {} pods on {}", wi, same, name);
                }
            }
        }
        for (wi, w) in workloads.iter().enumerate() {
            let placed: Vec<&str> = pods.iter().filter(|p| workload_of(p) == wi).filter_map(|p| str_at(p, &["spec", "nodeName"])).collect();
            if w.rule == 2 {
                // Required affinity on zone: all placed pods share one zone.
                let zones: std::collections::BTreeSet<u8> = placed.iter().map(|n| nodes[n[1..].parse::<usize>().unwrap()].zone).collect();
                prop_assert!(zones.len() <= 1, "affinity d{} spans zones {:?}", wi, zones);
            }
            if w.rule == 3 && !placed.is_empty() {
                // Hard spread on hostname over the nodes the pods may use (tolerated taints):
                // max − min ≤ 1.
                let mut counts: BTreeMap<String, usize> = nodes.iter().enumerate()
                    .filter(|(_, n)| !n.tainted || w.tolerates)
                    .map(|(i, _)| (format!("n{i}"), 0)).collect();
                for n in &placed {
                    *counts.entry(n.to_string()).or_default() += 1;
                }
                let max = counts.values().max().copied().unwrap_or(0);
                let min = counts.values().min().copied().unwrap_or(0);
                prop_assert!(max - min <= 1, "spread d{} {:?}", wi, counts);
            }
        }
        for p in pods.iter().filter(|p| str_at(p, &["spec", "nodeName"]).is_none()) {
            prop_assert_eq!(str_at(p, &["status", "phase"]), Some("Pending"));
        }
    }
}
