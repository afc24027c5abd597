//! The scenarios the picker offers: manifests from the repository's examples (compiled in),
//! a short description of what to do and what to watch, and console commands to try.

/// Two nodes, for scenarios whose example brings no nodes of its own. node-a is twice
/// node-b's size, so the scheduler's least-allocated score (not a random pick among equal
/// scores) puts two of three equal pods on node-a.
macro_rules! two_nodes {
    () => {
        "# Two worker nodes (added by the playground; the example itself brings none). node-a is
# twice node-b's size, so the scores place two of the three pods there (NodeResourcesFit's
# LeastAllocated prefers it for the first and the third; topology spreading sends the second
# to node-b), not a tie broken at random.
apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    kubernetes.io/hostname: node-a
    topology.kubernetes.io/zone: zone-1
status:
  capacity:
    cpu: \"4\"
    memory: 8Gi
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
    Scenario {
        id: "karpenter-scale-up",
        group: "Karpenter",
        title: "Nodes from nothing, then consolidation",
        summary: "Karpenter launches a node for five pending pods, then replaces and removes it as they go.",
        steps: &[
            "Apply: no node exists; the five 1-CPU pods go Pending. Step 2 s: a NodeClaim appears (`get nodeclaims`).",
            "Play: the instance launches (5 s), registers (30 s), turns Ready (10 s) and the pods start on its node card.",
            "Run `scale deployment inflate --replicas=1`; a minute later consolidation replaces the node with a cheaper one (watch the Events and `get nodeclaims`).",
            "Run `scale deployment inflate --replicas=0`: the empty node goes.",
        ],
        commands: &[
            ("get nodeclaims", "get nodeclaims"),
            ("get nodepools", "get nodepools -o wide"),
            ("scale to 1", "scale deployment inflate --replicas=1"),
            ("scale to 0", "scale deployment inflate --replicas=0"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/karpenter/scale-up-and-consolidation.yaml"),
    },
    Scenario {
        id: "karpenter-critical-web-service",
        group: "Karpenter",
        title: "Critical web service through consolidation",
        summary: "Two spread replicas and a 50% PDB while consolidation shrinks the fleet.",
        steps: &[
            "Apply and Play about 90 s: a batch burst makes Karpenter launch large nodes.",
            "Run `scale deployment batch-burst --replicas=0` and keep playing: consolidation replaces the nodes one at a time; the PDB keeps one replica up (\"Pdb prevents pod evictions\" while the other moves).",
            "The fleet ends with two small nodes: `describe node` or the Events say why neither can go.",
        ],
        commands: &[
            ("end the burst", "scale deployment batch-burst --replicas=0"),
            ("get nodeclaims", "get nodeclaims"),
            ("get pdb", "get pdb"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/karpenter/critical-web-service.yaml"),
    },
    Scenario {
        id: "karpenter-do-not-disrupt",
        group: "Karpenter",
        title: "A do-not-disrupt batch pod",
        summary: "karpenter.sh/do-not-disrupt keeps a node that consolidation would otherwise remove.",
        steps: &[
            "Apply and Play about 90 s: four nodes, one web pod each; the batch pod shares one.",
            "Run `scale deployment web --replicas=0`: three nodes go; the batch pod's node stays (DisruptionBlocked in the Events).",
        ],
        commands: &[
            ("scale web to 0", "scale deployment web --replicas=0"),
            ("get nodeclaims", "get nodeclaims"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/karpenter/do-not-disrupt.yaml"),
    },
    Scenario {
        id: "karpenter-max-pods",
        group: "Karpenter",
        title: "Max pods on EC2 instance types",
        summary: "ENIs × (IPv4 per ENI − 1) + 2: a t3.medium takes 17 pods, the 18th waits.",
        steps: &[
            "Apply and step 10 s: each node got its capacity from its instance type alone (`describe node t3-medium`).",
            "Seventeen tiny pods run on the t3.medium; click the Pending one to read \"Too many pods\".",
        ],
        commands: &[
            ("get nodes", "get nodes"),
            ("describe t3-medium", "describe node t3-medium"),
            ("get pods -o wide", "get pods -o wide"),
        ],
        manifest: include_str!("../../examples/karpenter/max-pods.yaml"),
    },
    Scenario {
        id: "karpenter-spot-interruption",
        group: "Karpenter",
        title: "Spot interruption",
        summary: "EC2's two-minute notice: Karpenter drains the spot node and replaces it before EC2 takes it back.",
        steps: &[
            "Apply and Play about 90 s: a spot node runs three web pods (its card and `get nodeclaims` show its capacity type, instance type, zone and price; the Cost chart its $/hour).",
            "Press Spot interrupt on its card (`sim node spot-interrupt NODE`): SpotInterrupted, the node is tainted and drained one pod at a time (PDB), a replacement launches.",
            "Two minutes after the notice EC2 reclaims the instance.",
        ],
        commands: &[
            ("get nodeclaims", "get nodeclaims"),
            ("get nodes", "get nodes --show-labels"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/karpenter/spot-interruption.yaml"),
    },
    Scenario {
        id: "hpa-spike",
        group: "Autoscaling",
        title: "HPA under a traffic spike",
        summary: "The seed's HorizontalPodAutoscaler (min 3, max 10, 75% CPU) meets a LoadProfile that spikes from 90 to 390 requests per second.",
        steps: &[
            "Apply and Play: 90 requests per second spread over three pods, 60% of their CPU requests; the HPA keeps its minimum of 3 (`get hpa`, `top pods`).",
            "At 2 minutes the spike adds 300 requests per second: 260% of the requests. Without `behavior` a sync may at most double: 3 → 6, then 6 → 10 (the chart \"HPA replicas\" follows current and desired).",
            "`describe hpa mi-aplicacion-hpa` lists the SuccessfulRescale Events (\"New size: 6; reason: cpu resource utilization (percentage of request) above target\").",
            "The spike ends at 7 minutes: the HPA wants 3 at once but holds 10 for its 5-minute scale-down stabilization window, then scales to 3.",
        ],
        commands: &[
            ("get hpa", "get hpa"),
            ("describe hpa", "describe hpa mi-aplicacion-hpa"),
            ("top pods", "top pods"),
            ("get deployments", "get deployments"),
            ("get loadprofiles", "get loadprofiles"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/autoscaling/hpa-spike.yaml"),
    },
    Scenario {
        id: "keda-queue",
        group: "Autoscaling",
        title: "KEDA: from zero on a queue burst",
        summary: "An order processor at zero replicas; KEDA wakes it when messages arrive and its HPA scales on the queue's depth.",
        steps: &[
            "Apply and Play: no order-processor pod runs. At 1 minute 600 messages arrive in 30 s (chart \"Queue depth\").",
            "At KEDA's next poll (90 s) the trigger is active: KEDA scales 0 → 1 itself (KEDAScaleTargetActivated in the Events).",
            "From 1 replica its HPA `keda-hpa-order-processor` asks for ceil(messages / 5) pods (`get hpa`): the queue drains.",
            "Once it is empty the HPA holds its replicas for 5 minutes, then 1; KEDA goes back to 0 after the 300 s cooldown.",
        ],
        commands: &[
            ("get scaledobjects", "get scaledobjects"),
            ("get hpa", "get hpa"),
            ("get queues", "get queues"),
            ("get deployments", "get deployments"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/autoscaling/keda-queue.yaml"),
    },
    Scenario {
        id: "vpa-recreate",
        group: "Autoscaling",
        title: "VPA recommends and recreates",
        summary: "Three pods request 100m CPU and 128Mi but use 300m and 200Mi; the VerticalPodAutoscaler learns and resizes them.",
        steps: &[
            "Apply and Play a few minutes: every minute the recommender adds the containers' use to its histograms (`get vpa` shows the CPU and memory targets).",
            "`describe vpa my-app-vpa` gives target, lower and upper bounds; memory's target is raised to minAllowed 256Mi.",
            "In Recreate mode the updater evicts one pod at a time through the Eviction API (the PDB agrees); its replacement is admitted with the recommended requests (`get pods -o wide`, `describe pod`).",
        ],
        commands: &[
            ("get vpa", "get vpa"),
            ("describe vpa", "describe vpa my-app-vpa"),
            ("top pods", "top pods"),
            ("get pods", "get pods"),
            ("get events", "get events"),
        ],
        manifest: include_str!("../../examples/autoscaling/vpa-recreate.yaml"),
    },
    Scenario {
        id: "ebs-zonal",
        group: "Storage",
        title: "An EBS volume pins its pods to a zone",
        summary: "A gp3 claim that binds on first consumer, shared by two pods that must not share a node.",
        steps: &[
            "Apply (three EKS nodes in three zones, and a second node in us-east-1a) and step a few seconds: db-0 is scheduled in us-east-1a, then the volume is provisioned there (`get pvc,pv`: the PV's node affinity names the zone).",
            "db-1 shares the claim: Why? on it shows VolumeBinding keeping it out of us-east-1b and us-east-1c; on the other us-east-1a node it stays ContainerCreating with FailedAttachVolume \"Multi-Attach error\".",
            "`delete pod db-0`: the volume detaches and moves to db-1's node, which starts.",
        ],
        commands: &[
            ("get pvc,pv", "get pvc,pv"),
            ("get pods -o wide", "get pods -o wide"),
            ("describe pod db-1", "describe pod db-1"),
            ("delete pod db-0", "delete pod db-0"),
            ("get events", "get events"),
        ],
        manifest: concat!(
            include_str!("../../examples/storage/eks-nodes.yaml"),
            "---\n",
            include_str!("../../examples/storage/ebs-zonal.yaml")
        ),
    },
    Scenario {
        id: "efs-shared",
        group: "Storage",
        title: "EFS shared across zones",
        summary: "A ReadWriteMany EFS access point mounted by three writers spread over three zones.",
        steps: &[
            "Apply and step a few seconds: the claim is provisioned as an access point and Bound (`get pvc,pv`: 5Gi, RWX).",
            "The three writers run on three nodes in three zones (topology spread), all mounting the same volume: EFS has no zone and needs no attach.",
        ],
        commands: &[
            ("get pvc,pv", "get pvc,pv"),
            ("get pods -o wide", "get pods -o wide"),
            ("describe pvc", "describe pvc shared-data"),
            ("get storageclass", "get storageclass"),
        ],
        manifest: concat!(
            include_str!("../../examples/storage/eks-nodes.yaml"),
            "---\n",
            include_str!("../../examples/storage/efs-shared.yaml")
        ),
    },
    Scenario {
        id: "frontend-backend",
        group: "Network",
        title: "NetworkPolicy: only the frontend reaches the backend",
        summary: "The seed's NetworkPolicy: backend pods accept traffic only from frontend pods; Services and their EndpointSlices.",
        steps: &[
            "Apply and step a few seconds, then `sim reach --matrix --port 8080`: every pod may reach every other, except into the backend pods (X) from anything but the frontend.",
            "`sim reach other backend-canary --port 8080` names the policy that isolates the backend and finds no rule for `other`.",
            "`get endpointslices`: the backend Service lists the backend pods on port 8080 (its named target port). From 30 s backend-canary's readiness probe fails: it stays in the slice as not ready, out of rotation.",
        ],
        commands: &[
            ("reach matrix", "sim reach --matrix --port 8080"),
            ("reach other → canary", "sim reach other backend-canary --port 8080"),
            ("get netpol", "get networkpolicies"),
            ("get endpointslices", "get endpointslices"),
            ("get svc", "get services"),
            ("get pods -o wide", "get pods -o wide"),
        ],
        manifest: include_str!("../../examples/network/frontend-backend.yaml"),
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
            assert!(
                !c.nodes().is_empty() || s.group == "Karpenter",
                "{} brings nodes (Karpenter scenarios bring a NodePool instead)",
                s.id
            );
            for (label, extra) in extras(s.id) {
                let out = apply_documents(&mut c, "root", extra, false);
                assert!(
                    out.messages.is_empty(),
                    "{}: {label}: {:?}",
                    s.id,
                    out.messages
                );
            }
            // A minute on: `top` needs the metrics pipeline's first scrape.
            c.advance(60.0).unwrap();
            for (_, command) in s.commands {
                let o = c.kubectl(command, "");
                // `sim reach` exits 1 for traffic that is denied (as `auth can-i` for "no").
                let denied = command.starts_with("sim reach ") && o.stdout.starts_with("denied:");
                assert!(
                    o.exit_code == 0 || denied,
                    "{}: {command}: {}",
                    s.id,
                    o.stderr
                );
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

    /// The gallery test's promises for the Karpenter, autoscaling, storage and network
    /// scenarios (`PROMISES` in tests/browser/features.test.mjs: play `seconds` as the page
    /// steps, then the kubectl output matches), checked here against the control plane the
    /// worker runs.
    #[test]
    fn scenarios_keep_their_gallery_promises() {
        type Check = fn(&str) -> bool;
        let running_claim: Check = |l| l.contains(" on-demand ") && l.contains(" True ");
        let spot_claim: Check = |l| l.contains(" spot ") && l.contains(" True ");
        let pdb: Check = |l| {
            l.split_whitespace().take(2).collect::<Vec<_>>() == ["critical-web-service-pdb", "50%"]
        };
        let pending: Check = |l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.get(1..3) == Some(&["0/1", "Pending"][..])
        };
        let table: &[(&str, u32, &str, Check)] = &[
            ("karpenter-scale-up", 120, "get nodeclaims", running_claim),
            ("karpenter-critical-web-service", 120, "get pdb", pdb),
            (
                "karpenter-do-not-disrupt",
                120,
                "get nodeclaims",
                running_claim,
            ),
            ("karpenter-max-pods", 10, "get pods", pending),
            (
                "karpenter-spot-interruption",
                120,
                "get nodeclaims",
                spot_claim,
            ),
            // hpa-spike.yaml: the spike at 2m takes the HPA 3 -> 6 -> 10 (max(2 x current, 4)
            // per sync); at 4m it is at its maximum.
            ("hpa-spike", 240, "get hpa", |l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.first() == Some(&"mi-aplicacion-hpa") && w.get(6) == Some(&"10")
            }),
            // keda-queue.yaml: 600 messages at 1m; KEDA activates at 90 s and the HPA goes on
            // to ceil(messages / 5), capped at maxReplicaCount 10.
            ("keda-queue", 180, "get deployments", |l| {
                l.split_whitespace().take(2).collect::<Vec<_>>() == ["order-processor", "10/10"]
            }),
            // vpa-recreate.yaml: a recommendation is provided; memory's target is raised to
            // minAllowed 256Mi.
            ("vpa-recreate", 180, "get vpa", |l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.first() == Some(&"my-app-vpa")
                    && w.get(3) == Some(&"256Mi")
                    && w.get(4) == Some(&"True")
            }),
            // ebs-zonal.yaml: db-1 cannot attach the ReadWriteOnce volume db-0 holds.
            ("ebs-zonal", 10, "get pods", |l| {
                l.starts_with("db-1 ") && l.contains(" ContainerCreating ")
            }),
            // efs-shared.yaml: the claim is Bound to a 5Gi ReadWriteMany access point.
            ("efs-shared", 10, "get pvc", |l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.first() == Some(&"shared-data")
                    && w.get(1) == Some(&"Bound")
                    && w.get(3..5) == Some(&["5Gi", "RWX"][..])
            }),
            // frontend-backend.yaml: `other` reaches the frontend but none of the backends.
            (
                "frontend-backend",
                5,
                "sim reach --matrix --port 8080",
                |l| {
                    let w: Vec<&str> = l.split_whitespace().collect();
                    w == ["default/other", "X", "X", "X", ".", "."]
                },
            ),
        ];
        for (id, seconds, command, check) in table {
            let mut c = cp();
            let out = apply_documents(&mut c, "root", by_id(id).unwrap().manifest, false);
            assert!(out.messages.is_empty(), "{id}: {:?}", out.messages);
            let (minutes, rest) = (seconds / 60, seconds % 60);
            for _ in 0..minutes {
                c.advance(60.0).unwrap();
            }
            for _ in 0..rest {
                c.advance(1.0).unwrap();
            }
            let o = c.kubectl(command, "");
            assert!(
                o.stdout.lines().any(check),
                "{id}: {command}:\n{}",
                o.stdout
            );
        }
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
