//! The scenarios the picker offers: manifests from the repository's examples (compiled in),
//! a short description of what to do and what to watch, and console commands to try.

/// Two 2-CPU nodes, for scenarios whose example brings no nodes of its own.
macro_rules! two_nodes {
    () => {
        "# Two worker nodes (added by the playground; the example itself brings none).
apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    kubernetes.io/hostname: node-a
    topology.kubernetes.io/zone: zone-1
status:
  capacity:
    cpu: \"2\"
    memory: 4Gi
    pods: \"110\"
---
apiVersion: v1
kind: Node
metadata:
  name: node-b
  labels:
    kubernetes.io/hostname: node-b
    topology.kubernetes.io/zone: zone-2
status:
  capacity:
    cpu: \"2\"
    memory: 4Gi
    pods: \"110\"
---
"
    };
}

pub struct Scenario {
    /// Stable identifier (the picker's value and `data-scenario`).
    pub id: &'static str,
    /// The picker's group.
    pub group: &'static str,
    pub title: &'static str,
    /// One sentence: what the scenario shows.
    pub summary: &'static str,
    /// What to do and what to watch, in order. `code` spans are written in backticks.
    pub steps: &'static [&'static str],
    /// Console commands offered as one-click chips: (label, command line).
    pub commands: &'static [(&'static str, &'static str)],
    pub manifest: &'static str,
}

const THREE_NODES: &str = include_str!("../../examples/three-nodes.yaml");
/// Root's two nodes and the Deployment the teams apply (examples/workspaces/).
const WORKSPACES: &str = concat!(
    include_str!("../../examples/workspaces/nodes.yaml"),
    "---\n",
    include_str!("../../examples/workspaces/web.yaml")
);

/// The patch that moves `web` to a new image (what `kubectl set image` would do).
pub const PATCH_IMAGE: &str = r#"patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'"#;

const BASICS: &[(&str, &str)] = &[
    ("get nodes", "get nodes"),
    ("get pods -o wide", "get pods -o wide"),
    ("get deployments", "get deployments"),
    ("get events", "get events"),
];

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "three-nodes",
        group: "Basics",
        title: "Three nodes, five replicas",
        summary: "A Deployment of five nginx pods on three nodes of different sizes.",
        steps: &[
            "Press Apply, then Play (or +1 s) and watch the five web pods start.",
            "Click a pod: Why? shows each node's filter verdicts and scores, and the pod's Events.",
            "Run `scale deployment web --replicas=20`: the replicas that do not fit stay Pending; click one to read \"Insufficient cpu\".",
        ],
        commands: &[
            ("get nodes", "get nodes"),
            ("get pods -o wide", "get pods -o wide"),
            ("get deployments", "get deployments"),
            ("get events", "get events"),
            ("scale --replicas=20", "scale deployment web --replicas=20"),
            ("top nodes", "top nodes"),
        ],
        manifest: THREE_NODES,
    },
    Scenario {
        id: "rollout",
        group: "Workloads",
        title: "Rolling update and rollback",
        summary: "Change the image of a running Deployment, watch the ReplicaSets trade places, then undo.",
        steps: &[
            "Apply, then +1 min: five web pods run nginx:1.27.",
            "Change the image to `nginx:1.28` in the editor and Apply (or click the patch chip).",
            "Press +1 s a few times and run `get rs`: the new ReplicaSet scales up while the old one scales down (25% surge, 25% unavailable).",
            "`rollout history deployment/web` lists both revisions; `rollout undo deployment/web` scales the old ReplicaSet back up: nginx:1.27 again.",
        ],
        commands: &[
            ("patch image → nginx:1.28", PATCH_IMAGE),
            ("get rs", "get rs"),
            ("rollout status", "rollout status deployment/web"),
            ("rollout history", "rollout history deployment/web"),
            ("rollout undo", "rollout undo deployment/web"),
            ("get pods -o wide", "get pods -o wide"),
        ],
        manifest: THREE_NODES,
    },
    Scenario {
        id: "pdb-drain",
        group: "Disruption",
        title: "Drain blocked by a PodDisruptionBudget",
        summary: "Three stable-app pods on two nodes, and a budget that keeps at least two of them running.",
        steps: &[
            "Apply, then +1 min: node-a holds two stable-app pods, node-b one.",
            "Press Drain on node-a. kubectl cordons it and evicts its pods; the second eviction is refused (429: it would violate the budget) and retried every 5 s of virtual time.",
            "Read the console: \"will retry after 5s\", then \"node/node-a drained\" once the replacement runs on node-b.",
            "Uncordon node-a to let pods come back.",
        ],
        commands: &[
            ("get pdb", "get pdb"),
            ("get pods -o wide", "get pods -o wide"),
            ("drain node-a", "drain node-a --ignore-daemonsets"),
            ("uncordon node-a", "uncordon node-a"),
            ("get events", "get events"),
        ],
        manifest: concat!(
            two_nodes!(),
            include_str!("../../examples/disruption/stable-app.yaml")
        ),
    },
    Scenario {
        id: "node-failure",
        group: "Disruption",
        title: "Node failure and rescheduling",
        summary: "A node's machine stops; the control plane notices, taints it and moves its pods.",
        steps: &[
            "Apply, then +1 min: the five web pods spread over the three nodes.",
            "Press Stop on node-c: the machine is off and its kubelet stops posting status.",
            "Play at 240×: after 50 s node-c turns Unknown and gets the node.kubernetes.io/unreachable:NoExecute taint.",
            "After the pods' default 300 s toleration they are evicted: the ReplicaSet starts replacements on node-a and node-b (the old pods stay Terminating: nobody can confirm they stopped).",
            "Press Restore to bring node-c back.",
        ],
        commands: &[
            ("get nodes", "get nodes"),
            ("get pods -o wide", "get pods -o wide"),
            ("describe node node-c", "describe node node-c"),
            ("get events", "get events"),
        ],
        manifest: THREE_NODES,
    },
    Scenario {
        id: "statefulset",
        group: "Workloads",
        title: "StatefulSet (ordered pods, own volumes)",
        summary: "web-0, web-1, web-2 behind a headless Service, each with its own claim.",
        steps: &[
            "Apply and press +1 s repeatedly: web-1 is created only once web-0 has been Ready for 10 s, web-2 after web-1.",
            "Run `scale statefulset web --replicas=1`: the highest ordinal goes first, one at a time.",
        ],
        commands: &[
            ("get pods", "get pods"),
            ("get statefulsets", "get statefulsets"),
            ("get pvc", "get pvc"),
            ("scale --replicas=1", "scale statefulset web --replicas=1"),
        ],
        manifest: include_str!("../../examples/workloads/statefulset.yaml"),
    },
    Scenario {
        id: "daemonset",
        group: "Workloads",
        title: "DaemonSet on every node",
        summary: "fluentd on every node it tolerates: the control plane and a cordoned worker, but not the tainted GPU node.",
        steps: &[
            "Apply and +1 s: one pod each on control-plane-1, worker-1 and worker-2, none on gpu-1.",
            "Click a daemon pod: its required node affinity (matchFields metadata.name) rules out every other node. gpu-1 shows the taint the DaemonSet does not tolerate.",
        ],
        commands: &[
            ("get ds -A", "get ds -A"),
            ("get pods -A -o wide", "get pods -A -o wide"),
            ("get nodes", "get nodes"),
        ],
        manifest: include_str!("../../examples/workloads/daemonset.yaml"),
    },
    Scenario {
        id: "replicationcontroller",
        group: "Workloads",
        title: "ReplicationController (the docs' nginx)",
        summary: "Three nginx pods kept running by a ReplicationController, the ReplicaSet's predecessor.",
        steps: &[
            "Apply: three pods nginx-… are created at once (Events from replication-controller).",
            "Delete a pod with `delete pod <name>`: a replacement is created immediately.",
        ],
        commands: &[
            ("get pods", "get pods"),
            ("describe rc nginx", "describe rc nginx"),
        ],
        manifest: include_str!("../../examples/workloads/replicationcontroller.yaml"),
    },
    Scenario {
        id: "job",
        group: "Workloads",
        title: "Job to completion",
        summary: "Compute π: one pod that exits 0 after 10 s.",
        steps: &["Apply and Play: the pod Completes at 11 s and the Job is Complete 1/1."],
        commands: &[("get jobs", "get jobs"), ("get pods", "get pods")],
        manifest: include_str!("../../examples/workloads/job.yaml"),
    },
    Scenario {
        id: "job-backoff",
        group: "Workloads",
        title: "Job back-off",
        summary: "A pod that always fails, retried with back-off until backoffLimit.",
        steps: &[
            "Apply and Play to about 90 s: new pods after 10 s, 20 s, 40 s; the fourth failure fails the Job (BackoffLimitExceeded).",
        ],
        commands: &[
            ("get jobs", "get jobs"),
            ("get pods", "get pods"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/workloads/job-backoff.yaml"),
    },
    Scenario {
        id: "cronjob",
        group: "Workloads",
        title: "CronJob every minute",
        summary: "hello prints the date every minute; only the three newest Jobs are kept.",
        steps: &["Apply and Play at 60×: a Job per minute, each Complete after 6 s; after five runs three are left."],
        commands: &[
            ("get cronjobs", "get cronjobs"),
            ("get jobs", "get jobs"),
            ("get pods", "get pods"),
        ],
        manifest: include_str!("../../examples/workloads/cronjob.yaml"),
    },
    Scenario {
        id: "gpu-taints",
        group: "Scheduling",
        title: "Taints and tolerations (GPU nodes)",
        summary: "Two GPU nodes tainted gpu-enabled=true:NoSchedule and one general node.",
        steps: &[
            "Apply, then +1 s: the trainer pods tolerate the taint and take the GPU nodes.",
            "Two web pods stay Pending: click one. Why? shows TaintToleration rejecting the GPU nodes and NodeResourcesFit rejecting the full general node.",
        ],
        commands: &[
            ("get nodes", "get nodes"),
            ("get pods -o wide", "get pods -o wide"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/scheduling/gpu-taints.yaml"),
    },
    Scenario {
        id: "pod-affinity",
        group: "Scheduling",
        title: "Pod affinity",
        summary: "Every database pod requires another database pod on the same node.",
        steps: &[
            "Apply, then +1 s: the first pod goes anywhere, the others follow it to the same node.",
            "Click a database pod: InterPodAffinity rejects every other node.",
        ],
        commands: BASICS,
        manifest: include_str!("../../examples/scheduling/pod-affinity.yaml"),
    },
    Scenario {
        id: "pod-anti-affinity",
        group: "Scheduling",
        title: "Pod anti-affinity",
        summary: "No two webserver pods on one node: three nodes, four replicas.",
        steps: &[
            "Apply, then +1 s: three replicas run, one per node.",
            "Click the Pending one: \"didn't match pod anti-affinity rules\" on every node.",
        ],
        commands: BASICS,
        manifest: include_str!("../../examples/scheduling/pod-anti-affinity.yaml"),
    },
    Scenario {
        id: "topology-spread",
        group: "Scheduling",
        title: "Topology spread (maxSkew 1)",
        summary: "Ten replicas over four nodes, never more than one apart, even though node-d is twice as large.",
        steps: &[
            "Apply, then +1 s: the pods land 3/3/2/2.",
            "Click a pod: PodTopologySpread filters out the nodes that would break the skew, and scores count too.",
        ],
        commands: BASICS,
        manifest: include_str!("../../examples/scheduling/topology-spread.yaml"),
    },
    Scenario {
        id: "preemption",
        group: "Scheduling",
        title: "Priority and preemption",
        summary: "Two nodes full of low-priority batch pods, then a pod of higher priority.",
        steps: &[
            "Apply, then +1 min: four batch pods fill both nodes.",
            "Press \"Apply the high-priority pod\" below (a pod with `priorityClassName: high`, 1 CPU): the scheduler evicts one batch pod (Preempted) and nominates its node.",
            "The batch replacement stays Pending: click it to see why.",
        ],
        commands: &[
            ("get pods -o wide", "get pods -o wide"),
            ("get pc", "get pc"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/scheduling/preemption.yaml"),
    },
    Scenario {
        id: "crash-loop",
        group: "Pods",
        title: "CrashLoopBackOff",
        summary: "A container that crashes 5 s after every start, and one that recovers.",
        steps: &[
            "Apply and Play: watch the restarts back off 10 s, 20 s, 40 s… (CrashLoopBackOff).",
            "Click the pod for its Events and conditions.",
        ],
        commands: &[
            ("get pods", "get pods"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/pods/crash-loop.yaml"),
    },
    Scenario {
        id: "probes",
        group: "Pods",
        title: "Probes",
        summary: "Startup, liveness and readiness probes: a slow starter, a wedged app, an overloaded one.",
        steps: &[
            "Apply and Play to about 2 minutes.",
            "Click each pod: its Ready condition and the probe Events tell the story.",
        ],
        commands: &[
            ("get pods", "get pods"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/pods/probes.yaml"),
    },
    Scenario {
        id: "init-containers",
        group: "Pods",
        title: "Init containers",
        summary: "An init container must finish before the app starts.",
        steps: &["Apply, then +1 s at a time: Init:0/1, then Running at 3 s."],
        commands: &[("get pods", "get pods")],
        manifest: include_str!("../../examples/pods/init-containers.yaml"),
    },
    Scenario {
        id: "native-sidecar",
        group: "Pods",
        title: "Native sidecars",
        summary: "An init container with restartPolicy: Always keeps running next to the app.",
        steps: &["Apply and step 20 s: the sidecar comes up, the migration runs, then the app (READY 2/2)."],
        commands: &[("get pods", "get pods")],
        manifest: include_str!("../../examples/pods/native-sidecar.yaml"),
    },
    Scenario {
        id: "graceful-shutdown",
        group: "Pods",
        title: "Graceful shutdown",
        summary: "SIGTERM, the grace period, then SIGKILL.",
        steps: &[
            "Apply and +1 min, then `delete pod drains-in-10s` and `delete pod ignores-sigterm`.",
            "Step: one is gone after 10 s, the other is killed at 15 s.",
        ],
        commands: &[
            ("get pods", "get pods"),
            ("delete pod drains-in-10s", "delete pod drains-in-10s"),
            ("delete pod ignores-sigterm", "delete pod ignores-sigterm"),
        ],
        manifest: include_str!("../../examples/pods/graceful-shutdown.yaml"),
    },
    Scenario {
        id: "resources",
        group: "Pods",
        title: "Requests and limits",
        summary: "CPU throttling and an OOM kill.",
        steps: &["Apply and Play: `top pods` shows usage; memory-leak is OOMKilled and restarts with back-off."],
        commands: &[
            ("get pods", "get pods"),
            ("top pods", "top pods"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/pods/resources.yaml"),
    },
    Scenario {
        id: "workspaces",
        group: "Workspaces",
        title: "Two teams, one data plane",
        summary: "KCP-style workspaces: the same Deployment in two team workspaces, their pods on root's shared nodes.",
        steps: &[
            "Apply in `root`: two nodes and the Deployment web. The tree beside the editor shows `root`; the arrow by Manifests says where Apply writes.",
            "Click the chips `ws create acme` and `ws create team-a`: an organization and a team, each Ready at once; the tree follows, and Apply now writes into `root:acme:team-a`.",
            "Apply again: the Deployment is created in the team; the Nodes are refused (403: the shared data plane is written in root), yet `get nodes` lists them from the team. Step a minute: node cards mark each pod with its workspace's colour.",
            "`ws ..`, then `ws create team-b` and Apply: two independent Deployments named web. Click a pod of another workspace on a node card: the page moves there (Pending, Events, Workloads and the console follow); click `root` in the tree to go back.",
            "In a team, `get deployments --as alice` is 403 until the button binds alice the `edit` role there (`examples/workspaces/alice-edit.yaml`).",
        ],
        commands: &[
            ("ws create acme", "ws create acme --type organization --enter"),
            ("ws create team-a", "ws create team-a --type team --enter"),
            ("ws ..", "ws .."),
            ("ws create team-b", "ws create team-b --type team --enter"),
            ("ws tree", "ws tree"),
            ("ws .", "ws ."),
            ("get nodes", "get nodes"),
            ("get deployments", "get deployments"),
            ("auth whoami", "auth whoami"),
        ],
        manifest: WORKSPACES,
    },
];

/// A pod of the `high` PriorityClass asking for a whole core (the preemption scenario).
const HIGH_PRIORITY_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: important
spec:
  priorityClassName: high
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {cpu: \"1\", memory: 256Mi}
";

/// Manifests a scenario's steps ask for beyond its own, each applied by a button on the
/// card: (label, manifest).
pub fn extras(id: &str) -> &'static [(&'static str, &'static str)] {
    match id {
        "preemption" => &[("Apply the high-priority pod", HIGH_PRIORITY_POD)],
        "workspaces" => &[(
            "Bind alice the edit role",
            include_str!("../../examples/workspaces/alice-edit.yaml"),
        )],
        _ => &[],
    }
}

pub fn by_id(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}

/// The picker's groups in order of first appearance.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for s in SCENARIOS {
        if !out.contains(&s.group) {
            out.push(s.group);
        }
    }
    out
}

/// Splits a step into plain text and `code` spans: (text, is_code).
pub fn spans(step: &str) -> Vec<(&str, bool)> {
    step.split('`')
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| (s, i % 2 == 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::apply_documents;
    use kplane::{ControlPlane, Options};

    fn cp() -> ControlPlane {
        ControlPlane::new(Options {
            seed: 1,
            start: None,
        })
        .unwrap()
    }

    #[test]
    fn every_scenario_applies_cleanly() {
        let mut ids = std::collections::BTreeSet::new();
        for s in SCENARIOS {
            assert!(ids.insert(s.id), "duplicate id {}", s.id);
            let mut c = cp();
            let out = apply_documents(&mut c, "root", s.manifest, false);
            assert!(out.messages.is_empty(), "{}: {:?}", s.id, out.messages);
            assert!(!out.applied.is_empty(), "{}", s.id);
            assert!(!c.nodes().is_empty(), "{} brings nodes", s.id);
            for (label, extra) in extras(s.id) {
                let out = apply_documents(&mut c, "root", extra, false);
                assert!(
                    out.messages.is_empty(),
                    "{}: {label}: {:?}",
                    s.id,
                    out.messages
                );
            }
            for (_, command) in s.commands {
                let o = c.kubectl(command, "");
                assert_eq!(o.exit_code, 0, "{}: {command}: {}", s.id, o.stderr);
            }
        }
    }

    #[test]
    fn the_pdb_drain_waits_for_the_budget() {
        let mut c = cp();
        apply_documents(&mut c, "root", by_id("pdb-drain").unwrap().manifest, false);
        c.advance(60.0).unwrap();
        let a = c.nodes().into_iter().find(|n| n.name == "node-a").unwrap();
        assert_eq!(a.pods.len(), 2, "node-a holds two of the three pods");
        let out = c.kubectl("drain node-a --ignore-daemonsets", "");
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        assert!(out.stderr.contains("will retry after 5s"), "{}", out.stderr);
        assert!(
            out.stdout.ends_with("node/node-a drained\n"),
            "{}",
            out.stdout
        );
    }

    #[test]
    fn alice_is_denied_in_a_team_until_the_extra_binds_her() {
        let mut c = cp();
        for command in [
            "ws create acme --type organization --enter",
            "ws create team-a --type team --enter",
        ] {
            assert_eq!(c.kubectl(command, "").exit_code, 0, "{command}");
        }
        let denied = c.kubectl("get deployments --as alice", "");
        assert_eq!(denied.exit_code, 1);
        assert!(denied.stderr.contains("is forbidden"), "{}", denied.stderr);
        let (_, binding) = extras("workspaces")[0];
        let out = apply_documents(&mut c, "root:acme:team-a", binding, false);
        assert!(out.messages.is_empty(), "{:?}", out.messages);
        let allowed = c.kubectl("get deployments --as alice", "");
        assert_eq!(allowed.exit_code, 0, "{}", allowed.stderr);
    }

    #[test]
    fn steps_split_into_code_spans() {
        assert_eq!(
            spans("run `get rs` now"),
            vec![("run ", false), ("get rs", true), (" now", false)]
        );
        assert_eq!(groups()[0], "Basics");
    }
}
