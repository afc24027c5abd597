//! Golden tests of the describers: the objects of `testdata/cluster.json` (a small cluster
//! kplane ran for 90 s, with a Deployment, StatefulSet, DaemonSet, Job, CronJob, Service,
//! PDB, HPA, quota, limit range, volumes and their events) described here and by real
//! kubectl v1.32.4 reading the same objects from an API server.
use super::{describe_object, Env, Source};
use crate::api::{object, Value};

/// The fixture cluster: the objects and the time kplane dumped them at.
fn fixture() -> (Vec<Value>, i64) {
    let doc: Value =
        serde_json::from_str(include_str!("testdata/cluster.json")).unwrap_or_default();
    let objects = doc["objects"]
        .as_array()
        .map(|a| a.to_vec())
        .unwrap_or_default();
    (objects, doc["now"].as_i64().unwrap_or(0))
}

struct Fixture(Vec<Value>);

impl Source for Fixture {
    fn list(&self, kind: &str, api_version: &str, namespace: Option<&str>) -> Vec<Value> {
        self.0
            .iter()
            .filter(|o| {
                object::kind(o) == kind
                    && object::api_version(o) == api_version
                    && namespace.is_none_or(|n| object::namespace(o) == n)
            })
            .cloned()
            .collect()
    }
}

/// `kubectl describe TYPE NAME [-n NS]` over the fixture.
fn describe_line(objects: &[Value], now: i64, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (ty, name) = (words[1], words[2]);
    let ns = words
        .iter()
        .position(|w| *w == "-n")
        .map_or("default", |i| words[i + 1]);
    let kind = super::resources::resolve_type(ty).expect("a served type");
    let obj = objects
        .iter()
        .find(|o| {
            object::kind(o) == kind.kind
                && object::name(o) == name
                && (!kind.namespaced || object::namespace(o) == ns)
        })
        .unwrap_or_else(|| panic!("{line}: not in the fixture"));
    let source = Fixture(objects.to_vec());
    let env = Env {
        source: &source,
        now,
        show_events: true,
    };
    describe_object(&env, kind, obj)
}

/// Each line and what real kubectl v1.32.4 printed for it, run against an API server serving
/// the fixture's objects (timestamps shifted to the wall clock and back, so that ages and
/// dates read as at the fixture's time).
const DESCRIBE: &[(&str, &str)] = &[
    (
        r#"describe pod web-7d8cb84c8-c942v"#,
        r#"Name:             web-7d8cb84c8-c942v
Namespace:        default
Priority:         0
Service Account:  default
Node:             n1/10.0.0.2
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           app=web
                  pod-template-hash=7d8cb84c8
Annotations:      <none>
Status:           Running
IP:               10.244.0.4
IPs:
  IP:           10.244.0.4
Controlled By:  ReplicaSet/web-7d8cb84c8
Containers:
  web:
    Container ID:   containerd://98e0efa17efa4233e01a2401ce01f868d73f206e9727ced94af564dd6b9d0126
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:b4512cd1563c5d14d5bff395b26935974d3ad9faee573e52c2db24788cd64bdd
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
      memory:   64Mi
    Readiness:  http-get //:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3
    Environment:
      MODE:  production
    Mounts:
      /etc/app from config (rw)
Conditions:
  Type                        Status
  PodScheduled                True 
  PodReadyToStartContainers   True 
  Initialized                 True 
  ContainersReady             True 
  Ready                       True 
Volumes:
  config:
    Type:        ConfigMap (a volume populated by a ConfigMap)
    Name:        app-config
    Optional:    false
QoS Class:       Burstable
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  90s   default-scheduler  Successfully assigned default/web-7d8cb84c8-c942v to n1
  Normal  Pulled     89s   kubelet            Container image "docker.io/library/nginx:1.27" already present on machine
  Normal  Created    89s   kubelet            Created container: web
  Normal  Started    89s   kubelet            Started container web
"#,
    ),
    (
        r#"describe pod db-0"#,
        r#"Name:             db-0
Namespace:        default
Priority:         0
Service Account:  default
Node:             n2/10.0.0.3
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           app=db
                  apps.kubernetes.io/pod-index=0
                  controller-revision-hash=db-5746b55cd4
                  statefulset.kubernetes.io/pod-name=db-0
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:           10.244.1.2
Controlled By:  StatefulSet/db
Containers:
  db:
    Container ID:   containerd://32bc735df685e7dd6ab56a67ab885a8c31624218583e9287ce0e5a59490658ae
    Image:          postgres:16
    Image ID:       docker.io/library/postgres@sha256:305a4f0b2235d15ab0e6a21e2a91803fc5174f7401ec181488bc122c9fdc3df1
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/lib/postgresql from data (rw)
Conditions:
  Type                        Status
  PodScheduled                True 
  PodReadyToStartContainers   True 
  Initialized                 True 
  ContainersReady             True 
  Ready                       True 
Volumes:
  data:
    Type:        PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:   data
    ReadOnly:    false
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     dedicated=db:NoSchedule
                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  90s   default-scheduler  Successfully assigned default/db-0 to n2
  Normal  Pulled     89s   kubelet            Container image "docker.io/library/postgres:16" already present on machine
  Normal  Created    89s   kubelet            Created container: db
  Normal  Started    89s   kubelet            Started container db
"#,
    ),
    (
        r#"describe pod once-nn88j"#,
        r#"Name:             once-nn88j
Namespace:        default
Priority:         0
Service Account:  default
Node:             n1/10.0.0.2
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           batch.kubernetes.io/controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
                  batch.kubernetes.io/job-name=once
                  controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
                  job-name=once
Annotations:      <none>
Status:           Running
IP:               10.244.0.3
IPs:
  IP:           10.244.0.3
Controlled By:  Job/once
Containers:
  once:
    Container ID:  containerd://af58ef94fd50043ef04eb945c605ab873d48d1dc6a05ffe0328be1869c4a8d31
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      echo done
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
  PodScheduled                True 
  PodReadyToStartContainers   True 
  Initialized                 True 
  ContainersReady             True 
  Ready                       True 
Volumes:                      <none>
QoS Class:                    BestEffort
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  90s   default-scheduler  Successfully assigned default/once-nn88j to n1
  Normal  Pulled     89s   kubelet            Container image "docker.io/library/busybox:1.36" already present on machine
  Normal  Created    89s   kubelet            Created container: once
  Normal  Started    89s   kubelet            Started container once
"#,
    ),
    (
        r#"describe pod agent-gfn5j"#,
        r#"Name:             agent-gfn5j
Namespace:        default
Priority:         0
Service Account:  default
Node:             n1/10.0.0.2
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           app=agent
                  controller-revision-hash=59f8c77f67
Annotations:      <none>
Status:           Running
IP:               10.244.0.2
IPs:
  IP:           10.244.0.2
Controlled By:  DaemonSet/agent
Containers:
  agent:
    Container ID:  containerd://5943754b3e83c8ab75b68e3150d7a8ccc7430f96bbf1321d8f5825490d5a7cce
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      sleep 3600
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
  PodScheduled                True 
  PodReadyToStartContainers   True 
  Initialized                 True 
  ContainersReady             True 
  Ready                       True 
Volumes:                      <none>
QoS Class:                    BestEffort
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/disk-pressure:NoSchedule op=Exists
                              node.kubernetes.io/memory-pressure:NoSchedule op=Exists
                              node.kubernetes.io/not-ready:NoExecute op=Exists
                              node.kubernetes.io/pid-pressure:NoSchedule op=Exists
                              node.kubernetes.io/unreachable:NoExecute op=Exists
                              node.kubernetes.io/unschedulable:NoSchedule op=Exists
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  90s   default-scheduler  Successfully assigned default/agent-gfn5j to n1
  Normal  Pulled     89s   kubelet            Container image "docker.io/library/busybox:1.36" already present on machine
  Normal  Created    89s   kubelet            Created container: agent
  Normal  Started    89s   kubelet            Started container agent
"#,
    ),
    (
        r#"describe node n1"#,
        r#"Name:               n1
Roles:              worker
Labels:             node-role.kubernetes.io/worker=
                    topology.kubernetes.io/zone=a
Annotations:        <none>
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Taints:             <none>
Unschedulable:      false
Lease:              Failed to get lease: leases.coordination.k8s.io "n1" not found
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  10.0.0.2
  Hostname:    n1
Capacity:
  cpu:                4
  ephemeral-storage:  100Gi
  memory:             8Gi
  pods:               110
Allocatable:
  cpu:                4
  ephemeral-storage:  100Gi
  memory:             8Gi
  pods:               110
System Info:
  Machine ID:                 
  System UUID:                
  Boot ID:                    
  Kernel Version:             6.8.0-kplane
  OS Image:                   kplane simulated node
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://2.1.0
  Kubelet Version:            v1.34.0
  Kube-Proxy Version:         
PodCIDR:                      10.244.0.0/24
PodCIDRs:                     10.244.0.0/24
Non-terminated Pods:          (4 in total)
  Namespace                   Name                   CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                   ------------  ----------  ---------------  -------------  ---
  default                     agent-gfn5j            0 (0%)        0 (0%)      0 (0%)           0 (0%)         90s
  default                     once-nn88j             0 (0%)        0 (0%)      0 (0%)           0 (0%)         90s
  default                     web-7d8cb84c8-c942v    250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     90s
  default                     web-7d8cb84c8-gbqtm    250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     90s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                500m (12%)  1 (25%)
  memory             128Mi (1%)  256Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:
  Type    Reason     Age   From     Message
  ----    ------     ----  ----     -------
  Normal  NodeReady  90s   kubelet  Node n1 status is now: NodeReady
"#,
    ),
    (
        r#"describe node n2"#,
        r#"Name:               n2
Roles:              <none>
Labels:             topology.kubernetes.io/zone=b
Annotations:        <none>
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Taints:             dedicated=db:NoSchedule
Unschedulable:      false
Lease:              Failed to get lease: leases.coordination.k8s.io "n2" not found
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  10.0.0.3
  Hostname:    n2
Capacity:
  cpu:     2
  memory:  4Gi
  pods:    110
Allocatable:
  cpu:     2
  memory:  4Gi
  pods:    110
System Info:
  Machine ID:                 
  System UUID:                
  Boot ID:                    
  Kernel Version:             6.8.0-kplane
  OS Image:                   kplane simulated node
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://2.1.0
  Kubelet Version:            v1.34.0
  Kube-Proxy Version:         
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (1 in total)
  Namespace                   Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----    ------------  ----------  ---------------  -------------  ---
  default                     db-0    0 (0%)        0 (0%)      0 (0%)           0 (0%)         90s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests  Limits
  --------           --------  ------
  cpu                0 (0%)    0 (0%)
  memory             0 (0%)    0 (0%)
  ephemeral-storage  0 (0%)    0 (0%)
Events:
  Type    Reason     Age   From     Message
  ----    ------     ----  ----     -------
  Normal  NodeReady  90s   kubelet  Node n2 status is now: NodeReady
"#,
    ),
    (
        r#"describe deploy web"#,
        r#"Name:                   web
Namespace:              default
CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   web:
    Image:      nginx:1.27
    Port:       8080/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
      memory:   64Mi
    Readiness:  http-get //:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3
    Environment:
      MODE:  production
    Mounts:
      /etc/app from config (rw)
  Volumes:
   config:
    Type:          ConfigMap (a volume populated by a ConfigMap)
    Name:          app-config
    Optional:      false
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   web-7d8cb84c8 (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  90s   deployment-controller  Scaled up replica set web-7d8cb84c8 from 0 to 2
"#,
    ),
    (
        r#"describe rs web-7d8cb84c8"#,
        r#"Name:           web-7d8cb84c8
Namespace:      default
Selector:       app=web,pod-template-hash=7d8cb84c8
Labels:         app=web
                pod-template-hash=7d8cb84c8
Annotations:    deployment.kubernetes.io/desired-replicas: 2
                deployment.kubernetes.io/max-replicas: 3
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/web
Replicas:       2 current / 2 desired
Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
           pod-template-hash=7d8cb84c8
  Containers:
   web:
    Image:      nginx:1.27
    Port:       8080/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
      memory:   64Mi
    Readiness:  http-get //:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3
    Environment:
      MODE:  production
    Mounts:
      /etc/app from config (rw)
  Volumes:
   config:
    Type:          ConfigMap (a volume populated by a ConfigMap)
    Name:          app-config
    Optional:      false
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  90s   replicaset-controller  Created pod: web-7d8cb84c8-gbqtm
  Normal  SuccessfulCreate  90s   replicaset-controller  Created pod: web-7d8cb84c8-c942v
"#,
    ),
    (
        r#"describe sts db"#,
        r#"Name:               db
Namespace:          default
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Selector:           app=db
Labels:             <none>
Annotations:        <none>
Replicas:           1 desired | 1 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        1 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=db
  Containers:
   db:
    Image:        postgres:16
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:
      /var/lib/postgresql from data (rw)
  Volumes:
   data:
    Type:          PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:     data
    ReadOnly:      false
  Node-Selectors:  <none>
  Tolerations:     dedicated=db:NoSchedule
Volume Claims:     <none>
Events:
  Type    Reason            Age   From                    Message
  ----    ------            ----  ----                    -------
  Normal  SuccessfulCreate  90s   statefulset-controller  create Pod db-0 in StatefulSet db successful
"#,
    ),
    (
        r#"describe ds agent"#,
        r#"Name:           agent
Selector:       app=agent
Node-Selector:  <none>
Labels:         <none>
Annotations:    <none>
Desired Number of Nodes Scheduled: 1
Current Number of Nodes Scheduled: 1
Number of Nodes Scheduled with Up-to-date Pods: 1
Number of Nodes Scheduled with Available Pods: 1
Number of Nodes Misscheduled: 0
Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=agent
  Containers:
   agent:
    Image:      busybox:1.36
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      sleep 3600
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                  Message
  ----    ------            ----  ----                  -------
  Normal  SuccessfulCreate  90s   daemonset-controller  Created pod: agent-gfn5j
"#,
    ),
    (
        r#"describe job once"#,
        r#"Name:             once
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
Labels:           batch.kubernetes.io/controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
                  batch.kubernetes.io/job-name=once
                  controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
                  job-name=once
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    6
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Pods Statuses:    1 Active (1 Ready) / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
           batch.kubernetes.io/job-name=once
           controller-uid=514a55b2-ce7f-4982-8e0b-9ee39938c909
           job-name=once
  Containers:
   once:
    Image:      busybox:1.36
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      echo done
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  90s   job-controller  Created pod: once-nn88j
"#,
    ),
    (
        r#"describe cj nightly"#,
        r#"Name:                          nightly
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      0 2 * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   backup:
    Image:           busybox:1.36
    Port:            <none>
    Host Port:       <none>
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  <unset>
Active Jobs:         <none>
Events:              <none>
"#,
    ),
    (
        r#"describe svc web"#,
        r#"Name:                     web
Namespace:                default
Labels:                   app=web
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.110.164.50
IPs:                      10.110.164.50
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                10.244.0.4:8080
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"#,
    ),
    (
        r#"describe svc kubernetes"#,
        r#"Name:                     kubernetes
Namespace:                default
Labels:                   component=apiserver
                          provider=kubernetes
Annotations:              <none>
Selector:                 <none>
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.1
IPs:                      <none>
Port:                     https  443/TCP
TargetPort:               6443/TCP
Endpoints:                <none>
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"#,
    ),
    (
        r#"describe pdb web"#,
        r#"Name:           web
Namespace:      default
Min available:  1
Selector:       app=web
Status:
    Allowed disruptions:  1
    Current:              2
    Desired:              1
    Total:                2
Events:                   <none>
"#,
    ),
    (
        r#"describe hpa web"#,
        r#"Name:                                                  web
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Thu, 01 Jan 2026 00:00:00 +0000
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  <unknown> / 70%
Min replicas:                                          2
Max replicas:                                          5
Deployment pods:                                       0 current / 0 desired
Events:                                                <none>
"#,
    ),
    (
        r#"describe cm app-config"#,
        r#"Name:         app-config
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
mode:
----
production

settings.ini:
----
[server]
port=8080



BinaryData
====

Events:  <none>
"#,
    ),
    (
        r#"describe secret app-secret"#,
        r#"Name:         app-secret
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  7 bytes
user:      5 bytes
"#,
    ),
    (
        r#"describe ns team"#,
        r#"Name:         team
Labels:       owner=alice
Annotations:  <none>
Status:       Active

Resource Quotas
  Name:     compute
  Resource  Used  Hard
  --------  ---   ---

Resource Limits
 Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
 ----       --------  ---  ---  ---------------  -------------  -----------------------
 Container  cpu       -    2    100m             500m           -
 Container  memory    -    -    128Mi            256Mi          -
"#,
    ),
    (
        r#"describe ns default"#,
        r#"Name:         default
Labels:       <none>
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"#,
    ),
    (
        r#"describe quota compute -n team"#,
        r#"Name:       compute
Namespace:  team
Resource    Used  Hard
--------    ----  ----
"#,
    ),
    (
        r#"describe limits limits -n team"#,
        r#"Name:       limits
Namespace:  team
Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
----        --------  ---  ---  ---------------  -------------  -----------------------
Container   cpu       -    2    100m             500m           -
Container   memory    -    -    128Mi            256Mi          -
"#,
    ),
    (
        r#"describe pvc data"#,
        r#"Name:          data
Namespace:     default
StorageClass:  manual
Status:        Pending
Volume:        
Labels:        <none>
Annotations:   <none>
Finalizers:    []
Capacity:      
Access Modes:  
VolumeMode:    Filesystem
Used By:       db-0
Events:        <none>
"#,
    ),
    (
        r#"describe pv pv1"#,
        r#"Name:            pv1
Labels:          <none>
Annotations:     <none>
Finalizers:      []
StorageClass:    manual
Status:          Pending
Claim:           
Reclaim Policy:  Retain
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        10Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /data/pv1
    HostPathType:  <none>
Events:            <none>
"#,
    ),
    (
        r#"describe pc high"#,
        r#"Name:              high
Value:             100000
GlobalDefault:     false
PreemptionPolicy:  PreemptLowerPriority
Description:       For critical workloads.
Annotations:       kubectl.kubernetes.io/last-applied-configuration={"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"high"},"value":100000,"description":"For critical workloads."}
Events:            <none>
"#,
    ),
    (
        r#"describe pc system-node-critical"#,
        r#"Name:              system-node-critical
Value:             2000001000
GlobalDefault:     false
PreemptionPolicy:  PreemptLowerPriority
Description:       Used for system critical pods that must not be moved from their current node.
Annotations:       <none>
Events:            <none>
"#,
    ),
    (
        r#"describe controllerrevision agent-59f8c77f67"#,
        r#"Name:         agent-59f8c77f67
Namespace:    default
Labels:       app=agent
              controller-revision-hash=59f8c77f67
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Metadata:
        Labels:
          App:  agent
      Spec:
        Containers:
          Command:
            sh
            -c
            sleep 3600
          Image:              busybox:1.36
          Image Pull Policy:  IfNotPresent
          Name:               agent
          Resources:
          Termination Message Path:    /dev/termination-log
          Termination Message Policy:  File
        Dns Policy:                    ClusterFirst
        Enable Service Links:          true
        Restart Policy:                Always
        Scheduler Name:                default-scheduler
        Security Context:
        Termination Grace Period Seconds:  30
Kind:                                      ControllerRevision
Metadata:
  Creation Timestamp:  2026-01-01T00:00:00Z
  Generation:          1
  Owner References:
    API Version:           apps/v1
    Block Owner Deletion:  true
    Controller:            true
    Kind:                  DaemonSet
    Name:                  agent
    UID:                   94eb6a77-a00e-4b2e-be19-490dbfd221a4
  Resource Version:        60
  UID:                     9644e15b-5d0a-4b54-a235-ca3fdaeca1a7
Revision:                  1
Events:                    <none>
"#,
    ),
    (
        r#"describe sa builder"#,
        r#"Name:                builder
Namespace:           default
Labels:              team=ci
Annotations:         <none>
Image pull secrets:  registry (not found)
Mountable secrets:   builder-token
                     gone (not found)
Tokens:              builder-token
Events:              <none>
"#,
    ),
    (
        r#"describe sa default"#,
        r#"Name:                default
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  <none>
Mountable secrets:   <none>
Tokens:              <none>
Events:              <none>
"#,
    ),
    (
        r#"describe ep web"#,
        r#"Name:         web
Namespace:    default
Labels:       app=web
Annotations:  <none>
Subsets:
  Addresses:          10.244.0.4,10.244.0.5
  NotReadyAddresses:  10.244.0.9
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  8080  TCP
    metrics  9090  TCP

Events:  <none>
"#,
    ),
    (
        r#"describe endpointslice web-abcde"#,
        r#"Name:         web-abcde
Namespace:    default
Labels:       kubernetes.io/service-name=web
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  8080  TCP
Endpoints:
  - Addresses:  10.244.0.4
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/web-7d8cb84c8-c942v
    NodeName:   n1
    Zone:       <unset>
  - Addresses:  10.244.0.5
    Conditions:
      Ready:   false
    Hostname:  h5
    NodeName:  <unset>
    Zone:      a
Events:        <none>
"#,
    ),
    (
        r#"describe sc fast"#,
        r#"Name:                  fast
IsDefaultClass:        Yes
Annotations:           storageclass.kubernetes.io/is-default-class=true
Provisioner:           kubernetes.io/no-provisioner
Parameters:            iops=100,type=ssd
AllowVolumeExpansion:  True
MountOptions:
  noatime
  nodiratime
ReclaimPolicy:      Delete
VolumeBindingMode:  WaitForFirstConsumer
Events:             <none>
"#,
    ),
    (
        r#"describe role reader"#,
        r#"Name:         reader
Labels:       <none>
Annotations:  <none>
PolicyRule:
  Resources         Non-Resource URLs  Resource Names  Verbs
  ---------         -----------------  --------------  -----
  pods              []                 []              [get list watch delete]
  pods/log          []                 []              [get list watch]
  deployments.apps  []                 [db]            [get]
  deployments.apps  []                 [web]           [get]
"#,
    ),
    (
        r#"describe clusterrole viewer"#,
        r#"Name:         viewer
Labels:       rbac.example.com/aggregate=true
Annotations:  <none>
PolicyRule:
  Resources               Non-Resource URLs  Resource Names  Verbs
  ---------               -----------------  --------------  -----
  configmaps              []                 []              [get list]
  deployments/scale       []                 []              [get list]
  configmaps.apps         []                 []              [get list]
  deployments.apps/scale  []                 []              [get list]
                          [/healthz]         []              [get]
                          [/version]         []              [get]
"#,
    ),
    (
        r#"describe rolebinding read-pods"#,
        r#"Name:         read-pods
Labels:       <none>
Annotations:  <none>
Role:
  Kind:  Role
  Name:  reader
Subjects:
  Kind            Name     Namespace
  ----            ----     ---------
  User            jane     
  ServiceAccount  builder  default
"#,
    ),
    (
        r#"describe clusterrolebinding view-all"#,
        r#"Name:         view-all
Labels:       <none>
Annotations:  <none>
Role:
  Kind:  ClusterRole
  Name:  viewer
Subjects:
  Kind   Name  Namespace
  ----   ----  ---------
  Group  devs  
"#,
    ),
];

#[test]
fn describes_as_kubectl_does() {
    let (objects, now) = fixture();
    for (line, want) in DESCRIBE {
        assert_eq!(describe_line(&objects, now, line), *want, "kubectl {line}");
    }
}

/// The networking, CSINode and custom-resource fixture (`testdata/network.json`: an Ingress
/// with TLS, rules, service and resource backends, IngressClasses, the NetworkPolicy of the
/// Kubernetes docs and two default-deny ones, CSINodes, a CRD and one of its objects) and
/// what real kubectl v1.32.4 printed for each line, reading the objects from an API server.
const DESCRIBE_NETWORK: &[(&str, &str)] = &[
    (
        r#"describe ingress web"#,
        r#"Name:             web
Labels:           app=web
Namespace:        default
Address:          203.0.113.1,203.0.113.9,lb.example.com
Ingress Class:    nginx
Default backend:  web:80 (10.244.0.4:8080,10.244.0.5:8080)
TLS:
  tls-a terminates a.example.com,www.example.com
  SNI routes b.example.com
Rules:
  Host           Path  Backends
  ----           ----  --------
  a.example.com  
                 /         web:80 (10.244.0.4:8080,10.244.0.5:8080)
                 /api      api:http (<none>)
                 /gone     gone:81 (<error: services "gone" not found>)
                 /static   APIGroup: k8s.example.com, Kind: StorageBucket, Name: static-assets
  *              
                 /   web:80 (10.244.0.4:8080,10.244.0.5:8080)
Annotations:     nginx.ingress.kubernetes.io/rewrite-target: /
Events:
  Type    Reason  Age   From                      Message
  ----    ------  ----  ----                      -------
  Normal  Sync    60s   nginx-ingress-controller  Scheduled for sync
"#,
    ),
    (
        r#"describe ingress bare"#,
        r#"Name:             bare
Labels:           <none>
Namespace:        default
Address:          
Ingress Class:    <none>
Default backend:  <default>
Rules:
  Host        Path  Backends
  ----        ----  --------
  *           *     <default>
Annotations:  <none>
Events:       <none>
"#,
    ),
    (
        r#"describe ingressclass nginx"#,
        r#"Name:         nginx
Labels:       app.kubernetes.io/component=controller
Annotations:  ingressclass.kubernetes.io/is-default-class: true
Controller:   k8s.io/ingress-nginx
Parameters:
  APIGroup:  k8s.example.com
  Kind:      IngressParameters
  Name:      external-lb
Events:      <none>
"#,
    ),
    (
        r#"describe ingressclass plain"#,
        r#"Name:         plain
Labels:       <none>
Annotations:  <none>
Controller:   example.com/ingress
Events:       <none>
"#,
    ),
    (
        r#"describe netpol test-network-policy"#,
        r#"Name:         test-network-policy
Namespace:    default
Created on:   2026-01-01 00:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     role=db
  Allowing ingress traffic:
    To Port: 6379/TCP
    To Port: metrics/TCP
    From:
      IPBlock:
        CIDR: 172.17.0.0/16
        Except: 172.17.1.0/24, 172.17.2.0/24
    From:
      NamespaceSelector: project=myproject
    From:
      PodSelector: role=frontend
    From:
      NamespaceSelector: team=a
      PodSelector: tier in (api,web)
    ----------
    To Port: <any> (traffic allowed to all ports)
    From: <any> (traffic not restricted by source)
  Allowing egress traffic:
    To Port Range: 32000-32768/TCP
    To:
      IPBlock:
        CIDR: 10.0.0.0/24
        Except: 
  Policy Types: Ingress, Egress
"#,
    ),
    (
        r#"describe netpol default-deny"#,
        r#"Name:         default-deny
Namespace:    default
Created on:   2026-01-01 00:00:00 +0000 UTC
Labels:       team=sec
Annotations:  <none>
Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    <none> (Selected pods are isolated for ingress connectivity)
  Not affecting egress traffic
  Policy Types: Ingress
"#,
    ),
    (
        r#"describe netpol deny-egress"#,
        r#"Name:         deny-egress
Namespace:    default
Created on:   2026-01-01 00:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Not affecting ingress traffic
  Allowing egress traffic:
    <none> (Selected pods are isolated for egress connectivity)
  Policy Types: Egress
"#,
    ),
    (
        r#"describe csinode n1"#,
        r#"Name:               n1
Labels:             <none>
Annotations:        <none>
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Spec:
  Drivers:
    ebs.csi.aws.com:
      Node ID:  i-0123456789
      Allocatables:
        Count:        25
      Topology Keys:  [topology.ebs.csi.aws.com/zone kubernetes.io/os]
    hostpath.csi.k8s.io:
      Node ID:  n1
Events:
  Type    Reason      Age                From  Message
  ----    ------      ----               ----  -------
  Normal  Registered  30s (x2 over 80s)  csi   driver registered
"#,
    ),
    (
        r#"describe csinode n2"#,
        r#"Name:               n2
Labels:             <none>
Annotations:        <none>
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Spec:
  Drivers:
Events:  <none>
"#,
    ),
    (
        r#"describe crontab my-new-cron-object"#,
        r#"Name:         my-new-cron-object
Namespace:    default
Labels:       app=cron
Annotations:  note: hello
API Version:  stable.example.com/v1
Kind:         CronTab
Metadata:
  Creation Timestamp:  2026-01-01T00:00:00Z
  Generation:          1
  Resource Version:    2
  UID:                 u-ct
Spec:
  Cron Spec:  * * * * */5
  Empty:
  Image:  my-awesome-cron-image
  Items:
    Name:   one
    Value:  1
    Name:   two
  Nested:
    Deep Key:
      Enabled:  true
      X:        1.5
  Nothing:      <nil>
  Replicas:     3
  Tags:
    a
    b
Events:  <none>
"#,
    ),
    (
        r#"describe crd crontabs.stable.example.com"#,
        r#"Name:         crontabs.stable.example.com
Namespace:    
Labels:       <none>
Annotations:  <none>
API Version:  apiextensions.k8s.io/v1
Kind:         CustomResourceDefinition
Metadata:
  Creation Timestamp:  2026-01-01T00:00:00Z
  Generation:          1
  Resource Version:    1
  UID:                 u-crd
Spec:
  Conversion:
    Strategy:  None
  Group:       stable.example.com
  Names:
    Kind:       CronTab
    List Kind:  CronTabList
    Plural:     crontabs
    Short Names:
      ct
    Singular:  crontab
  Scope:       Namespaced
  Versions:
    Name:  v1
    Schema:
      openAPIV3Schema:
        Properties:
          Spec:
            Properties:
              Cron Spec:
                Type:  string
              Image:
                Type:  string
              Replicas:
                Type:  integer
            Type:      object
        Type:          object
    Served:            true
    Storage:           true
Status:
  Accepted Names:
    Kind:       CronTab
    List Kind:  CronTabList
    Plural:     crontabs
    Short Names:
      ct
    Singular:  crontab
  Conditions:
    Last Transition Time:  2026-01-01T00:00:00Z
    Message:               no conflicts found
    Reason:                NoConflicts
    Status:                True
    Type:                  NamesAccepted
    Last Transition Time:  2026-01-01T00:00:00Z
    Message:               the initial names have been accepted
    Reason:                InitialNamesAccepted
    Status:                True
    Type:                  Established
  Stored Versions:
    v1
Events:  <none>
"#,
    ),
];

#[test]
fn describes_networking_storage_and_custom_objects_as_kubectl_does() {
    let doc: Value =
        serde_json::from_str(include_str!("testdata/network.json")).unwrap_or_default();
    let objects = doc["objects"]
        .as_array()
        .map(|a| a.to_vec())
        .unwrap_or_default();
    let now = doc["now"].as_i64().unwrap_or(0);
    for (line, want) in DESCRIBE_NETWORK {
        let words: Vec<&str> = line.split_whitespace().collect();
        let got = if super::resources::resolve_type(words[1]).is_ok() {
            describe_line(&objects, now, line)
        } else {
            // A custom kind: kubectl's genericDescriber.
            let obj = objects
                .iter()
                .find(|o| object::name(o) == words[2])
                .unwrap_or_else(|| panic!("{line}: not in the fixture"));
            let source = Fixture(objects.clone());
            let env = Env {
                source: &source,
                now,
                show_events: true,
            };
            super::generic::describe(&env, obj)
        };
        assert_eq!(got, *want, "kubectl {line}");
    }
}
