//! Golden tests of whole command lines. The tables below were made by running each line
//! through real kubectl v1.32.4 against an API server serving the objects the test sets up
//! (so every expected text is kubectl's own output); the tests run the same lines here.
//! The other tests check behaviour kubectl's source defines and no table shows: tables of
//! several kinds, `No resources found`, exports that apply back.
use crate::control_plane::{ControlPlane, Options};

/// One command line and what kubectl printed for it.
struct Golden {
    line: &'static str,
    stdin: &'static str,
    stdout: &'static str,
    stderr: &'static str,
    exit: i32,
}

fn control_plane() -> ControlPlane {
    ControlPlane::new(Options::default()).expect("a control plane")
}

/// Runs each line on a fresh control plane holding `setup`, comparing all of its output.
fn check(table: &[Golden], setup: &str) {
    for g in table {
        let mut cp = control_plane();
        if !setup.is_empty() {
            let out = super::run(&mut cp, "apply -f -", setup);
            assert_eq!(out.exit_code, 0, "setup: {}", out.stderr);
        }
        let out = super::run(&mut cp, g.line, g.stdin);
        assert_eq!(out.stdout, g.stdout, "stdout of kubectl {}", g.line);
        assert_eq!(out.stderr, g.stderr, "stderr of kubectl {}", g.line);
        assert_eq!(out.exit_code, g.exit, "exit code of kubectl {}", g.line);
    }
}

#[test]
fn generators_output_formats_and_usage_errors_match_kubectl() {
    check(GENERATORS, "");
}

#[test]
fn explain_matches_kubectl() {
    check(EXPLAIN, "");
}

#[test]
fn label_annotate_and_taint_match_kubectl() {
    check(MUTATIONS, MUTATIONS_SETUP);
}

#[test]
fn apply_and_create_from_stdin_match_kubectl() {
    check(APPLY, "");
}

/// Runs a line, returning (stdout, stderr, exit code).
fn run(cp: &mut ControlPlane, line: &str, stdin: &str) -> (String, String, i32) {
    let out = super::run(cp, line, stdin);
    (out.stdout, out.stderr, out.exit_code)
}

const CONFIGS: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: {app: x}}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {k: v, l: w}
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: team}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
type: Opaque
data: {k: dg==}
";

/// get.go: one table per type with a blank line between them, `kind.group/name` names when
/// several types print, `NAMESPACE` first with `-A`, `-L`/`--show-labels` columns last;
/// printers.go `printConfigMap` (NAME DATA AGE) and `printSecret` (NAME TYPE DATA AGE).
#[test]
fn get_tables_of_several_kinds() {
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", CONFIGS);
    cp.advance(90.0).unwrap();
    assert_eq!(
        run(&mut cp, "get cm", ""),
        (
            // The root CA publisher's ConfigMap is in every namespace, as in a real cluster.
            "NAME               DATA   AGE\na                  1      90s\nb                  2      90s\nkube-root-ca.crt   1      90s\n".into(),
            String::new(),
            0
        )
    );
    let (out, _, _) = run(&mut cp, "get cm,secret -L app", "");
    assert_eq!(
        out,
        "NAME                         DATA   AGE   APP\nconfigmap/a                  1      90s   x\nconfigmap/b                  2      90s   \nconfigmap/kube-root-ca.crt   1      90s   \n\nNAME       TYPE     DATA   AGE   APP\nsecret/s   Opaque   1      90s   \n"
    );
    let (out, _, _) = run(&mut cp, "get cm -A --show-labels -l app=x", "");
    assert_eq!(
        out,
        "NAMESPACE   NAME   DATA   AGE   LABELS\ndefault     a      1      90s   app=x\n"
    );
    let (out, _, _) = run(&mut cp, "get cm a b --no-headers", "");
    assert_eq!(out, "a     1     90s\nb     2     90s\n");
}

/// get.go: nothing printed and no error → `No resources found in <ns> namespace.` (every
/// type namespaced) or `No resources found`, on stderr, exit 0; NotFound names are errors.
#[test]
fn get_says_no_resources_found() {
    let mut cp = control_plane();
    assert_eq!(
        run(&mut cp, "get deploy -n team", ""),
        (
            String::new(),
            "No resources found in team namespace.\n".into(),
            0
        )
    );
    assert_eq!(
        run(&mut cp, "get pv", ""),
        (String::new(), "No resources found\n".into(), 0)
    );
    assert_eq!(
        run(&mut cp, "get deploy,pv", ""),
        (String::new(), "No resources found\n".into(), 0)
    );
    assert_eq!(
        run(&mut cp, "get deploy web", ""),
        (
            String::new(),
            "Error from server (NotFound): deployments.apps \"web\" not found\n".into(),
            1
        )
    );
    assert_eq!(
        run(&mut cp, "get deploy web --ignore-not-found", ""),
        (String::new(), String::new(), 0)
    );
}

/// delete.go: `configmap "a" deleted` for each object, NotFound errors after, exit 1;
/// `No resources found` on stdout when a selector matches nothing.
#[test]
fn delete_reports_each_object_and_the_missing_ones() {
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", CONFIGS);
    assert_eq!(
        run(&mut cp, "delete cm a nope b", ""),
        (
            "configmap \"a\" deleted\nconfigmap \"b\" deleted\n".into(),
            "Error from server (NotFound): configmaps \"nope\" not found\n".into(),
            1
        )
    );
    assert_eq!(
        run(&mut cp, "delete cm -l app=x", ""),
        ("No resources found\n".into(), String::new(), 0)
    );
}

/// `-o yaml` of several objects is a `kind: List` (get.go, printers.go) with an empty
/// `resourceVersion`; of one named object, the object itself.
#[test]
fn yaml_of_a_list() {
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", CONFIGS);
    let (out, _, _) = run(&mut cp, "get cm c -n team -o yaml", "");
    assert!(
        out.starts_with("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"),
        "{out}"
    );
    let (out, _, _) = run(&mut cp, "get cm -n team -o yaml", "");
    assert!(
        out.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n"),
        "{out}"
    );
    assert!(
        out.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"),
        "{out}"
    );
}

/// An object printed with `get -o yaml` applies back without changing its content.
#[test]
fn get_yaml_applies_back_unchanged() {
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", CONFIGS);
    run(
        &mut cp,
        "create deployment web --image=nginx --replicas=2",
        "",
    );
    cp.advance(30.0).unwrap();
    let parse = |text: &str| {
        crate::server::decode::decode(text)
            .expect("YAML")
            .remove(0)
            .object
    };
    for line in [
        "get cm a -o yaml",
        "get deploy web -o yaml",
        "get secret s -o yaml",
        "get ns team -o yaml",
    ] {
        let (before, _, _) = run(&mut cp, line, "");
        let (_, err, code) = run(&mut cp, "apply -f -", &before);
        assert_eq!(code, 0, "apply of {line}: {err}");
        let (after, _, _) = run(&mut cp, line, "");
        let (before, after) = (parse(&before), parse(&after));
        for field in ["spec", "data", "type"] {
            assert_eq!(after.get(field), before.get(field), "{line}: {field}");
        }
        assert_eq!(
            after["metadata"]["labels"], before["metadata"]["labels"],
            "{line}"
        );
        assert_eq!(
            after["metadata"]["uid"], before["metadata"]["uid"],
            "{line}"
        );
    }
    // The Deployment's pod-template-hash depends on the template's content, not its key order:
    // applying the sorted export rolls out nothing.
    cp.advance(30.0).unwrap();
    let (rs, _, _) = run(&mut cp, "get rs -o name", "");
    assert_eq!(rs.lines().count(), 1, "{rs}");
    let (rev, _, _) = run(
        &mut cp,
        r"get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'",
        "",
    );
    assert_eq!(rev, "1");
}

/// A `get … -A -o yaml` export of one control plane rebuilds the same workloads in another.
#[test]
fn export_rebuilds_the_cluster() {
    let node = "apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}
";
    let mut a = control_plane();
    run(&mut a, "apply -f -", node);
    run(&mut a, "apply -f -", CONFIGS);
    run(
        &mut a,
        "create deployment web --image=nginx --replicas=3",
        "",
    );
    run(&mut a, "expose deployment web --port=80", "");
    a.advance(60.0).unwrap();
    // Each control plane publishes its own `kube-root-ca.crt` in every namespace: an exported
    // one carries a resourceVersion the other's does not have, which `apply` refuses with a
    // 409 Conflict as kube-apiserver does. Leave them out, as one would in a real cluster.
    let (export, _, code) = run(&mut a, "get ns,secret,deploy,svc -A -o yaml", "");
    assert_eq!(code, 0);
    let (configs, _, _) = run(
        &mut a,
        "get cm -A -o yaml --field-selector=metadata.name!=kube-root-ca.crt",
        "",
    );
    let export = format!("{export}---\n{configs}");
    let mut b = control_plane();
    run(&mut b, "apply -f -", node);
    let (_, err, code) = run(&mut b, "apply -f -", &export);
    // Objects created otherwise than by apply get apply.go's warning, nothing else.
    assert_eq!(code, 0, "{err}");
    assert!(
        err.lines().all(|l| l.starts_with("Warning: resource ")
            && l.ends_with("The missing annotation will be patched automatically.")),
        "{err}"
    );
    b.advance(60.0).unwrap();
    for line in [
        "get deploy -A --no-headers",
        "get cm -A -o name",
        "get secret s -o jsonpath={.data}",
        "get svc web -o jsonpath={.spec.clusterIP}",
        "get ns -o name",
    ] {
        assert_eq!(run(&mut b, line, "").0, run(&mut a, line, "").0, "{line}");
    }
    let pods = |cp: &mut ControlPlane| {
        run(cp, "get pods -l app=web --no-headers", "")
            .0
            .lines()
            .count()
    };
    assert_eq!((pods(&mut a), pods(&mut b)), (3, 3));
}

/// `get … -o yaml|json|jsonpath|go-template` of objects kubectl got from a server: each line
/// and what real kubectl v1.32.4 printed for the describe fixture's objects
/// (`describe/testdata/cluster.json`, served by an API server).
const FORMATS: &[(&str, &str)] = &[
    (
        r#"get pod db-0 -o yaml"#,
        r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 1
  labels:
    app: db
    apps.kubernetes.io/pod-index: "0"
    controller-revision-hash: db-5746b55cd4
    statefulset.kubernetes.io/pod-name: db-0
  name: db-0
  namespace: default
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: StatefulSet
    name: db
    uid: 00bcf5f3-8ab6-4fe9-8163-98fd1538acdd
  resourceVersion: "81"
  uid: 68524744-9d0d-42ef-a48d-5c8c364fb1dd
spec:
  containers:
  - image: postgres:16
    imagePullPolicy: IfNotPresent
    name: db
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/lib/postgresql
      name: data
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  hostname: db-0
  nodeName: n2
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  subdomain: db
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoSchedule
    key: dedicated
    operator: Equal
    value: db
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2026-01-01T00:00:00Z"
    status: "True"
    type: PodScheduled
  - lastProbeTime: null
    lastTransitionTime: "2026-01-01T00:00:01Z"
    status: "True"
    type: PodReadyToStartContainers
  - lastProbeTime: null
    lastTransitionTime: "2026-01-01T00:00:00Z"
    status: "True"
    type: Initialized
  - lastProbeTime: null
    lastTransitionTime: "2026-01-01T00:00:01Z"
    status: "True"
    type: ContainersReady
  - lastProbeTime: null
    lastTransitionTime: "2026-01-01T00:00:01Z"
    status: "True"
    type: Ready
  containerStatuses:
  - containerID: containerd://32bc735df685e7dd6ab56a67ab885a8c31624218583e9287ce0e5a59490658ae
    image: docker.io/library/postgres:16
    imageID: docker.io/library/postgres@sha256:305a4f0b2235d15ab0e6a21e2a91803fc5174f7401ec181488bc122c9fdc3df1
    lastState: {}
    name: db
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2026-01-01T00:00:01Z"
  hostIP: 10.0.0.3
  hostIPs:
  - ip: 10.0.0.3
  phase: Running
  podIP: 10.244.1.2
  podIPs:
  - ip: 10.244.1.2
  qosClass: BestEffort
  startTime: "2026-01-01T00:00:00Z"
"#,
    ),
    (
        r#"get deploy web -o yaml"#,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":8080,"name":"http"}],"env":[{"name":"MODE","value":"production"}],"resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},"readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":5},"volumeMounts":[{"name":"config","mountPath":"/etc/app"}]}],"volumes":[{"name":"config","configMap":{"name":"app-config"}}]}}}}'
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "102"
  uid: e8c93d84-ee8b-4f8c-91b4-2120a323f2d6
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - env:
        - name: MODE
          value: production
        image: nginx:1.27
        imagePullPolicy: IfNotPresent
        name: web
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
        readinessProbe:
          failureThreshold: 3
          httpGet:
            path: /healthz
            port: 8080
          periodSeconds: 5
          successThreshold: 1
          timeoutSeconds: 1
        resources:
          limits:
            cpu: 500m
            memory: 128Mi
          requests:
            cpu: 250m
            memory: 64Mi
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /etc/app
          name: config
      dnsPolicy: ClusterFirst
      enableServiceLinks: true
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
      volumes:
      - configMap:
          name: app-config
        name: config
status:
  availableReplicas: 2
  conditions:
  - lastTransitionTime: "2026-01-01T00:00:01Z"
    lastUpdateTime: "2026-01-01T00:00:01Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  - lastTransitionTime: "2026-01-01T00:00:00Z"
    lastUpdateTime: "2026-01-01T00:00:01Z"
    message: ReplicaSet "web-7d8cb84c8" has successfully progressed.
    reason: NewReplicaSetAvailable
    status: "True"
    type: Progressing
  observedGeneration: 1
  readyReplicas: 2
  replicas: 2
  updatedReplicas: 2
"#,
    ),
    (
        r#"get node n1 -o yaml"#,
        r#"apiVersion: v1
kind: Node
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"node-role.kubernetes.io/worker":"","topology.kubernetes.io/zone":"a"}},"status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110","ephemeral-storage":"100Gi"}}}'
  creationTimestamp: "2026-01-01T00:00:00Z"
  labels:
    node-role.kubernetes.io/worker: ""
    topology.kubernetes.io/zone: a
  name: n1
  resourceVersion: "15"
  uid: 7efdaa95-605d-4c9c-8bde-97c0a78eaab8
spec:
  podCIDR: 10.244.0.0/24
  podCIDRs:
  - 10.244.0.0/24
status:
  addresses:
  - address: 10.0.0.2
    type: InternalIP
  - address: n1
    type: Hostname
  allocatable:
    cpu: "4"
    ephemeral-storage: 100Gi
    memory: 8Gi
    pods: "110"
  capacity:
    cpu: "4"
    ephemeral-storage: 100Gi
    memory: 8Gi
    pods: "110"
  conditions:
  - lastHeartbeatTime: "2026-01-01T00:00:00Z"
    lastTransitionTime: "2026-01-01T00:00:00Z"
    message: kubelet has sufficient memory available
    reason: KubeletHasSufficientMemory
    status: "False"
    type: MemoryPressure
  - lastHeartbeatTime: "2026-01-01T00:00:00Z"
    lastTransitionTime: "2026-01-01T00:00:00Z"
    message: kubelet has no disk pressure
    reason: KubeletHasNoDiskPressure
    status: "False"
    type: DiskPressure
  - lastHeartbeatTime: "2026-01-01T00:00:00Z"
    lastTransitionTime: "2026-01-01T00:00:00Z"
    message: kubelet has sufficient PID available
    reason: KubeletHasSufficientPID
    status: "False"
    type: PIDPressure
  - lastHeartbeatTime: "2026-01-01T00:00:00Z"
    lastTransitionTime: "2026-01-01T00:00:00Z"
    message: kubelet is posting ready status
    reason: KubeletReady
    status: "True"
    type: Ready
  nodeInfo:
    architecture: amd64
    bootID: ""
    containerRuntimeVersion: containerd://2.1.0
    kernelVersion: 6.8.0-kplane
    kubeProxyVersion: ""
    kubeletVersion: v1.34.0
    machineID: ""
    operatingSystem: linux
    osImage: kplane simulated node
    systemUUID: ""
"#,
    ),
    (
        r#"get svc web -o json"#,
        r#"{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "generation": 1,
        "labels": {
            "app": "web"
        },
        "name": "web",
        "namespace": "default",
        "resourceVersion": "76",
        "uid": "ade85410-4ecd-4600-a892-4c68f96b97ba"
    },
    "spec": {
        "clusterIP": "10.110.164.50",
        "clusterIPs": [
            "10.110.164.50"
        ],
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": [
            "IPv4"
        ],
        "ipFamilyPolicy": "SingleStack",
        "ports": [
            {
                "port": 80,
                "protocol": "TCP",
                "targetPort": 8080
            }
        ],
        "selector": {
            "app": "web"
        },
        "sessionAffinity": "None",
        "type": "ClusterIP"
    }
}
"#,
    ),
    (
        r#"get cm app-config -o yaml"#,
        r#"apiVersion: v1
data:
  mode: production
  settings.ini: |
    [server]
    port=8080
kind: ConfigMap
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"default"},"data":{"mode":"production","settings.ini":"[server]\nport=8080\n"}}'
  creationTimestamp: "2026-01-01T00:00:00Z"
  name: app-config
  namespace: default
  resourceVersion: "27"
  uid: b6fa6c4b-a1d3-439e-a5b9-32b656c2edc3
"#,
    ),
    (
        r#"get secret app-secret -o json"#,
        r#"{
    "apiVersion": "v1",
    "data": {
        "password": "aHVudGVyMg==",
        "user": "YWRtaW4="
    },
    "kind": "Secret",
    "metadata": {
        "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"app-secret\",\"namespace\":\"default\"},\"type\":\"Opaque\",\"data\":{\"password\":\"aHVudGVyMg==\",\"user\":\"YWRtaW4=\"}}"
        },
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "name": "app-secret",
        "namespace": "default",
        "resourceVersion": "28",
        "uid": "09cf0b61-2161-4c9f-a14e-25d57fc636d5"
    },
    "type": "Opaque"
}
"#,
    ),
    (
        r#"get hpa web -o yaml"#,
        r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"default"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}}'
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 1
  name: web
  namespace: default
  resourceVersion: "50"
  uid: a5ee146b-2461-4795-aaef-1049a5bb9b07
spec:
  maxReplicas: 5
  metrics:
  - resource:
      name: cpu
      target:
        averageUtilization: 70
        type: Utilization
    type: Resource
  minReplicas: 2
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
"#,
    ),
    (
        r#"get cj nightly -o yaml"#,
        r#"apiVersion: batch/v1
kind: CronJob
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"default"},"spec":{"schedule":"0
      2 * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"backup","image":"busybox:1.36"}]}}}}}}'
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 1
  name: nightly
  namespace: default
  resourceVersion: "75"
  uid: debf8d6c-cb4a-44db-a974-99be7e8fe7cb
spec:
  concurrencyPolicy: Allow
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: busybox:1.36
            name: backup
          restartPolicy: OnFailure
  schedule: 0 2 * * *
  successfulJobsHistoryLimit: 3
  suspend: false
status: {}
"#,
    ),
    (
        r#"get pods -o json"#,
        r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "generateName": "agent-",
                "generation": 1,
                "labels": {
                    "app": "agent",
                    "controller-revision-hash": "59f8c77f67"
                },
                "name": "agent-gfn5j",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "DaemonSet",
                        "name": "agent",
                        "uid": "94eb6a77-a00e-4b2e-be19-490dbfd221a4"
                    }
                ],
                "resourceVersion": "77",
                "uid": "134f43cf-382e-487a-b280-6c8d66cf621f"
            },
            "spec": {
                "affinity": {
                    "nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": {
                            "nodeSelectorTerms": [
                                {
                                    "matchFields": [
                                        {
                                            "key": "metadata.name",
                                            "operator": "In",
                                            "values": [
                                                "n1"
                                            ]
                                        }
                                    ]
                                }
                            ]
                        }
                    }
                },
                "containers": [
                    {
                        "command": [
                            "sh",
                            "-c",
                            "sleep 3600"
                        ],
                        "image": "busybox:1.36",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "agent",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": "n1",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists"
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists"
                    },
                    {
                        "effect": "NoSchedule",
                        "key": "node.kubernetes.io/disk-pressure",
                        "operator": "Exists"
                    },
                    {
                        "effect": "NoSchedule",
                        "key": "node.kubernetes.io/memory-pressure",
                        "operator": "Exists"
                    },
                    {
                        "effect": "NoSchedule",
                        "key": "node.kubernetes.io/pid-pressure",
                        "operator": "Exists"
                    },
                    {
                        "effect": "NoSchedule",
                        "key": "node.kubernetes.io/unschedulable",
                        "operator": "Exists"
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "PodScheduled"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "PodReadyToStartContainers"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "ContainersReady"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://5943754b3e83c8ab75b68e3150d7a8ccc7430f96bbf1321d8f5825490d5a7cce",
                        "image": "docker.io/library/busybox:1.36",
                        "imageID": "docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5",
                        "lastState": {},
                        "name": "agent",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-01-01T00:00:01Z"
                            }
                        }
                    }
                ],
                "hostIP": "10.0.0.2",
                "hostIPs": [
                    {
                        "ip": "10.0.0.2"
                    }
                ],
                "phase": "Running",
                "podIP": "10.244.0.2",
                "podIPs": [
                    {
                        "ip": "10.244.0.2"
                    }
                ],
                "qosClass": "BestEffort",
                "startTime": "2026-01-01T00:00:00Z"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "generation": 1,
                "labels": {
                    "app": "db",
                    "apps.kubernetes.io/pod-index": "0",
                    "controller-revision-hash": "db-5746b55cd4",
                    "statefulset.kubernetes.io/pod-name": "db-0"
                },
                "name": "db-0",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "StatefulSet",
                        "name": "db",
                        "uid": "00bcf5f3-8ab6-4fe9-8163-98fd1538acdd"
                    }
                ],
                "resourceVersion": "81",
                "uid": "68524744-9d0d-42ef-a48d-5c8c364fb1dd"
            },
            "spec": {
                "containers": [
                    {
                        "image": "postgres:16",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "db",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {
                                "mountPath": "/var/lib/postgresql",
                                "name": "data"
                            }
                        ]
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "hostname": "db-0",
                "nodeName": "n2",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "subdomain": "db",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoSchedule",
                        "key": "dedicated",
                        "operator": "Equal",
                        "value": "db"
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    }
                ],
                "volumes": [
                    {
                        "name": "data",
                        "persistentVolumeClaim": {
                            "claimName": "data"
                        }
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "PodScheduled"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "PodReadyToStartContainers"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "ContainersReady"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://32bc735df685e7dd6ab56a67ab885a8c31624218583e9287ce0e5a59490658ae",
                        "image": "docker.io/library/postgres:16",
                        "imageID": "docker.io/library/postgres@sha256:305a4f0b2235d15ab0e6a21e2a91803fc5174f7401ec181488bc122c9fdc3df1",
                        "lastState": {},
                        "name": "db",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-01-01T00:00:01Z"
                            }
                        }
                    }
                ],
                "hostIP": "10.0.0.3",
                "hostIPs": [
                    {
                        "ip": "10.0.0.3"
                    }
                ],
                "phase": "Running",
                "podIP": "10.244.1.2",
                "podIPs": [
                    {
                        "ip": "10.244.1.2"
                    }
                ],
                "qosClass": "BestEffort",
                "startTime": "2026-01-01T00:00:00Z"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "finalizers": [
                    "batch.kubernetes.io/job-tracking"
                ],
                "generateName": "once-",
                "generation": 1,
                "labels": {
                    "batch.kubernetes.io/controller-uid": "514a55b2-ce7f-4982-8e0b-9ee39938c909",
                    "batch.kubernetes.io/job-name": "once",
                    "controller-uid": "514a55b2-ce7f-4982-8e0b-9ee39938c909",
                    "job-name": "once"
                },
                "name": "once-nn88j",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "batch/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "Job",
                        "name": "once",
                        "uid": "514a55b2-ce7f-4982-8e0b-9ee39938c909"
                    }
                ],
                "resourceVersion": "85",
                "uid": "dbed473e-4efa-48bb-89c9-bb8f88e373e4"
            },
            "spec": {
                "containers": [
                    {
                        "command": [
                            "sh",
                            "-c",
                            "echo done"
                        ],
                        "image": "busybox:1.36",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "once",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": "n1",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Never",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "PodScheduled"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "PodReadyToStartContainers"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "ContainersReady"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://af58ef94fd50043ef04eb945c605ab873d48d1dc6a05ffe0328be1869c4a8d31",
                        "image": "docker.io/library/busybox:1.36",
                        "imageID": "docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5",
                        "lastState": {},
                        "name": "once",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-01-01T00:00:01Z"
                            }
                        }
                    }
                ],
                "hostIP": "10.0.0.2",
                "hostIPs": [
                    {
                        "ip": "10.0.0.2"
                    }
                ],
                "phase": "Running",
                "podIP": "10.244.0.3",
                "podIPs": [
                    {
                        "ip": "10.244.0.3"
                    }
                ],
                "qosClass": "BestEffort",
                "startTime": "2026-01-01T00:00:00Z"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "generateName": "web-7d8cb84c8-",
                "generation": 1,
                "labels": {
                    "app": "web",
                    "pod-template-hash": "7d8cb84c8"
                },
                "name": "web-7d8cb84c8-c942v",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "ReplicaSet",
                        "name": "web-7d8cb84c8",
                        "uid": "a73a11d2-47ff-46b2-ae42-236958bba58c"
                    }
                ],
                "resourceVersion": "89",
                "uid": "8e00b050-a048-4404-b2ae-4545fe9d40f3"
            },
            "spec": {
                "containers": [
                    {
                        "env": [
                            {
                                "name": "MODE",
                                "value": "production"
                            }
                        ],
                        "image": "nginx:1.27",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "web",
                        "ports": [
                            {
                                "containerPort": 8080,
                                "name": "http",
                                "protocol": "TCP"
                            }
                        ],
                        "readinessProbe": {
                            "failureThreshold": 3,
                            "httpGet": {
                                "path": "/healthz",
                                "port": 8080
                            },
                            "periodSeconds": 5,
                            "successThreshold": 1,
                            "timeoutSeconds": 1
                        },
                        "resources": {
                            "limits": {
                                "cpu": "500m",
                                "memory": "128Mi"
                            },
                            "requests": {
                                "cpu": "250m",
                                "memory": "64Mi"
                            }
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {
                                "mountPath": "/etc/app",
                                "name": "config"
                            }
                        ]
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": "n1",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    }
                ],
                "volumes": [
                    {
                        "configMap": {
                            "name": "app-config"
                        },
                        "name": "config"
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "PodScheduled"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "PodReadyToStartContainers"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "ContainersReady"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://98e0efa17efa4233e01a2401ce01f868d73f206e9727ced94af564dd6b9d0126",
                        "image": "docker.io/library/nginx:1.27",
                        "imageID": "docker.io/library/nginx@sha256:b4512cd1563c5d14d5bff395b26935974d3ad9faee573e52c2db24788cd64bdd",
                        "lastState": {},
                        "name": "web",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-01-01T00:00:01Z"
                            }
                        }
                    }
                ],
                "hostIP": "10.0.0.2",
                "hostIPs": [
                    {
                        "ip": "10.0.0.2"
                    }
                ],
                "phase": "Running",
                "podIP": "10.244.0.4",
                "podIPs": [
                    {
                        "ip": "10.244.0.4"
                    }
                ],
                "qosClass": "Burstable",
                "startTime": "2026-01-01T00:00:00Z"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "generateName": "web-7d8cb84c8-",
                "generation": 1,
                "labels": {
                    "app": "web",
                    "pod-template-hash": "7d8cb84c8"
                },
                "name": "web-7d8cb84c8-gbqtm",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "ReplicaSet",
                        "name": "web-7d8cb84c8",
                        "uid": "a73a11d2-47ff-46b2-ae42-236958bba58c"
                    }
                ],
                "resourceVersion": "93",
                "uid": "70ebad38-2047-45c1-aae5-ca1448d4e9cc"
            },
            "spec": {
                "containers": [
                    {
                        "env": [
                            {
                                "name": "MODE",
                                "value": "production"
                            }
                        ],
                        "image": "nginx:1.27",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "web",
                        "ports": [
                            {
                                "containerPort": 8080,
                                "name": "http",
                                "protocol": "TCP"
                            }
                        ],
                        "readinessProbe": {
                            "failureThreshold": 3,
                            "httpGet": {
                                "path": "/healthz",
                                "port": 8080
                            },
                            "periodSeconds": 5,
                            "successThreshold": 1,
                            "timeoutSeconds": 1
                        },
                        "resources": {
                            "limits": {
                                "cpu": "500m",
                                "memory": "128Mi"
                            },
                            "requests": {
                                "cpu": "250m",
                                "memory": "64Mi"
                            }
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {
                                "mountPath": "/etc/app",
                                "name": "config"
                            }
                        ]
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": "n1",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    }
                ],
                "volumes": [
                    {
                        "configMap": {
                            "name": "app-config"
                        },
                        "name": "config"
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "PodScheduled"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "PodReadyToStartContainers"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "ContainersReady"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-01-01T00:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://eaea113d9c66d602fb2b82b5914e1779def373a6c6b3f354deaccb531732569b",
                        "image": "docker.io/library/nginx:1.27",
                        "imageID": "docker.io/library/nginx@sha256:b4512cd1563c5d14d5bff395b26935974d3ad9faee573e52c2db24788cd64bdd",
                        "lastState": {},
                        "name": "web",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-01-01T00:00:01Z"
                            }
                        }
                    }
                ],
                "hostIP": "10.0.0.2",
                "hostIPs": [
                    {
                        "ip": "10.0.0.2"
                    }
                ],
                "phase": "Running",
                "podIP": "10.244.0.5",
                "podIPs": [
                    {
                        "ip": "10.244.0.5"
                    }
                ],
                "qosClass": "Burstable",
                "startTime": "2026-01-01T00:00:00Z"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
"#,
    ),
    (
        r#"get pods -o yaml"#,
        r#"apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    generateName: agent-
    generation: 1
    labels:
      app: agent
      controller-revision-hash: 59f8c77f67
    name: agent-gfn5j
    namespace: default
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: DaemonSet
      name: agent
      uid: 94eb6a77-a00e-4b2e-be19-490dbfd221a4
    resourceVersion: "77"
    uid: 134f43cf-382e-487a-b280-6c8d66cf621f
  spec:
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchFields:
            - key: metadata.name
              operator: In
              values:
              - n1
    containers:
    - command:
      - sh
      - -c
      - sleep 3600
      image: busybox:1.36
      imagePullPolicy: IfNotPresent
      name: agent
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: n1
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
    - effect: NoSchedule
      key: node.kubernetes.io/disk-pressure
      operator: Exists
    - effect: NoSchedule
      key: node.kubernetes.io/memory-pressure
      operator: Exists
    - effect: NoSchedule
      key: node.kubernetes.io/pid-pressure
      operator: Exists
    - effect: NoSchedule
      key: node.kubernetes.io/unschedulable
      operator: Exists
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: PodReadyToStartContainers
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: Ready
    containerStatuses:
    - containerID: containerd://5943754b3e83c8ab75b68e3150d7a8ccc7430f96bbf1321d8f5825490d5a7cce
      image: docker.io/library/busybox:1.36
      imageID: docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5
      lastState: {}
      name: agent
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2026-01-01T00:00:01Z"
    hostIP: 10.0.0.2
    hostIPs:
    - ip: 10.0.0.2
    phase: Running
    podIP: 10.244.0.2
    podIPs:
    - ip: 10.244.0.2
    qosClass: BestEffort
    startTime: "2026-01-01T00:00:00Z"
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    generation: 1
    labels:
      app: db
      apps.kubernetes.io/pod-index: "0"
      controller-revision-hash: db-5746b55cd4
      statefulset.kubernetes.io/pod-name: db-0
    name: db-0
    namespace: default
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: StatefulSet
      name: db
      uid: 00bcf5f3-8ab6-4fe9-8163-98fd1538acdd
    resourceVersion: "81"
    uid: 68524744-9d0d-42ef-a48d-5c8c364fb1dd
  spec:
    containers:
    - image: postgres:16
      imagePullPolicy: IfNotPresent
      name: db
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
      - mountPath: /var/lib/postgresql
        name: data
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    hostname: db-0
    nodeName: n2
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    subdomain: db
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoSchedule
      key: dedicated
      operator: Equal
      value: db
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
      tolerationSeconds: 300
    volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: PodReadyToStartContainers
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: Ready
    containerStatuses:
    - containerID: containerd://32bc735df685e7dd6ab56a67ab885a8c31624218583e9287ce0e5a59490658ae
      image: docker.io/library/postgres:16
      imageID: docker.io/library/postgres@sha256:305a4f0b2235d15ab0e6a21e2a91803fc5174f7401ec181488bc122c9fdc3df1
      lastState: {}
      name: db
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2026-01-01T00:00:01Z"
    hostIP: 10.0.0.3
    hostIPs:
    - ip: 10.0.0.3
    phase: Running
    podIP: 10.244.1.2
    podIPs:
    - ip: 10.244.1.2
    qosClass: BestEffort
    startTime: "2026-01-01T00:00:00Z"
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    finalizers:
    - batch.kubernetes.io/job-tracking
    generateName: once-
    generation: 1
    labels:
      batch.kubernetes.io/controller-uid: 514a55b2-ce7f-4982-8e0b-9ee39938c909
      batch.kubernetes.io/job-name: once
      controller-uid: 514a55b2-ce7f-4982-8e0b-9ee39938c909
      job-name: once
    name: once-nn88j
    namespace: default
    ownerReferences:
    - apiVersion: batch/v1
      blockOwnerDeletion: true
      controller: true
      kind: Job
      name: once
      uid: 514a55b2-ce7f-4982-8e0b-9ee39938c909
    resourceVersion: "85"
    uid: dbed473e-4efa-48bb-89c9-bb8f88e373e4
  spec:
    containers:
    - command:
      - sh
      - -c
      - echo done
      image: busybox:1.36
      imagePullPolicy: IfNotPresent
      name: once
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: n1
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Never
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
      tolerationSeconds: 300
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: PodReadyToStartContainers
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: Ready
    containerStatuses:
    - containerID: containerd://af58ef94fd50043ef04eb945c605ab873d48d1dc6a05ffe0328be1869c4a8d31
      image: docker.io/library/busybox:1.36
      imageID: docker.io/library/busybox@sha256:7d32c0374be1123062e9dcb27335f6934e79d707708600d2209465a75903c0d5
      lastState: {}
      name: once
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2026-01-01T00:00:01Z"
    hostIP: 10.0.0.2
    hostIPs:
    - ip: 10.0.0.2
    phase: Running
    podIP: 10.244.0.3
    podIPs:
    - ip: 10.244.0.3
    qosClass: BestEffort
    startTime: "2026-01-01T00:00:00Z"
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    generateName: web-7d8cb84c8-
    generation: 1
    labels:
      app: web
      pod-template-hash: 7d8cb84c8
    name: web-7d8cb84c8-c942v
    namespace: default
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: ReplicaSet
      name: web-7d8cb84c8
      uid: a73a11d2-47ff-46b2-ae42-236958bba58c
    resourceVersion: "89"
    uid: 8e00b050-a048-4404-b2ae-4545fe9d40f3
  spec:
    containers:
    - env:
      - name: MODE
        value: production
      image: nginx:1.27
      imagePullPolicy: IfNotPresent
      name: web
      ports:
      - containerPort: 8080
        name: http
        protocol: TCP
      readinessProbe:
        failureThreshold: 3
        httpGet:
          path: /healthz
          port: 8080
        periodSeconds: 5
        successThreshold: 1
        timeoutSeconds: 1
      resources:
        limits:
          cpu: 500m
          memory: 128Mi
        requests:
          cpu: 250m
          memory: 64Mi
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
      - mountPath: /etc/app
        name: config
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: n1
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
      tolerationSeconds: 300
    volumes:
    - configMap:
        name: app-config
      name: config
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: PodReadyToStartContainers
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: Ready
    containerStatuses:
    - containerID: containerd://98e0efa17efa4233e01a2401ce01f868d73f206e9727ced94af564dd6b9d0126
      image: docker.io/library/nginx:1.27
      imageID: docker.io/library/nginx@sha256:b4512cd1563c5d14d5bff395b26935974d3ad9faee573e52c2db24788cd64bdd
      lastState: {}
      name: web
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2026-01-01T00:00:01Z"
    hostIP: 10.0.0.2
    hostIPs:
    - ip: 10.0.0.2
    phase: Running
    podIP: 10.244.0.4
    podIPs:
    - ip: 10.244.0.4
    qosClass: Burstable
    startTime: "2026-01-01T00:00:00Z"
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    generateName: web-7d8cb84c8-
    generation: 1
    labels:
      app: web
      pod-template-hash: 7d8cb84c8
    name: web-7d8cb84c8-gbqtm
    namespace: default
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: ReplicaSet
      name: web-7d8cb84c8
      uid: a73a11d2-47ff-46b2-ae42-236958bba58c
    resourceVersion: "93"
    uid: 70ebad38-2047-45c1-aae5-ca1448d4e9cc
  spec:
    containers:
    - env:
      - name: MODE
        value: production
      image: nginx:1.27
      imagePullPolicy: IfNotPresent
      name: web
      ports:
      - containerPort: 8080
        name: http
        protocol: TCP
      readinessProbe:
        failureThreshold: 3
        httpGet:
          path: /healthz
          port: 8080
        periodSeconds: 5
        successThreshold: 1
        timeoutSeconds: 1
      resources:
        limits:
          cpu: 500m
          memory: 128Mi
        requests:
          cpu: 250m
          memory: 64Mi
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
      - mountPath: /etc/app
        name: config
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: n1
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
      tolerationSeconds: 300
    volumes:
    - configMap:
        name: app-config
      name: config
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: PodReadyToStartContainers
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2026-01-01T00:00:01Z"
      status: "True"
      type: Ready
    containerStatuses:
    - containerID: containerd://eaea113d9c66d602fb2b82b5914e1779def373a6c6b3f354deaccb531732569b
      image: docker.io/library/nginx:1.27
      imageID: docker.io/library/nginx@sha256:b4512cd1563c5d14d5bff395b26935974d3ad9faee573e52c2db24788cd64bdd
      lastState: {}
      name: web
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2026-01-01T00:00:01Z"
    hostIP: 10.0.0.2
    hostIPs:
    - ip: 10.0.0.2
    phase: Running
    podIP: 10.244.0.5
    podIPs:
    - ip: 10.244.0.5
    qosClass: Burstable
    startTime: "2026-01-01T00:00:00Z"
kind: List
metadata:
  resourceVersion: ""
"#,
    ),
    (
        r#"get cm,secret -o yaml"#,
        r#"apiVersion: v1
items:
- apiVersion: v1
  data:
    mode: production
    settings.ini: |
      [server]
      port=8080
  kind: ConfigMap
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"default"},"data":{"mode":"production","settings.ini":"[server]\nport=8080\n"}}'
    creationTimestamp: "2026-01-01T00:00:00Z"
    name: app-config
    namespace: default
    resourceVersion: "27"
    uid: b6fa6c4b-a1d3-439e-a5b9-32b656c2edc3
- apiVersion: v1
  data:
    password: aHVudGVyMg==
    user: YWRtaW4=
  kind: Secret
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"app-secret","namespace":"default"},"type":"Opaque","data":{"password":"aHVudGVyMg==","user":"YWRtaW4="}}'
    creationTimestamp: "2026-01-01T00:00:00Z"
    name: app-secret
    namespace: default
    resourceVersion: "28"
    uid: 09cf0b61-2161-4c9f-a14e-25d57fc636d5
  type: Opaque
- apiVersion: v1
  data:
    namespace: ZGVmYXVsdA==
    token: dG9rZW4=
  kind: Secret
  metadata:
    annotations:
      kubernetes.io/service-account.name: builder
      kubernetes.io/service-account.uid: 5b1c0a39-7a4e-4a2e-9a55-1d6a2f3c0b01
    creationTimestamp: "2026-01-01T00:00:00Z"
    name: builder-token
    namespace: default
  type: kubernetes.io/service-account-token
kind: List
metadata:
  resourceVersion: ""
"#,
    ),
    (
        r#"get pod db-0 -o jsonpath={.metadata}"#,
        r#"{"creationTimestamp":"2026-01-01T00:00:00Z","generation":1,"labels":{"app":"db","apps.kubernetes.io/pod-index":"0","controller-revision-hash":"db-5746b55cd4","statefulset.kubernetes.io/pod-name":"db-0"},"name":"db-0","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,"controller":true,"kind":"StatefulSet","name":"db","uid":"00bcf5f3-8ab6-4fe9-8163-98fd1538acdd"}],"resourceVersion":"81","uid":"68524744-9d0d-42ef-a48d-5c8c364fb1dd"}"#,
    ),
    (
        r#"get pods -o jsonpath={.items[0].status.conditions[0]}"#,
        r#"{"lastProbeTime":null,"lastTransitionTime":"2026-01-01T00:00:00Z","status":"True","type":"PodScheduled"}"#,
    ),
    (
        r#"get pod db-0 -o go-template={{.metadata.labels}}"#,
        r#"map[app:db apps.kubernetes.io/pod-index:0 controller-revision-hash:db-5746b55cd4 statefulset.kubernetes.io/pod-name:db-0]"#,
    ),
    (
        r#"get pod db-0 -o go-template={{.spec.containers}}"#,
        r#"[map[image:postgres:16 imagePullPolicy:IfNotPresent name:db resources:map[] terminationMessagePath:/dev/termination-log terminationMessagePolicy:File volumeMounts:[map[mountPath:/var/lib/postgresql name:data]]]]"#,
    ),
    (
        r#"get pod db-0 -o go-template={{.status.containerStatuses}}"#,
        r#"[map[containerID:containerd://32bc735df685e7dd6ab56a67ab885a8c31624218583e9287ce0e5a59490658ae image:docker.io/library/postgres:16 imageID:docker.io/library/postgres@sha256:305a4f0b2235d15ab0e6a21e2a91803fc5174f7401ec181488bc122c9fdc3df1 lastState:map[] name:db ready:true restartCount:0 started:true state:map[running:map[startedAt:2026-01-01T00:00:01Z]]]]"#,
    ),
    (
        r#"get pod db-0 -o jsonpath={.spec.containers[0].resources}"#,
        r#"{}"#,
    ),
    (
        r#"get node n1 -o jsonpath={.status.capacity}"#,
        r#"{"cpu":"4","ephemeral-storage":"100Gi","memory":"8Gi","pods":"110"}"#,
    ),
    (
        r#"get pods -o jsonpath={.items[*].status.containerStatuses[*].ready}"#,
        r#"true true true true true"#,
    ),
    (
        r#"get pods -o jsonpath={.items[*].spec.terminationGracePeriodSeconds}"#,
        r#"30 30 30 30 30"#,
    ),
];

#[test]
fn output_formats_of_server_objects_match_kubectl() {
    let doc: crate::api::Value =
        serde_json::from_str(include_str!("describe/testdata/cluster.json")).unwrap_or_default();
    let objects = doc["objects"]
        .as_array()
        .map(|a| a.to_vec())
        .unwrap_or_default();
    let mut cp = control_plane();
    for (line, want) in FORMATS {
        let words = super::split_words(line).unwrap_or_default();
        let inv = super::cmdline::parse(&words).expect("a command line");
        let args = inv.parsed.args.clone();
        let ctx = super::Ctx {
            cp: &mut cp,
            stdin: "",
            path: inv.command.path,
            p: inv.parsed,
            out: String::new(),
            err: String::new(),
            stream: None,
        };
        let fmt = super::print::format(&ctx, true).expect("a format");
        // The builder's order: each type in turn, objects by name (default namespace).
        let mut found = Vec::new();
        for ty in args[0].split(',') {
            let kind = super::resources::resolve_type(ty).expect("a type");
            for o in &objects {
                let same = crate::api::object::kind(o) == kind.kind
                    && (!kind.namespaced || crate::api::object::namespace(o) == "default")
                    && args.get(1).is_none_or(|n| crate::api::object::name(o) == n);
                if same {
                    found.push(o.clone());
                }
            }
        }
        let obj = if args.len() == 2 {
            found.remove(0)
        } else {
            super::print::list_of(found)
        };
        let got = super::print::render(&fmt, &obj, true).expect("printed");
        assert_eq!(got, *want, "kubectl {line}");
    }
}

/// A session on one control plane: each line after the previous ones (`#advance N` moves
/// virtual time), with kubectl's messages (wait.go, delete.go, scale.go, set_*.go, patch.go;
/// the wait lines as real kubectl printed them for the same objects).
#[test]
fn session_messages_match_kubectl() {
    let setup = "apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0}
spec:
  containers: [{name: db, image: postgres}]
";
    let steps: &[(&str, &str, &str, i32)] = &[
        ("create deployment web --image=nginx", "deployment.apps/web created\n", "", 0),
        ("#advance 30", "", "", 0),
        ("wait --for=condition=Ready pod/db-0 --timeout=2s", "pod/db-0 condition met\n", "", 0),
        (
            "wait --for=condition=Ready=false pod/db-0 --timeout=1s",
            "",
            "error: timed out waiting for the condition on pods/db-0\n",
            1,
        ),
        ("wait --for=jsonpath={.status.phase}=Running pod/db-0 --timeout=2s", "pod/db-0 condition met\n", "", 0),
        ("wait --for=condition=Available deploy/web --timeout=2s", "deployment.apps/web condition met\n", "", 0),
        ("wait --for=delete pod/nope --timeout=2s", "", "", 0),
        ("wait --for=bogus pod/db-0", "", "error: unrecognized condition: \"bogus\"\n", 1),
        ("delete deploy web --dry-run=server", "deployment.apps \"web\" deleted (server dry run)\n", "", 0),
        ("create deployment x --image=nginx --dry-run=server", "deployment.apps/x created (server dry run)\n", "", 0),
        ("get deploy -o name", "deployment.apps/web\n", "", 0),
        ("scale deploy web --replicas=3", "deployment.apps/web scaled\n", "", 0),
        ("scale deploy web --replicas=3 --current-replicas=2", "", "error: Expected replicas to be 2, was 3\n", 1),
        ("set image deploy/web nginx=nginx:2", "deployment.apps/web image updated\n", "", 0),
        ("set env deploy/web A=1", "deployment.apps/web env updated\n", "", 0),
        ("set resources deploy/web --limits=cpu=1", "deployment.apps/web resource requirements updated\n", "", 0),
        ("patch deploy web -p '{\"spec\":{\"replicas\":2}}'", "deployment.apps/web patched\n", "", 0),
        ("patch deploy web -p '{\"spec\":{\"replicas\":2}}'", "deployment.apps/web patched (no change)\n", "", 0),
        (
            "delete pod db-0 --grace-period=0 --force",
            "pod \"db-0\" force deleted\n",
            "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
            0,
        ),
    ];
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", setup);
    for (line, stdout, stderr, exit) in steps {
        if let Some(s) = line.strip_prefix("#advance ") {
            cp.advance(s.parse().unwrap_or(0.0)).unwrap();
            continue;
        }
        assert_eq!(
            run(&mut cp, line, ""),
            (stdout.to_string(), stderr.to_string(), *exit),
            "kubectl {line}"
        );
    }
}

/// The usage line of each command's help, as real kubectl v1.32.4 prints it (the help texts
/// are kubectl's own, trimmed to the flags kplane supports).
#[test]
fn help_texts_are_kubectls() {
    let usage: &[(&str, &str)] = &[
        ("get", "  kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]"),
        ("describe", "  kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]"),
        ("create", "  kubectl create -f FILENAME [options]"),
        ("create deployment", "  kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]"),
        ("create service clusterip", "  kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none] [options]"),
        ("apply", "  kubectl apply (-f FILENAME | -k DIRECTORY) [options]"),
        ("delete", "  kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]"),
        ("patch", "  kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]"),
        ("replace", "  kubectl replace -f FILENAME [options]"),
        ("label", "  kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
        ("annotate", "  kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
        ("taint", "  kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]"),
        ("scale", "  kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]"),
        ("set image", "  kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]"),
        ("set env", "  kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]"),
        ("set resources", "  kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS] [options]"),
        ("run", "  kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]"),
        ("expose", "  kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]"),
        ("api-resources", "  kubectl api-resources [flags] [options]"),
        ("api-versions", "  kubectl api-versions [options]"),
        ("explain", "  kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2] [options]"),
        ("version", "  kubectl version [flags] [options]"),
        ("config current-context", "  kubectl config current-context [flags] [options]"),
        ("config get-contexts", "  kubectl config get-contexts [(-o|--output=)name)] [options]"),
        ("events", "  kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]"),
        ("diff", "  kubectl diff -f FILENAME [options]"),
        ("wait", "  kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]"),
        ("rollout status", "  kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]"),
        ("rollout history", "  kubectl rollout history (TYPE NAME | TYPE/NAME) [flags] [options]"),
        ("rollout undo", "  kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]"),
        ("drain", "  kubectl drain NODE [options]"),
        ("cordon", "  kubectl cordon NODE [options]"),
        ("uncordon", "  kubectl uncordon NODE [options]"),
        ("top pod", "  kubectl top pod [NAME | -l label] [options]"),
        ("top node", "  kubectl top node [NAME | -l label] [options]"),
    ];
    let mut cp = control_plane();
    for (command, line) in usage {
        let (help, err, code) = run(&mut cp, &format!("{command} --help"), "");
        assert_eq!((err.as_str(), code), ("", 0), "{command}");
        assert!(
            help.contains(&format!("Usage:\n{line}\n")),
            "{command}: {help}"
        );
        assert_eq!(
            run(&mut cp, &format!("help {command}"), "").0,
            help,
            "help {command}"
        );
        assert_eq!(
            run(&mut cp, &format!("{command} -h"), "").0,
            help,
            "{command} -h"
        );
    }
}

/// diff.go: the live and merged objects as YAML through `diff -u -N`; exit 1 when they
/// differ, 0 and nothing printed when they do not.
#[test]
fn diff_shows_what_apply_would_change() {
    let mut cp = control_plane();
    let v1 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n";
    let v2 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n";
    run(&mut cp, "apply -f -", v1);
    assert_eq!(
        run(&mut cp, "diff -f -", v1),
        (String::new(), String::new(), 0)
    );
    let (out, err, code) = run(&mut cp, "diff -f -", v2);
    assert_eq!((err.as_str(), code), ("", 1));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("diff -u -N /tmp/LIVE-"), "{out}");
    assert!(lines[0].ends_with("/v1.ConfigMap.default.a"), "{out}");
    assert!(
        lines[1].starts_with("--- /tmp/LIVE-") && lines[2].starts_with("+++ /tmp/MERGED-"),
        "{out}"
    );
    assert!(out.contains("\n-  k: v\n+  k: w\n"), "{out}");
    // Nothing was applied.
    assert_eq!(run(&mut cp, "get cm a -o jsonpath={.data.k}", "").0, "v");
}

/// Generators, output formats and command-line errors (no object needed from the cluster).
const GENERATORS: &[Golden] = &[
    Golden {
        line: r#"create deployment web --image=nginx --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create deployment web --image=nginx --image=busybox --replicas=3 --port=80 --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
      - image: busybox
        name: busybox
        resources: {}
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create deployment web --image=nginx -n prod --dry-run=client -o json"#,
        stdin: r#""#,
        stdout: r#"{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "web",
        "namespace": "prod",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        }
    },
    "spec": {
        "replicas": 1,
        "selector": {
            "matchLabels": {
                "app": "web"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "web"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx",
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create service clusterip s --tcp=80:8080 --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: s
  name: s
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: s
  type: ClusterIP
status:
  loadBalancer: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create service nodeport s --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: s
  name: s
spec:
  ports:
  - name: 80-8080
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: s
  type: NodePort
status:
  loadBalancer: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create service loadbalancer s --tcp=80:8080,443 --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: s
  name: s
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: "443"
    port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: s
  type: LoadBalancer
status:
  loadBalancer: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create service clusterip s --clusterip=None --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: s
  name: s
spec:
  clusterIP: None
  selector:
    app: s
  type: ClusterIP
status:
  loadBalancer: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create service externalname e --external-name=example.com --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: e
  name: e
spec:
  externalName: example.com
  selector:
    app: e
  type: ExternalName
status:
  loadBalancer: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create configmap c --from-literal=a=1 --from-literal=b=two --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
data:
  a: "1"
  b: two
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: c
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create secret generic s --from-literal=user=admin --from-literal=pw=secret --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
data:
  pw: c2VjcmV0
  user: YWRtaW4=
kind: Secret
metadata:
  creationTimestamp: null
  name: s
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create secret generic s --type=kubernetes.io/basic-auth --from-literal=username=a --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
data:
  username: YQ==
kind: Secret
metadata:
  creationTimestamp: null
  name: s
type: kubernetes.io/basic-auth
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: null
  name: "n"
spec: {}
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create job j --image=busybox --dry-run=client -o yaml -- echo hi"#,
        stdin: r#""#,
        stdout: r#"apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: j
spec:
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - command:
        - echo
        - hi
        image: busybox
        name: j
        resources: {}
      restartPolicy: Never
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create cronjob c --image=busybox --schedule='*/1 * * * *' --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: batch/v1
kind: CronJob
metadata:
  creationTimestamp: null
  name: c
spec:
  jobTemplate:
    metadata:
      creationTimestamp: null
      name: c
    spec:
      template:
        metadata:
          creationTimestamp: null
        spec:
          containers:
          - image: busybox
            name: c
            resources: {}
          restartPolicy: OnFailure
  schedule: '*/1 * * * *'
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create priorityclass hi --value=1000 --description=high --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: scheduling.k8s.io/v1
description: high
kind: PriorityClass
metadata:
  creationTimestamp: null
  name: hi
preemptionPolicy: PreemptLowerPriority
value: 1000
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create priorityclass hi --value=1000 --global-default --preemption-policy=Never --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: scheduling.k8s.io/v1
globalDefault: true
kind: PriorityClass
metadata:
  creationTimestamp: null
  name: hi
preemptionPolicy: Never
value: 1000
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create quota q --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: ResourceQuota
metadata:
  creationTimestamp: null
  name: q
spec:
  hard:
    cpu: "1"
    memory: 1G
    pods: "2"
  scopes:
  - BestEffort
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create poddisruptionbudget pdb --selector=app=x --min-available=1 --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  creationTimestamp: null
  name: pdb
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: x
status:
  currentHealthy: 0
  desiredHealthy: 0
  disruptionsAllowed: 0
  expectedPods: 0
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create serviceaccount sa --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: ServiceAccount
metadata:
  creationTimestamp: null
  name: sa
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"run p --image=nginx --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: p
  name: p
spec:
  containers:
  - image: nginx
    name: p
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"run p --image=nginx --port=80 --labels=a=b --env=X=1 --restart=Never --dry-run=client -o yaml"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    a: b
  name: p
spec:
  containers:
  - env:
    - name: X
      value: "1"
    image: nginx
    name: p
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Never
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"run p --image=busybox --command --dry-run=client -o yaml -- sleep 3600"#,
        stdin: r#""#,
        stdout: r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: p
  name: p
spec:
  containers:
  - command:
    - sleep
    - "3600"
    image: busybox
    name: p
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o name"#,
        stdin: r#""#,
        stdout: r#"namespace/n
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create deployment x --image=nginx --dry-run=client"#,
        stdin: r#""#,
        stdout: r#"deployment.apps/x created (dry run)
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o jsonpath='{.metadata.name}'"#,
        stdin: r#""#,
        stdout: r#"n"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o jsonpath-as-json='{.metadata.name}'"#,
        stdin: r#""#,
        stdout: r#"[
    "n"
]
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create deployment x --image=nginx --dry-run=client -o custom-columns=NAME:.metadata.name,IMG:.spec.template.spec.containers[*].image"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: unable to match a printer suitable for the output format "custom-columns=NAME:.metadata.name,IMG:.spec.template.spec.containers[*].image", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
"#,
        exit: 1,
    },
    Golden {
        line: r#"create deployment x --image=nginx --dry-run=client -o go-template='{{range .spec.template.spec.containers}}{{printf "%s:%s\n" .name .image}}{{end}}'"#,
        stdin: r#""#,
        stdout: r#"nginx:nginx
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create deployment x --image=nginx --dry-run=client -o go-template='{{index .metadata.labels "app"}}/{{len .spec.template.spec.containers}}'"#,
        stdin: r#""#,
        stdout: r#"x/1"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o go-template='{{.metadata.nope}}'"#,
        stdin: r#""#,
        stdout: r#"<no value>"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o jsonpath='{.metadata.nope}'"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create namespace n --dry-run=client -o wide"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
"#,
        exit: 1,
    },
    Golden {
        line: r#"get pods -o bogus"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: unable to match a printer suitable for the output format "bogus", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml
"#,
        exit: 1,
    },
    Golden {
        line: r#"create deployment x --image=nginx --dry-run=bogus"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: Invalid dry-run value (bogus). Must be "none", "server", or "client".
"#,
        exit: 1,
    },
    Golden {
        line: r#"get pods --bogus"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"Error: unknown flag: --bogus
See 'kubectl get --help' for usage.
"#,
        exit: 1,
    },
    Golden {
        line: r#"get pods,foo"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: the server doesn't have a resource type "foo"
"#,
        exit: 1,
    },
    Golden {
        line: r#"get pods/x/y"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: arguments in resource/name form may not have more than one slash
"#,
        exit: 1,
    },
    Golden {
        line: r#"get deploy x y -A"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: a resource cannot be retrieved by name across all namespaces
"#,
        exit: 1,
    },
    Golden {
        line: r#"delete"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'
"#,
        exit: 1,
    },
    Golden {
        line: r#"explain"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint nodes"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: at least one taint update is required
"#,
        exit: 1,
    },
];

/// `kubectl explain`, from an API server publishing the OpenAPI v3 documents of
/// `explain/docs.json` (this checks the rendering of kubectl's plaintext template).
const EXPLAIN: &[Golden] = &[
    Golden {
        line: r#"explain pods"#,
        stdin: r#""#,
        stdout: r#"KIND:       Pod
VERSION:    v1

DESCRIPTION:
    Pod is a collection of containers that can run on a host. This resource is
    created by clients and scheduled onto hosts.
    
FIELDS:
  apiVersion	<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  kind	<string>
    Kind is a string value representing the REST resource this object
    represents. Servers may infer this from the endpoint the client submits
    requests to. Cannot be updated. In CamelCase. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

  metadata	<ObjectMeta>
    Standard object's metadata. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata

  spec	<PodSpec>
    Specification of the desired behavior of the pod. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status

  status	<PodStatus>
    Most recently observed status of the pod. This data may not be up to date.
    Populated by the system. Read-only. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain pods.spec.containers"#,
        stdin: r#""#,
        stdout: r#"KIND:       Pod
VERSION:    v1

FIELD: containers <[]Container>


DESCRIPTION:
    List of containers belonging to the pod. Containers cannot currently be
    added or removed. There must be at least one container in a Pod. Cannot be
    updated.
    A single application container that you want to run within a pod.
    
FIELDS:
  args	<[]string>
    Arguments to the entrypoint. The container image's CMD is used if this is
    not provided. Variable references $(VAR_NAME) are expanded using the
    container's environment. If a variable cannot be resolved, the reference in
    the input string will be unchanged. Double $$ are reduced to a single $,
    which allows for escaping the $(VAR_NAME) syntax: i.e. "$$(VAR_NAME)" will
    produce the string literal "$(VAR_NAME)". Escaped references will never be
    expanded, regardless of whether the variable exists or not. Cannot be
    updated. More info:
    https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell

  command	<[]string>
    Entrypoint array. Not executed within a shell. The container image's
    ENTRYPOINT is used if this is not provided. Variable references $(VAR_NAME)
    are expanded using the container's environment. If a variable cannot be
    resolved, the reference in the input string will be unchanged. Double $$ are
    reduced to a single $, which allows for escaping the $(VAR_NAME) syntax:
    i.e. "$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)". Escaped
    references will never be expanded, regardless of whether the variable exists
    or not. Cannot be updated. More info:
    https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell

  env	<[]EnvVar>
    List of environment variables to set in the container. Cannot be updated.

  envFrom	<[]EnvFromSource>
    List of sources to populate environment variables in the container. The keys
    defined within a source must be a C_IDENTIFIER. All invalid keys will be
    reported as an event when the container is starting. When a key exists in
    multiple sources, the value associated with the last source will take
    precedence. Values defined by an Env with a duplicate key will take
    precedence. Cannot be updated.

  image	<string>
    Container image name. More info:
    https://kubernetes.io/docs/concepts/containers/images This field is optional
    to allow higher level config management to default or override container
    images in workload controllers like Deployments and StatefulSets.

  imagePullPolicy	<string>
  enum: Always, IfNotPresent, Never
    Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if
    :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More
    info: https://kubernetes.io/docs/concepts/containers/images#updating-images
    
    Possible enum values:
     - `"Always"` means that kubelet always attempts to pull the latest image.
    Container will fail If the pull fails.
     - `"IfNotPresent"` means that kubelet pulls if the image isn't present on
    disk. Container will fail if the image isn't present and the pull fails.
     - `"Never"` means that kubelet never pulls an image, but only uses a local
    image. Container will fail if the image isn't present

  lifecycle	<Lifecycle>
    Actions that the management system should take in response to container
    lifecycle events. Cannot be updated.

  livenessProbe	<Probe>
    Periodic probe of container liveness. Container will be restarted if the
    probe fails. Cannot be updated. More info:
    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes

  name	<string> -required-
    Name of the container specified as a DNS_LABEL. Each container in a pod must
    have a unique name (DNS_LABEL). Cannot be updated.

  ports	<[]ContainerPort>
    List of ports to expose from the container. Not specifying a port here DOES
    NOT prevent that port from being exposed. Any port which is listening on the
    default "0.0.0.0" address inside a container will be accessible from the
    network. Modifying this array with strategic merge patch may corrupt the
    data. For more information See
    https://github.com/kubernetes/kubernetes/issues/108255. Cannot be updated.

  readinessProbe	<Probe>
    Periodic probe of container service readiness. Container will be removed
    from service endpoints if the probe fails. Cannot be updated. More info:
    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes

  resources	<ResourceRequirements>
    Compute Resources required by this container. Cannot be updated. More info:
    https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/

  securityContext	<SecurityContext>
    SecurityContext defines the security options the container should be run
    with. If set, the fields of SecurityContext override the equivalent fields
    of PodSecurityContext. More info:
    https://kubernetes.io/docs/tasks/configure-pod-container/security-context/

  startupProbe	<Probe>
    StartupProbe indicates that the Pod has successfully initialized. If
    specified, no other probes are executed until this completes successfully.
    If this probe fails, the Pod will be restarted, just as if the livenessProbe
    failed. This can be used to provide different probe parameters at the
    beginning of a Pod's lifecycle, when it might take a long time to load data
    or warm a cache, than during steady-state operation. This cannot be updated.
    More info:
    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes

  stdin	<boolean>
    Whether this container should allocate a buffer for stdin in the container
    runtime. If this is not set, reads from stdin in the container will always
    result in EOF. Default is false.

  stdinOnce	<boolean>
    Whether the container runtime should close the stdin channel after it has
    been opened by a single attach. When stdin is true the stdin stream will
    remain open across multiple attach sessions. If stdinOnce is set to true,
    stdin is opened on container start, is empty until the first client attaches
    to stdin, and then remains open and accepts data until the client
    disconnects, at which time stdin is closed and remains closed until the
    container is restarted. If this flag is false, a container processes that
    reads from stdin will never receive an EOF. Default is false

  terminationMessagePath	<string>
    Optional: Path at which the file to which the container's termination
    message will be written is mounted into the container's filesystem. Message
    written is intended to be brief final status, such as an assertion failure
    message. Will be truncated by the node if greater than 4096 bytes. The total
    message length across all containers will be limited to 12kb. Defaults to
    /dev/termination-log. Cannot be updated.

  terminationMessagePolicy	<string>
  enum: FallbackToLogsOnError, File
    Indicate how the termination message should be populated. File will use the
    contents of terminationMessagePath to populate the container status message
    on both success and failure. FallbackToLogsOnError will use the last chunk
    of container log output if the termination message file is empty and the
    container exited with an error. The log output is limited to 2048 bytes or
    80 lines, whichever is smaller. Defaults to File. Cannot be updated.
    
    Possible enum values:
     - `"FallbackToLogsOnError"` will read the most recent contents of the
    container logs for the container status message when the container exits
    with an error and the terminationMessagePath has no contents.
     - `"File"` is the default behavior and will set the container status
    message to the contents of the container's terminationMessagePath when the
    container exits.

  tty	<boolean>
    Whether this container should allocate a TTY for itself, also requires
    'stdin' to be true. Default is false.

  volumeDevices	<[]VolumeDevice>
    volumeDevices is the list of block devices to be used by the container.

  volumeMounts	<[]VolumeMount>
    Pod volumes to mount into the container's filesystem. Cannot be updated.

  workingDir	<string>
    Container's working directory. If not specified, the container runtime's
    default will be used, which might be configured in the container image.
    Cannot be updated.


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain pod.spec.containers.imagePullPolicy"#,
        stdin: r#""#,
        stdout: r#"KIND:       Pod
VERSION:    v1

FIELD: imagePullPolicy <string>
ENUM:
    Always
    IfNotPresent
    Never

DESCRIPTION:
    Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if
    :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More
    info: https://kubernetes.io/docs/concepts/containers/images#updating-images
    
    Possible enum values:
     - `"Always"` means that kubelet always attempts to pull the latest image.
    Container will fail If the pull fails.
     - `"IfNotPresent"` means that kubelet pulls if the image isn't present on
    disk. Container will fail if the image isn't present and the pull fails.
     - `"Never"` means that kubelet never pulls an image, but only uses a local
    image. Container will fail if the image isn't present
    

"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain deployments.apps.spec"#,
        stdin: r#""#,
        stdout: r#"GROUP:      apps
KIND:       Deployment
VERSION:    v1

FIELD: spec <DeploymentSpec>


DESCRIPTION:
    Specification of the desired behavior of the Deployment.
    DeploymentSpec is the specification of the desired behavior of the
    Deployment.
    
FIELDS:
  minReadySeconds	<integer>
    Minimum number of seconds for which a newly created pod should be ready
    without any of its container crashing, for it to be considered available.
    Defaults to 0 (pod will be considered available as soon as it is ready)

  paused	<boolean>
    Indicates that the deployment is paused.

  progressDeadlineSeconds	<integer>
    The maximum time in seconds for a deployment to make progress before it is
    considered to be failed. The deployment controller will continue to process
    failed deployments and a condition with a ProgressDeadlineExceeded reason
    will be surfaced in the deployment status. Note that progress will not be
    estimated during the time a deployment is paused. Defaults to 600s.

  replicas	<integer>
    Number of desired pods. This is a pointer to distinguish between explicit
    zero and not specified. Defaults to 1.

  revisionHistoryLimit	<integer>
    The number of old ReplicaSets to retain to allow rollback. This is a pointer
    to distinguish between explicit zero and not specified. Defaults to 10.

  selector	<LabelSelector> -required-
    Label selector for pods. Existing ReplicaSets whose pods are selected by
    this will be the ones affected by this deployment. It must match the pod
    template's labels.

  strategy	<DeploymentStrategy>
    The deployment strategy to use to replace existing pods with new ones.

  template	<PodTemplateSpec> -required-
    Template describes the pods that will be created. The only allowed
    template.spec.restartPolicy value is "Always".


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain svc.spec.ports"#,
        stdin: r#""#,
        stdout: r#"KIND:       Service
VERSION:    v1

FIELD: ports <[]ServicePort>


DESCRIPTION:
    The list of ports that are exposed by this service. More info:
    https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies
    ServicePort contains information on service's port.
    
FIELDS:
  appProtocol	<string>
    The application protocol for this port. This field follows standard
    Kubernetes label syntax. Un-prefixed names are reserved for IANA standard
    service names (as per RFC-6335 and
    https://www.iana.org/assignments/service-names). Non-standard protocols
    should use prefixed names such as mycompany.com/my-custom-protocol.

  name	<string>
    The name of this port within the service. This must be a DNS_LABEL. All
    ports within a ServiceSpec must have unique names. When considering the
    endpoints for a Service, this must match the 'name' field in the
    EndpointPort. Optional if only one ServicePort is defined on this service.

  nodePort	<integer>
    The port on each node on which this service is exposed when type is NodePort
    or LoadBalancer.  Usually assigned by the system. If a value is specified,
    in-range, and not in use it will be used, otherwise the operation will fail.
    If not specified, a port will be allocated if this Service requires one.  If
    this field is specified when creating a Service which does not need it,
    creation will fail. This field will be wiped when updating a Service to no
    longer need it (e.g. changing type from NodePort to ClusterIP). More info:
    https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport

  port	<integer> -required-
    The port that will be exposed by this service.

  protocol	<string>
  enum: SCTP, TCP, UDP
    The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is
    TCP.
    
    Possible enum values:
     - `"SCTP"` is the SCTP protocol.
     - `"TCP"` is the TCP protocol.
     - `"UDP"` is the UDP protocol.

  targetPort	<IntOrString>
    Number or name of the port to access on the pods targeted by the service.
    Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If
    this is a string, it will be looked up as a named port in the target Pod's
    container ports. If this is not specified, the value of the 'port' field is
    used (an identity map). This field is ignored for services with
    clusterIP=None, and should be omitted or set equal to the 'port' field. More
    info:
    https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain pods.spec.foo.bar"#,
        stdin: r#""#,
        stdout: r#"KIND:       Pod
VERSION:    v1

"#,
        stderr: r#"error: field "bar" does not exist
"#,
        exit: 1,
    },
    Golden {
        line: r#"explain foo"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"the server doesn't have a resource type "foo"
"#,
        exit: 1,
    },
    Golden {
        line: r#"explain hpa --api-version=autoscaling/v1"#,
        stdin: r#""#,
        stdout: r#"GROUP:      autoscaling
KIND:       HorizontalPodAutoscaler
VERSION:    v1

DESCRIPTION:
    configuration of a horizontal pod autoscaler.
    
FIELDS:
  apiVersion	<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  kind	<string>
    Kind is a string value representing the REST resource this object
    represents. Servers may infer this from the endpoint the client submits
    requests to. Cannot be updated. In CamelCase. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

  metadata	<ObjectMeta>
    Standard object metadata. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata

  spec	<HorizontalPodAutoscalerSpec>
    behaviour of autoscaler. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status.

  status	<HorizontalPodAutoscalerStatus>
    current information about the autoscaler.


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain pdb.spec"#,
        stdin: r#""#,
        stdout: r#"GROUP:      policy
KIND:       PodDisruptionBudget
VERSION:    v1

FIELD: spec <PodDisruptionBudgetSpec>


DESCRIPTION:
    Specification of the desired behavior of the PodDisruptionBudget.
    PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.
    
FIELDS:
  maxUnavailable	<IntOrString>
    An eviction is allowed if at most "maxUnavailable" pods selected by
    "selector" are unavailable after the eviction, i.e. even in absence of the
    evicted pod. For example, one can prevent all voluntary evictions by
    specifying 0. This is a mutually exclusive setting with "minAvailable".

  minAvailable	<IntOrString>
    An eviction is allowed if at least "minAvailable" pods selected by
    "selector" will still be available after the eviction, i.e. even in the
    absence of the evicted pod.  So for example you can prevent all voluntary
    evictions by specifying "100%".

  selector	<LabelSelector>
    Label query over pods whose evictions are managed by the disruption budget.
    A null selector will match no pods, while an empty ({}) selector will select
    all pods within the namespace.

  unhealthyPodEvictionPolicy	<string>
    UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods
    should be considered for eviction. Current implementation considers healthy
    pods, as pods that have status.conditions item with
    type="Ready",status="True".
    
    Valid policies are IfHealthyBudget and AlwaysAllow. If no policy is
    specified, the default behavior will be used, which corresponds to the
    IfHealthyBudget policy.
    
    IfHealthyBudget policy means that running pods (status.phase="Running"), but
    not yet healthy can be evicted only if the guarded application is not
    disrupted (status.currentHealthy is at least equal to
    status.desiredHealthy). Healthy pods will be subject to the PDB for
    eviction.
    
    AlwaysAllow policy means that all running pods (status.phase="Running"), but
    not yet healthy are considered disrupted and can be evicted regardless of
    whether the criteria in a PDB is met. This means perspective running pods of
    a disrupted application might not get a chance to become healthy. Healthy
    pods will be subject to the PDB for eviction.
    
    Additional policies may be added in the future. Clients making eviction
    decisions should disallow eviction of unhealthy pods if they encounter an
    unrecognized policy in this field.
    
    This field is alpha-level. The eviction API uses this field when the feature
    gate PDBUnhealthyPodEvictionPolicy is enabled (disabled by default).


"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain cronjob.spec.jobTemplate.spec --recursive"#,
        stdin: r#""#,
        stdout: r#"GROUP:      batch
KIND:       CronJob
VERSION:    v1

FIELD: spec <JobSpec>


DESCRIPTION:
    Specification of the desired behavior of the job. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status
    JobSpec describes how the job execution will look like.
    
FIELDS:
  activeDeadlineSeconds	<integer>
  backoffLimit	<integer>
  completionMode	<string>
  completions	<integer>
  manualSelector	<boolean>
  parallelism	<integer>
  podFailurePolicy	<PodFailurePolicy>
    rules	<[]PodFailurePolicyRule> -required-
      action	<string> -required-
      onExitCodes	<PodFailurePolicyOnExitCodesRequirement>
        containerName	<string>
        operator	<string> -required-
        values	<[]integer> -required-
      onPodConditions	<[]PodFailurePolicyOnPodConditionsPattern> -required-
        status	<string> -required-
        type	<string> -required-
  selector	<LabelSelector>
    matchExpressions	<[]LabelSelectorRequirement>
      key	<string> -required-
      operator	<string> -required-
      values	<[]string>
    matchLabels	<map[string]string>
  suspend	<boolean>
  template	<PodTemplateSpec> -required-
    metadata	<ObjectMeta>
      annotations	<map[string]string>
      creationTimestamp	<string>
      deletionGracePeriodSeconds	<integer>
      deletionTimestamp	<string>
      finalizers	<[]string>
      generateName	<string>
      generation	<integer>
      labels	<map[string]string>
      managedFields	<[]ManagedFieldsEntry>
        apiVersion	<string>
        fieldsType	<string>
        fieldsV1	<FieldsV1>
        manager	<string>
        operation	<string>
        subresource	<string>
        time	<string>
      name	<string>
      namespace	<string>
      ownerReferences	<[]OwnerReference>
        apiVersion	<string> -required-
        blockOwnerDeletion	<boolean>
        controller	<boolean>
        kind	<string> -required-
        name	<string> -required-
        uid	<string> -required-
      resourceVersion	<string>
      selfLink	<string>
      uid	<string>
    spec	<PodSpec>
      activeDeadlineSeconds	<integer>
      affinity	<Affinity>
        nodeAffinity	<NodeAffinity>
          preferredDuringSchedulingIgnoredDuringExecution	<[]PreferredSchedulingTerm>
            preference	<NodeSelectorTerm> -required-
              matchExpressions	<[]NodeSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                enum: DoesNotExist, Exists, Gt, In, ....
                values	<[]string>
              matchFields	<[]NodeSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                enum: DoesNotExist, Exists, Gt, In, ....
                values	<[]string>
            weight	<integer> -required-
          requiredDuringSchedulingIgnoredDuringExecution	<NodeSelector>
            nodeSelectorTerms	<[]NodeSelectorTerm> -required-
              matchExpressions	<[]NodeSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                enum: DoesNotExist, Exists, Gt, In, ....
                values	<[]string>
              matchFields	<[]NodeSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                enum: DoesNotExist, Exists, Gt, In, ....
                values	<[]string>
        podAffinity	<PodAffinity>
          preferredDuringSchedulingIgnoredDuringExecution	<[]WeightedPodAffinityTerm>
            podAffinityTerm	<PodAffinityTerm> -required-
              labelSelector	<LabelSelector>
                matchExpressions	<[]LabelSelectorRequirement>
                  key	<string> -required-
                  operator	<string> -required-
                  values	<[]string>
                matchLabels	<map[string]string>
              namespaceSelector	<LabelSelector>
                matchExpressions	<[]LabelSelectorRequirement>
                  key	<string> -required-
                  operator	<string> -required-
                  values	<[]string>
                matchLabels	<map[string]string>
              namespaces	<[]string>
              topologyKey	<string> -required-
            weight	<integer> -required-
          requiredDuringSchedulingIgnoredDuringExecution	<[]PodAffinityTerm>
            labelSelector	<LabelSelector>
              matchExpressions	<[]LabelSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                values	<[]string>
              matchLabels	<map[string]string>
            namespaceSelector	<LabelSelector>
              matchExpressions	<[]LabelSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                values	<[]string>
              matchLabels	<map[string]string>
            namespaces	<[]string>
            topologyKey	<string> -required-
        podAntiAffinity	<PodAntiAffinity>
          preferredDuringSchedulingIgnoredDuringExecution	<[]WeightedPodAffinityTerm>
            podAffinityTerm	<PodAffinityTerm> -required-
              labelSelector	<LabelSelector>
                matchExpressions	<[]LabelSelectorRequirement>
                  key	<string> -required-
                  operator	<string> -required-
                  values	<[]string>
                matchLabels	<map[string]string>
              namespaceSelector	<LabelSelector>
                matchExpressions	<[]LabelSelectorRequirement>
                  key	<string> -required-
                  operator	<string> -required-
                  values	<[]string>
                matchLabels	<map[string]string>
              namespaces	<[]string>
              topologyKey	<string> -required-
            weight	<integer> -required-
          requiredDuringSchedulingIgnoredDuringExecution	<[]PodAffinityTerm>
            labelSelector	<LabelSelector>
              matchExpressions	<[]LabelSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                values	<[]string>
              matchLabels	<map[string]string>
            namespaceSelector	<LabelSelector>
              matchExpressions	<[]LabelSelectorRequirement>
                key	<string> -required-
                operator	<string> -required-
                values	<[]string>
              matchLabels	<map[string]string>
            namespaces	<[]string>
            topologyKey	<string> -required-
      automountServiceAccountToken	<boolean>
      containers	<[]Container> -required-
        args	<[]string>
        command	<[]string>
        env	<[]EnvVar>
          name	<string> -required-
          value	<string>
          valueFrom	<EnvVarSource>
            configMapKeyRef	<ConfigMapKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
            fieldRef	<ObjectFieldSelector>
              apiVersion	<string>
              fieldPath	<string> -required-
            resourceFieldRef	<ResourceFieldSelector>
              containerName	<string>
              divisor	<Quantity>
              resource	<string> -required-
            secretKeyRef	<SecretKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
        envFrom	<[]EnvFromSource>
          configMapRef	<ConfigMapEnvSource>
            name	<string>
            optional	<boolean>
          prefix	<string>
          secretRef	<SecretEnvSource>
            name	<string>
            optional	<boolean>
        image	<string>
        imagePullPolicy	<string>
        enum: Always, IfNotPresent, Never
        lifecycle	<Lifecycle>
          postStart	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
          preStop	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
        livenessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        name	<string> -required-
        ports	<[]ContainerPort>
          containerPort	<integer> -required-
          hostIP	<string>
          hostPort	<integer>
          name	<string>
          protocol	<string>
          enum: SCTP, TCP, UDP
        readinessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        resources	<ResourceRequirements>
          claims	<[]ResourceClaim>
            name	<string> -required-
          limits	<map[string]Quantity>
          requests	<map[string]Quantity>
        securityContext	<SecurityContext>
          allowPrivilegeEscalation	<boolean>
          capabilities	<Capabilities>
            add	<[]string>
            drop	<[]string>
          privileged	<boolean>
          procMount	<string>
          enum: Default, Unmasked
          readOnlyRootFilesystem	<boolean>
          runAsGroup	<integer>
          runAsNonRoot	<boolean>
          runAsUser	<integer>
          seLinuxOptions	<SELinuxOptions>
            level	<string>
            role	<string>
            type	<string>
            user	<string>
          seccompProfile	<SeccompProfile>
            localhostProfile	<string>
            type	<string> -required-
            enum: Localhost, RuntimeDefault, Unconfined
          windowsOptions	<WindowsSecurityContextOptions>
            gmsaCredentialSpec	<string>
            gmsaCredentialSpecName	<string>
            hostProcess	<boolean>
            runAsUserName	<string>
        startupProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        stdin	<boolean>
        stdinOnce	<boolean>
        terminationMessagePath	<string>
        terminationMessagePolicy	<string>
        enum: FallbackToLogsOnError, File
        tty	<boolean>
        volumeDevices	<[]VolumeDevice>
          devicePath	<string> -required-
          name	<string> -required-
        volumeMounts	<[]VolumeMount>
          mountPath	<string> -required-
          mountPropagation	<string>
          enum: Bidirectional, HostToContainer, None
          name	<string> -required-
          readOnly	<boolean>
          subPath	<string>
          subPathExpr	<string>
        workingDir	<string>
      dnsConfig	<PodDNSConfig>
        nameservers	<[]string>
        options	<[]PodDNSConfigOption>
          name	<string>
          value	<string>
        searches	<[]string>
      dnsPolicy	<string>
      enum: ClusterFirst, ClusterFirstWithHostNet, Default, None
      enableServiceLinks	<boolean>
      ephemeralContainers	<[]EphemeralContainer>
        args	<[]string>
        command	<[]string>
        env	<[]EnvVar>
          name	<string> -required-
          value	<string>
          valueFrom	<EnvVarSource>
            configMapKeyRef	<ConfigMapKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
            fieldRef	<ObjectFieldSelector>
              apiVersion	<string>
              fieldPath	<string> -required-
            resourceFieldRef	<ResourceFieldSelector>
              containerName	<string>
              divisor	<Quantity>
              resource	<string> -required-
            secretKeyRef	<SecretKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
        envFrom	<[]EnvFromSource>
          configMapRef	<ConfigMapEnvSource>
            name	<string>
            optional	<boolean>
          prefix	<string>
          secretRef	<SecretEnvSource>
            name	<string>
            optional	<boolean>
        image	<string>
        imagePullPolicy	<string>
        enum: Always, IfNotPresent, Never
        lifecycle	<Lifecycle>
          postStart	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
          preStop	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
        livenessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        name	<string> -required-
        ports	<[]ContainerPort>
          containerPort	<integer> -required-
          hostIP	<string>
          hostPort	<integer>
          name	<string>
          protocol	<string>
          enum: SCTP, TCP, UDP
        readinessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        resources	<ResourceRequirements>
          claims	<[]ResourceClaim>
            name	<string> -required-
          limits	<map[string]Quantity>
          requests	<map[string]Quantity>
        securityContext	<SecurityContext>
          allowPrivilegeEscalation	<boolean>
          capabilities	<Capabilities>
            add	<[]string>
            drop	<[]string>
          privileged	<boolean>
          procMount	<string>
          enum: Default, Unmasked
          readOnlyRootFilesystem	<boolean>
          runAsGroup	<integer>
          runAsNonRoot	<boolean>
          runAsUser	<integer>
          seLinuxOptions	<SELinuxOptions>
            level	<string>
            role	<string>
            type	<string>
            user	<string>
          seccompProfile	<SeccompProfile>
            localhostProfile	<string>
            type	<string> -required-
            enum: Localhost, RuntimeDefault, Unconfined
          windowsOptions	<WindowsSecurityContextOptions>
            gmsaCredentialSpec	<string>
            gmsaCredentialSpecName	<string>
            hostProcess	<boolean>
            runAsUserName	<string>
        startupProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        stdin	<boolean>
        stdinOnce	<boolean>
        targetContainerName	<string>
        terminationMessagePath	<string>
        terminationMessagePolicy	<string>
        enum: FallbackToLogsOnError, File
        tty	<boolean>
        volumeDevices	<[]VolumeDevice>
          devicePath	<string> -required-
          name	<string> -required-
        volumeMounts	<[]VolumeMount>
          mountPath	<string> -required-
          mountPropagation	<string>
          enum: Bidirectional, HostToContainer, None
          name	<string> -required-
          readOnly	<boolean>
          subPath	<string>
          subPathExpr	<string>
        workingDir	<string>
      hostAliases	<[]HostAlias>
        hostnames	<[]string>
        ip	<string>
      hostIPC	<boolean>
      hostNetwork	<boolean>
      hostPID	<boolean>
      hostUsers	<boolean>
      hostname	<string>
      imagePullSecrets	<[]LocalObjectReference>
        name	<string>
      initContainers	<[]Container>
        args	<[]string>
        command	<[]string>
        env	<[]EnvVar>
          name	<string> -required-
          value	<string>
          valueFrom	<EnvVarSource>
            configMapKeyRef	<ConfigMapKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
            fieldRef	<ObjectFieldSelector>
              apiVersion	<string>
              fieldPath	<string> -required-
            resourceFieldRef	<ResourceFieldSelector>
              containerName	<string>
              divisor	<Quantity>
              resource	<string> -required-
            secretKeyRef	<SecretKeySelector>
              key	<string> -required-
              name	<string>
              optional	<boolean>
        envFrom	<[]EnvFromSource>
          configMapRef	<ConfigMapEnvSource>
            name	<string>
            optional	<boolean>
          prefix	<string>
          secretRef	<SecretEnvSource>
            name	<string>
            optional	<boolean>
        image	<string>
        imagePullPolicy	<string>
        enum: Always, IfNotPresent, Never
        lifecycle	<Lifecycle>
          postStart	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
          preStop	<LifecycleHandler>
            exec	<ExecAction>
              command	<[]string>
            httpGet	<HTTPGetAction>
              host	<string>
              httpHeaders	<[]HTTPHeader>
                name	<string> -required-
                value	<string> -required-
              path	<string>
              port	<IntOrString> -required-
              scheme	<string>
              enum: HTTP, HTTPS
            tcpSocket	<TCPSocketAction>
              host	<string>
              port	<IntOrString> -required-
        livenessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        name	<string> -required-
        ports	<[]ContainerPort>
          containerPort	<integer> -required-
          hostIP	<string>
          hostPort	<integer>
          name	<string>
          protocol	<string>
          enum: SCTP, TCP, UDP
        readinessProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        resources	<ResourceRequirements>
          claims	<[]ResourceClaim>
            name	<string> -required-
          limits	<map[string]Quantity>
          requests	<map[string]Quantity>
        securityContext	<SecurityContext>
          allowPrivilegeEscalation	<boolean>
          capabilities	<Capabilities>
            add	<[]string>
            drop	<[]string>
          privileged	<boolean>
          procMount	<string>
          enum: Default, Unmasked
          readOnlyRootFilesystem	<boolean>
          runAsGroup	<integer>
          runAsNonRoot	<boolean>
          runAsUser	<integer>
          seLinuxOptions	<SELinuxOptions>
            level	<string>
            role	<string>
            type	<string>
            user	<string>
          seccompProfile	<SeccompProfile>
            localhostProfile	<string>
            type	<string> -required-
            enum: Localhost, RuntimeDefault, Unconfined
          windowsOptions	<WindowsSecurityContextOptions>
            gmsaCredentialSpec	<string>
            gmsaCredentialSpecName	<string>
            hostProcess	<boolean>
            runAsUserName	<string>
        startupProbe	<Probe>
          exec	<ExecAction>
            command	<[]string>
          failureThreshold	<integer>
          grpc	<GRPCAction>
            port	<integer> -required-
            service	<string>
          httpGet	<HTTPGetAction>
            host	<string>
            httpHeaders	<[]HTTPHeader>
              name	<string> -required-
              value	<string> -required-
            path	<string>
            port	<IntOrString> -required-
            scheme	<string>
            enum: HTTP, HTTPS
          initialDelaySeconds	<integer>
          periodSeconds	<integer>
          successThreshold	<integer>
          tcpSocket	<TCPSocketAction>
            host	<string>
            port	<IntOrString> -required-
          terminationGracePeriodSeconds	<integer>
          timeoutSeconds	<integer>
        stdin	<boolean>
        stdinOnce	<boolean>
        terminationMessagePath	<string>
        terminationMessagePolicy	<string>
        enum: FallbackToLogsOnError, File
        tty	<boolean>
        volumeDevices	<[]VolumeDevice>
          devicePath	<string> -required-
          name	<string> -required-
        volumeMounts	<[]VolumeMount>
          mountPath	<string> -required-
          mountPropagation	<string>
          enum: Bidirectional, HostToContainer, None
          name	<string> -required-
          readOnly	<boolean>
          subPath	<string>
          subPathExpr	<string>
        workingDir	<string>
      nodeName	<string>
      nodeSelector	<map[string]string>
      os	<PodOS>
        name	<string> -required-
      overhead	<map[string]Quantity>
      preemptionPolicy	<string>
      enum: Never, PreemptLowerPriority
      priority	<integer>
      priorityClassName	<string>
      readinessGates	<[]PodReadinessGate>
        conditionType	<string> -required-
      resourceClaims	<[]PodResourceClaim>
        name	<string> -required-
        source	<ClaimSource>
          resourceClaimName	<string>
          resourceClaimTemplateName	<string>
      restartPolicy	<string>
      enum: Always, Never, OnFailure
      runtimeClassName	<string>
      schedulerName	<string>
      schedulingGates	<[]PodSchedulingGate>
        name	<string> -required-
      securityContext	<PodSecurityContext>
        fsGroup	<integer>
        fsGroupChangePolicy	<string>
        enum: Always, OnRootMismatch
        runAsGroup	<integer>
        runAsNonRoot	<boolean>
        runAsUser	<integer>
        seLinuxOptions	<SELinuxOptions>
          level	<string>
          role	<string>
          type	<string>
          user	<string>
        seccompProfile	<SeccompProfile>
          localhostProfile	<string>
          type	<string> -required-
          enum: Localhost, RuntimeDefault, Unconfined
        supplementalGroups	<[]integer>
        sysctls	<[]Sysctl>
          name	<string> -required-
          value	<string> -required-
        windowsOptions	<WindowsSecurityContextOptions>
          gmsaCredentialSpec	<string>
          gmsaCredentialSpecName	<string>
          hostProcess	<boolean>
          runAsUserName	<string>
      serviceAccount	<string>
      serviceAccountName	<string>
      setHostnameAsFQDN	<boolean>
      shareProcessNamespace	<boolean>
      subdomain	<string>
      terminationGracePeriodSeconds	<integer>
      tolerations	<[]Toleration>
        effect	<string>
        enum: NoExecute, NoSchedule, PreferNoSchedule
        key	<string>
        operator	<string>
        enum: Equal, Exists
        tolerationSeconds	<integer>
        value	<string>
      topologySpreadConstraints	<[]TopologySpreadConstraint>
        labelSelector	<LabelSelector>
          matchExpressions	<[]LabelSelectorRequirement>
            key	<string> -required-
            operator	<string> -required-
            values	<[]string>
          matchLabels	<map[string]string>
        matchLabelKeys	<[]string>
        maxSkew	<integer> -required-
        minDomains	<integer>
        nodeAffinityPolicy	<string>
        enum: Honor, Ignore
        nodeTaintsPolicy	<string>
        enum: Honor, Ignore
        topologyKey	<string> -required-
        whenUnsatisfiable	<string> -required-
        enum: DoNotSchedule, ScheduleAnyway
      volumes	<[]Volume>
        awsElasticBlockStore	<AWSElasticBlockStoreVolumeSource>
          fsType	<string>
          partition	<integer>
          readOnly	<boolean>
          volumeID	<string> -required-
        azureDisk	<AzureDiskVolumeSource>
          cachingMode	<string>
          enum: None, ReadOnly, ReadWrite
          diskName	<string> -required-
          diskURI	<string> -required-
          fsType	<string>
          kind	<string>
          enum: Dedicated, Managed, Shared
          readOnly	<boolean>
        azureFile	<AzureFileVolumeSource>
          readOnly	<boolean>
          secretName	<string> -required-
          shareName	<string> -required-
        cephfs	<CephFSVolumeSource>
          monitors	<[]string> -required-
          path	<string>
          readOnly	<boolean>
          secretFile	<string>
          secretRef	<LocalObjectReference>
            name	<string>
          user	<string>
        cinder	<CinderVolumeSource>
          fsType	<string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference>
            name	<string>
          volumeID	<string> -required-
        configMap	<ConfigMapVolumeSource>
          defaultMode	<integer>
          items	<[]KeyToPath>
            key	<string> -required-
            mode	<integer>
            path	<string> -required-
          name	<string>
          optional	<boolean>
        csi	<CSIVolumeSource>
          driver	<string> -required-
          fsType	<string>
          nodePublishSecretRef	<LocalObjectReference>
            name	<string>
          readOnly	<boolean>
          volumeAttributes	<map[string]string>
        downwardAPI	<DownwardAPIVolumeSource>
          defaultMode	<integer>
          items	<[]DownwardAPIVolumeFile>
            fieldRef	<ObjectFieldSelector>
              apiVersion	<string>
              fieldPath	<string> -required-
            mode	<integer>
            path	<string> -required-
            resourceFieldRef	<ResourceFieldSelector>
              containerName	<string>
              divisor	<Quantity>
              resource	<string> -required-
        emptyDir	<EmptyDirVolumeSource>
          medium	<string>
          sizeLimit	<Quantity>
        ephemeral	<EphemeralVolumeSource>
          volumeClaimTemplate	<PersistentVolumeClaimTemplate>
            metadata	<ObjectMeta>
              annotations	<map[string]string>
              creationTimestamp	<string>
              deletionGracePeriodSeconds	<integer>
              deletionTimestamp	<string>
              finalizers	<[]string>
              generateName	<string>
              generation	<integer>
              labels	<map[string]string>
              managedFields	<[]ManagedFieldsEntry>
                apiVersion	<string>
                fieldsType	<string>
                fieldsV1	<FieldsV1>
                manager	<string>
                operation	<string>
                subresource	<string>
                time	<string>
              name	<string>
              namespace	<string>
              ownerReferences	<[]OwnerReference>
                apiVersion	<string> -required-
                blockOwnerDeletion	<boolean>
                controller	<boolean>
                kind	<string> -required-
                name	<string> -required-
                uid	<string> -required-
              resourceVersion	<string>
              selfLink	<string>
              uid	<string>
            spec	<PersistentVolumeClaimSpec> -required-
              accessModes	<[]string>
              dataSource	<TypedLocalObjectReference>
                apiGroup	<string>
                kind	<string> -required-
                name	<string> -required-
              dataSourceRef	<TypedObjectReference>
                apiGroup	<string>
                kind	<string> -required-
                name	<string> -required-
                namespace	<string>
              resources	<ResourceRequirements>
                claims	<[]ResourceClaim>
                  name	<string> -required-
                limits	<map[string]Quantity>
                requests	<map[string]Quantity>
              selector	<LabelSelector>
                matchExpressions	<[]LabelSelectorRequirement>
                  key	<string> -required-
                  operator	<string> -required-
                  values	<[]string>
                matchLabels	<map[string]string>
              storageClassName	<string>
              volumeMode	<string>
              enum: Block, Filesystem
              volumeName	<string>
        fc	<FCVolumeSource>
          fsType	<string>
          lun	<integer>
          readOnly	<boolean>
          targetWWNs	<[]string>
          wwids	<[]string>
        flexVolume	<FlexVolumeSource>
          driver	<string> -required-
          fsType	<string>
          options	<map[string]string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference>
            name	<string>
        flocker	<FlockerVolumeSource>
          datasetName	<string>
          datasetUUID	<string>
        gcePersistentDisk	<GCEPersistentDiskVolumeSource>
          fsType	<string>
          partition	<integer>
          pdName	<string> -required-
          readOnly	<boolean>
        gitRepo	<GitRepoVolumeSource>
          directory	<string>
          repository	<string> -required-
          revision	<string>
        glusterfs	<GlusterfsVolumeSource>
          endpoints	<string> -required-
          path	<string> -required-
          readOnly	<boolean>
        hostPath	<HostPathVolumeSource>
          path	<string> -required-
          type	<string>
          enum: "", BlockDevice, CharDevice, Directory, ....
        iscsi	<ISCSIVolumeSource>
          chapAuthDiscovery	<boolean>
          chapAuthSession	<boolean>
          fsType	<string>
          initiatorName	<string>
          iqn	<string> -required-
          iscsiInterface	<string>
          lun	<integer> -required-
          portals	<[]string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference>
            name	<string>
          targetPortal	<string> -required-
        name	<string> -required-
        nfs	<NFSVolumeSource>
          path	<string> -required-
          readOnly	<boolean>
          server	<string> -required-
        persistentVolumeClaim	<PersistentVolumeClaimVolumeSource>
          claimName	<string> -required-
          readOnly	<boolean>
        photonPersistentDisk	<PhotonPersistentDiskVolumeSource>
          fsType	<string>
          pdID	<string> -required-
        portworxVolume	<PortworxVolumeSource>
          fsType	<string>
          readOnly	<boolean>
          volumeID	<string> -required-
        projected	<ProjectedVolumeSource>
          defaultMode	<integer>
          sources	<[]VolumeProjection>
            configMap	<ConfigMapProjection>
              items	<[]KeyToPath>
                key	<string> -required-
                mode	<integer>
                path	<string> -required-
              name	<string>
              optional	<boolean>
            downwardAPI	<DownwardAPIProjection>
              items	<[]DownwardAPIVolumeFile>
                fieldRef	<ObjectFieldSelector>
                  apiVersion	<string>
                  fieldPath	<string> -required-
                mode	<integer>
                path	<string> -required-
                resourceFieldRef	<ResourceFieldSelector>
                  containerName	<string>
                  divisor	<Quantity>
                  resource	<string> -required-
            secret	<SecretProjection>
              items	<[]KeyToPath>
                key	<string> -required-
                mode	<integer>
                path	<string> -required-
              name	<string>
              optional	<boolean>
            serviceAccountToken	<ServiceAccountTokenProjection>
              audience	<string>
              expirationSeconds	<integer>
              path	<string> -required-
        quobyte	<QuobyteVolumeSource>
          group	<string>
          readOnly	<boolean>
          registry	<string> -required-
          tenant	<string>
          user	<string>
          volume	<string> -required-
        rbd	<RBDVolumeSource>
          fsType	<string>
          image	<string> -required-
          keyring	<string>
          monitors	<[]string> -required-
          pool	<string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference>
            name	<string>
          user	<string>
        scaleIO	<ScaleIOVolumeSource>
          fsType	<string>
          gateway	<string> -required-
          protectionDomain	<string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference> -required-
            name	<string>
          sslEnabled	<boolean>
          storageMode	<string>
          storagePool	<string>
          system	<string> -required-
          volumeName	<string>
        secret	<SecretVolumeSource>
          defaultMode	<integer>
          items	<[]KeyToPath>
            key	<string> -required-
            mode	<integer>
            path	<string> -required-
          optional	<boolean>
          secretName	<string>
        storageos	<StorageOSVolumeSource>
          fsType	<string>
          readOnly	<boolean>
          secretRef	<LocalObjectReference>
            name	<string>
          volumeName	<string>
          volumeNamespace	<string>
        vsphereVolume	<VsphereVirtualDiskVolumeSource>
          fsType	<string>
          storagePolicyID	<string>
          storagePolicyName	<string>
          volumePath	<string> -required-
  ttlSecondsAfterFinished	<integer>

"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain cm.data"#,
        stdin: r#""#,
        stdout: r#"KIND:       ConfigMap
VERSION:    v1

FIELD: data <map[string]string>


DESCRIPTION:
    Data contains the configuration data. Each key must consist of alphanumeric
    characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use
    the BinaryData field. The keys stored in Data must not overlap with the keys
    in the BinaryData field, this is enforced during validation process.
    

"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"explain ev"#,
        stdin: r#""#,
        stdout: r#"KIND:       Event
VERSION:    v1

DESCRIPTION:
    Event is a report of an event somewhere in the cluster.  Events have a
    limited retention time and triggers and messages may evolve with time.
    Event consumers should not rely on the timing of an event with a given
    Reason reflecting a consistent underlying trigger, or the continued
    existence of events with that Reason.  Events should be treated as
    informative, best-effort, supplemental data.
    
FIELDS:
  action	<string>
    What action was taken/failed regarding to the Regarding object.

  apiVersion	<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  count	<integer>
    The number of times this event has occurred.

  eventTime	<string>
    Time when this Event was first observed.

  firstTimestamp	<string>
    The time at which the event was first recorded. (Time of server receipt is
    in TypeMeta.)

  involvedObject	<ObjectReference> -required-
    The object that this event is about.

  kind	<string>
    Kind is a string value representing the REST resource this object
    represents. Servers may infer this from the endpoint the client submits
    requests to. Cannot be updated. In CamelCase. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

  lastTimestamp	<string>
    The time at which the most recent occurrence of this event was recorded.

  message	<string>
    A human-readable description of the status of this operation.

  metadata	<ObjectMeta> -required-
    Standard object's metadata. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata

  reason	<string>
    This should be a short, machine understandable string that gives the reason
    for the transition into the object's current status.

  related	<ObjectReference>
    Optional secondary object for more complex actions.

  reportingComponent	<string>
    Name of the controller that emitted this Event, e.g.
    `kubernetes.io/kubelet`.

  reportingInstance	<string>
    ID of the controller instance, e.g. `kubelet-xyzf`.

  series	<EventSeries>
    Data about the Event series this event represents or nil if it's a singleton
    Event.

  source	<EventSource>
    The component reporting this event. Should be a short machine understandable
    string.

  type	<string>
    Type of this event (Normal, Warning), new types could be added in the future


"#,
        stderr: r#"Warning: short name "ev" could also match lower priority resource events.events.k8s.io
"#,
        exit: 0,
    },
    Golden {
        line: r#"explain job.spec.template.spec.containers.resources --recursive"#,
        stdin: r#""#,
        stdout: r#"GROUP:      batch
KIND:       Job
VERSION:    v1

FIELD: resources <ResourceRequirements>


DESCRIPTION:
    Compute Resources required by this container. Cannot be updated. More info:
    https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    ResourceRequirements describes the compute resource requirements.
    
FIELDS:
  claims	<[]ResourceClaim>
    name	<string> -required-
  limits	<map[string]Quantity>
  requests	<map[string]Quantity>

"#,
        stderr: r#""#,
        exit: 0,
    },
];

/// The objects the label, annotate and taint lines find.
const MUTATIONS_SETUP: &str = r#"apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {node-role.kubernetes.io/worker: "", topology.kubernetes.io/zone: a}
---
apiVersion: v1
kind: Node
metadata:
  name: n2
  labels: {topology.kubernetes.io/zone: b}
spec:
  taints: [{key: dedicated, value: db, effect: NoSchedule}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team, labels: {owner: alice}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {mode: production}
---
apiVersion: v1
kind: Pod
metadata: {name: agent-gfn5j}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: once-nn88j}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-7d8cb84c8-c942v}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-7d8cb84c8-gbqtm}
spec: {containers: [{name: c, image: busybox}]}
"#;

/// label, annotate and taint, each line on [`MUTATIONS_SETUP`].
const MUTATIONS: &[Golden] = &[
    Golden {
        line: r#"label cm app-config tier=backend"#,
        stdin: r#""#,
        stdout: r#"configmap/app-config labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label cm app-config tier=backend tier2=x"#,
        stdin: r#""#,
        stdout: r#"configmap/app-config labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label node n1 topology.kubernetes.io/zone=c"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: 'topology.kubernetes.io/zone' already has a value (a), and --overwrite is false
"#,
        exit: 1,
    },
    Golden {
        line: r#"label node n1 topology.kubernetes.io/zone=c --overwrite"#,
        stdin: r#""#,
        stdout: r#"node/n1 labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label node n1 topology.kubernetes.io/zone-"#,
        stdin: r#""#,
        stdout: r#"node/n1 unlabeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label node n1 nothere-"#,
        stdin: r#""#,
        stdout: r#"label "nothere" not found.
node/n1 not labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label node n1 topology.kubernetes.io/zone=a"#,
        stdin: r#""#,
        stdout: r#"node/n1 not labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label cm app-config a=b --dry-run=client"#,
        stdin: r#""#,
        stdout: r#"configmap/app-config labeled (dry run)
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label cm app-config a=b -o name"#,
        stdin: r#""#,
        stdout: r#"configmap/app-config
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label pods --all tier=x"#,
        stdin: r#""#,
        stdout: r#"pod/agent-gfn5j labeled
pod/db-0 labeled
pod/once-nn88j labeled
pod/web-7d8cb84c8-c942v labeled
pod/web-7d8cb84c8-gbqtm labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label pods db-0 tier=x --all"#,
        stdin: r#""#,
        stdout: r#"pod/db-0 labeled
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"annotate cm app-config note=hi"#,
        stdin: r#""#,
        stdout: r#"configmap/app-config annotated
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"annotate cm app-config note=hi note-"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: can not both modify and remove the following annotation(s) in the same command: note
"#,
        exit: 1,
    },
    Golden {
        line: r#"annotate ns team owner-"#,
        stdin: r#""#,
        stdout: r#"namespace/team annotated
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"taint node n2 dedicated=db:NoSchedule"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: node n2 already has dedicated taint(s) with same effect(s) and --overwrite is false
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint node n2 dedicated=other:NoSchedule"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: node n2 already has dedicated taint(s) with same effect(s) and --overwrite is false
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint node n2 dedicated=other:NoSchedule --overwrite"#,
        stdin: r#""#,
        stdout: r#"node/n2 modified
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"taint node n2 dedicated:NoSchedule-"#,
        stdin: r#""#,
        stdout: r#"node/n2 untainted
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"taint node n2 dedicated-"#,
        stdin: r#""#,
        stdout: r#"node/n2 untainted
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"taint node n1 gpu:NoSchedule-"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: taint "gpu:NoSchedule" not found
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint node n1 gpu=true:NoSchedule"#,
        stdin: r#""#,
        stdout: r#"node/n1 tainted
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"taint node n1 gpu=true:Bogus"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: invalid taint effect: Bogus, unsupported taint effect
See 'kubectl taint -h' for help and examples
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint node n1 gpu=true"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: invalid taint spec: gpu=true, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')
See 'kubectl taint -h' for help and examples
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint node n1"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: at least one taint update is required
"#,
        exit: 1,
    },
    Golden {
        line: r#"taint nodes --all foo=bar:NoExecute"#,
        stdin: r#""#,
        stdout: r#"node/n1 tainted
node/n2 tainted
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"label cm nope a=b"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"Error from server (NotFound): configmaps "nope" not found
"#,
        exit: 1,
    },
    Golden {
        line: r#"annotate cm app-config"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: at least one annotation update is required
"#,
        exit: 1,
    },
];

/// apply and create of several documents on stdin: the ones that fail are reported at the
/// end and the others go on (exit 1).
const APPLY: &[Golden] = &[
    Golden {
        line: r#"apply -f - --validate=false"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  k: v
---
apiVersion: v1
kind: Bogus
metadata:
  name: x
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
"#,
        stdout: r#"configmap/a created
configmap/b created
"#,
        stderr: r#"error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Bogus" in version "v1"
ensure CRDs are installed first
"#,
        exit: 1,
    },
    Golden {
        line: r#"create -f - --validate=false"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  k: v
---
apiVersion: v1
kind: Bogus
metadata:
  name: x
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
"#,
        stdout: r#"configmap/a created
configmap/b created
"#,
        stderr: r#"error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Bogus" in version "v1"
ensure CRDs are installed first
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply -f -"#,
        stdin: r#"apiVersion: v1
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
"#,
        stdout: r#""#,
        stderr: r#"error: error validating "STDIN": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply -f - --validate=false"#,
        stdin: r#"apiVersion: v1
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
"#,
        stdout: r#"configmap/b created
"#,
        stderr: r#"error: unable to decode "STDIN": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"a"}}'
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply -f - --dry-run=client --validate=false"#,
        stdin: r#"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: nginx
"#,
        stdout: r#"configmap/a created (dry run)
deployment.apps/web created (dry run)
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create -f - -o name --validate=false"#,
        stdin: r#"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: nginx
"#,
        stdout: r#"configmap/a
deployment.apps/web
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"apply -f - -n prod --validate=false"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: other
"#,
        stdout: r#""#,
        stderr: r#"error: the namespace from the provided object "other" does not match the namespace "prod". You must pass '--namespace=other' to perform this operation.
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply -f -"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: no objects passed to apply
"#,
        exit: 1,
    },
    Golden {
        line: r#"create -f -"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: no objects passed to create
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply -f - --dry-run=client -o yaml --validate=false"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: other
"#,
        stdout: r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"a","namespace":"other"}}
  name: a
  namespace: other
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"create -f - --dry-run=client -o json --validate=false"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: other
"#,
        stdout: r#"{
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {
        "name": "a",
        "namespace": "other"
    }
}
"#,
        stderr: r#""#,
        exit: 0,
    },
    Golden {
        line: r#"apply -f - --dry-run=bogus"#,
        stdin: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: other
"#,
        stdout: r#""#,
        stderr: r#"error: Invalid dry-run value (bogus). Must be "none", "server", or "client".
"#,
        exit: 1,
    },
    Golden {
        line: r#"apply"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: must specify one of -f and -k
"#,
        exit: 1,
    },
    Golden {
        line: r#"create"#,
        stdin: r#""#,
        stdout: r#""#,
        stderr: r#"error: must specify one of -f and -k
"#,
        exit: 1,
    },
];

/// `wait`, `delete` and `rollout status` wait in virtual time as kubectl waits in real time
/// (wait.go RunWait/IsDeleted, delete.go's `--wait`, rollout_status.go): the clock moves to
/// the instant the condition holds, or by the timeout, with kubectl's messages.
#[test]
fn waits_happen_in_virtual_time() {
    let setup = "apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}
---
apiVersion: v1
kind: Pod
metadata:
  name: slow
  annotations: {sim.kplane.dev/start-seconds: \"5\", sim.kplane.dev/termination-seconds: \"7\"}
spec:
  containers:
  - name: app
    image: nginx
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata:
  name: never
  annotations: {sim.kplane.dev/readiness-fails: \"0-\", sim.kplane.dev/termination-seconds: \"3\"}
spec:
  containers:
  - name: app
    image: nginx
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: held, finalizers: [example.com/hold]}
";
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", setup);
    let t0 = cp.now_ms();
    // Ready after the 5 s start latency and the first probe: the clock stops there.
    assert_eq!(
        run(
            &mut cp,
            "wait --for=condition=Ready pod/slow --timeout=60s",
            ""
        ),
        ("pod/slow condition met\n".into(), String::new(), 0)
    );
    let waited = cp.now_ms() - t0;
    assert!((5_000..=7_000).contains(&waited), "{waited} ms");
    // Never ready: the whole timeout passes.
    let t1 = cp.now_ms();
    assert_eq!(
        run(
            &mut cp,
            "wait --for=condition=Ready pod/never --timeout=20s",
            ""
        ),
        (
            String::new(),
            "error: timed out waiting for the condition on pods/never\n".into(),
            1
        )
    );
    assert_eq!(cp.now_ms() - t1, 20_000);
    // `delete` waits until the pod is gone: its process takes 7 s to exit after SIGTERM.
    let t2 = cp.now_ms();
    assert_eq!(
        run(&mut cp, "delete pod slow", ""),
        ("pod \"slow\" deleted\n".into(), String::new(), 0)
    );
    assert_eq!(cp.now_ms() - t2, 7_000);
    assert_eq!(run(&mut cp, "get pod slow", "").2, 1);
    // `--wait=false` returns at once, and `wait --for=delete` then waits.
    let t3 = cp.now_ms();
    run(&mut cp, "delete pod never --wait=false", "");
    assert_eq!(cp.now_ms(), t3);
    assert_eq!(
        run(&mut cp, "wait --for=delete pod/never --timeout=60s", ""),
        ("pod/never condition met\n".into(), String::new(), 0)
    );
    assert_eq!(cp.now_ms() - t3, 3_000);
    // A finalizer nobody removes: an explicit timeout runs out …
    let t4 = cp.now_ms();
    assert_eq!(
        run(&mut cp, "delete cm held --timeout=10s", ""),
        (
            "configmap \"held\" deleted\n".into(),
            "error: timed out waiting for the condition on configmaps/held\n".into(),
            1
        )
    );
    assert_eq!(cp.now_ms() - t4, 10_000);
    // … and without one, kplane stops waiting when nothing is left to happen.
    let t5 = cp.now_ms();
    assert_eq!(
        run(&mut cp, "delete cm held", ""),
        ("configmap \"held\" deleted\n".into(), String::new(), 0)
    );
    assert!(cp.now_ms() - t5 <= 600_000);
}

/// `rollout status` watches the object and prints rollout_status.go's line at each change
/// until the rollout is done; StatefulSets and DaemonSets have their own viewers.
#[test]
fn rollout_status_watches_until_done() {
    let node = "apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}
";
    let mut cp = control_plane();
    run(&mut cp, "apply -f -", node);
    run(
        &mut cp,
        "create deployment web --image=nginx --replicas=3",
        "",
    );
    let (out, err, code) = run(&mut cp, "rollout status deployment/web", "");
    assert_eq!((err.as_str(), code), ("", 0));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"deployment \"web\" successfully rolled out"),
        "{out}"
    );
    for l in &lines[..lines.len() - 1] {
        assert!(
            l.starts_with("Waiting for deployment \"web\" rollout to finish: ")
                || *l == "Waiting for deployment spec update to be observed...",
            "{l}"
        );
    }
    assert!(lines.len() > 1, "the rollout took some virtual time: {out}");
    // Done: one line, no wait.
    let t = cp.now_ms();
    assert_eq!(
        run(&mut cp, "rollout status deploy web", "").0,
        "deployment \"web\" successfully rolled out\n"
    );
    assert_eq!(cp.now_ms(), t);
    // `--watch=false` prints the current state once.
    run(&mut cp, "set image deploy/web nginx=nginx:2", "");
    let (out, _, _) = run(&mut cp, "rollout status deploy/web --watch=false", "");
    assert_eq!(out.lines().count(), 1, "{out}");
    // A DaemonSet's viewer.
    let ds = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: busybox}]}
";
    run(&mut cp, "apply -f -", ds);
    let (out, err, code) = run(&mut cp, "rollout status ds/agent --timeout=60s", "");
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(
        out.lines().last(),
        Some("daemon set \"agent\" successfully rolled out"),
        "{out}"
    );
    assert_eq!(
        run(&mut cp, "rollout restart ds/agent", "").0,
        "daemonset.apps/agent restarted\n"
    );
    assert_eq!(
        run(&mut cp, "rollout pause ds/agent", "").1,
        "error: no pause rollout support for daemonset.apps\n"
    );
}
