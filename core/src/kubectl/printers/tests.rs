//! Table rows of the printers against upstream's own vectors (kubernetes/kubernetes
//! pkg/printers/internalversion/printers_test.go: `TestPrintPod`,
//! `TestPrintPodWithRestartableInitContainer`, `TestPrintServiceLoadBalancer`,
//! `TestPrintNodeInternalIP`, `TestPrintIngressClass`), the Go structs written as JSON and
//! `time.Now()` as the virtual clock.
use super::for_kind;
use crate::api::kinds::by_kind;
use crate::api::Value;
use crate::json;
use crate::sim::format_rfc3339;

const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn ago(seconds: i64) -> String {
    format_rfc3339(NOW - seconds * 1000)
}

/// The cells kubectl shows (priority 0, or all with `-o wide`).
fn cells(api_version: &str, kind: &str, obj: &Value, wide: bool) -> Vec<String> {
    let info = by_kind(Some(api_version), kind).expect("a served kind");
    let p = for_kind(info);
    let row = p.row(obj, NOW);
    p.columns
        .iter()
        .zip(row)
        .filter(|(c, _)| wide || c.priority == 0)
        .map(|(_, cell)| cell)
        .collect()
}

fn pod(name: &str, spec: Value, status: Value) -> Value {
    json!({"metadata": {"name": name}, "spec": spec, "status": status})
}

fn two() -> Value {
    json!({"containers": [{}, {}]})
}

fn one() -> Value {
    json!({"containers": [{}]})
}

/// `TestPrintPod`.
#[test]
fn pod_rows_match_print_pod_vectors() {
    let running = json!({"running": {}});
    let waiting = json!({"waiting": {}});
    let terminated_10s = json!({"terminated": {"finishedAt": ago(10)}});
    let deleting = |p: Value| {
        let mut p = p;
        p["metadata"]["deletionTimestamp"] = Value::from(ago(10));
        p
    };
    let cases: Vec<(Value, [&str; 5])> = vec![
        (
            pod(
                "test1",
                two(),
                json!({"phase": "podPhase", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": running.clone()},
                {"restartCount": 3}]}),
            ),
            ["test1", "1/2", "podPhase", "6", "<unknown>"],
        ),
        (
            pod(
                "test2",
                two(),
                json!({"phase": "podPhase", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": running.clone()},
                {"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3}]}),
            ),
            ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
        ),
        (
            pod(
                "test3",
                two(),
                json!({"phase": "podPhase", "containerStatuses": [
                {"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3},
                {"state": {"terminated": {"reason": "ContainerTerminatedReason"}}, "restartCount": 3}]}),
            ),
            ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
        ),
        (
            pod(
                "test4",
                two(),
                json!({"phase": "podPhase", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": running.clone()},
                {"ready": true, "restartCount": 3}]}),
            ),
            ["test4", "1/2", "podPhase", "6", "<unknown>"],
        ),
        (
            pod(
                "test5",
                two(),
                json!({"reason": "podReason", "phase": "podPhase", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": running.clone()},
                {"ready": true, "restartCount": 3}]}),
            ),
            ["test5", "1/2", "podReason", "6", "<unknown>"],
        ),
        (
            pod(
                "test6",
                two(),
                json!({"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                {"ready": true, "restartCount": 3, "state": running.clone()}]}),
            ),
            ["test6", "1/2", "NotReady", "6", "<unknown>"],
        ),
        (
            pod(
                "test6",
                two(),
                json!({"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                {"ready": true, "restartCount": 3, "state": running.clone()}],
                "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": ago(0)}]}),
            ),
            ["test6", "1/2", "Running", "6", "<unknown>"],
        ),
        (
            pod(
                "test7",
                json!({"initContainers": [{}], "containers": [{}]}),
                json!({"phase": "podPhase",
                "initContainerStatuses": [{"restartCount": 3, "state": running.clone(), "lastState": terminated_10s.clone()}],
                "containerStatuses": [{"state": waiting.clone()}]}),
            ),
            ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test8",
                json!({"initContainers": [{}, {}], "containers": [{}]}),
                json!({"phase": "podPhase",
                "initContainerStatuses": [
                    {"restartCount": 3, "state": running.clone(), "lastState": terminated_10s.clone()},
                    {"state": waiting.clone()}],
                "containerStatuses": [{"state": waiting.clone()}]}),
            ),
            ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test9",
                json!({"initContainers": [{}, {}], "containers": [{}]}),
                json!({"phase": "podPhase",
                "initContainerStatuses": [
                    {"state": {"terminated": {}}},
                    {"restartCount": 3, "state": running.clone(), "lastState": terminated_10s.clone()}],
                "containerStatuses": [{"state": waiting.clone()}]}),
            ),
            ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test10",
                json!({"initContainers": [{}, {}], "containers": [{}]}),
                json!({"phase": "podPhase",
                "initContainerStatuses": [
                    {"restartCount": 2, "state": {"terminated": {}}, "lastState": {"terminated": {"finishedAt": ago(120)}}},
                    {"restartCount": 3, "state": running.clone(), "lastState": terminated_10s.clone()}],
                "containerStatuses": [{"state": waiting.clone()}]}),
            ),
            ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test11",
                json!({"initContainers": [{}], "containers": [{}]}),
                json!({"phase": "Running",
                "initContainerStatuses": [
                    {"restartCount": 2, "state": {"terminated": {}}, "lastState": {"terminated": {"finishedAt": ago(120)}}}],
                "containerStatuses": [
                    {"restartCount": 4, "state": running.clone(), "lastState": {"terminated": {"finishedAt": ago(20)}}}]}),
            ),
            ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"],
        ),
        (
            pod(
                "test12",
                one(),
                json!({"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 3, "state": running.clone(), "lastState": {"terminated": {"finishedAt": ago(5 * 86400)}}}]}),
            ),
            ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"],
        ),
        (
            pod(
                "test13",
                two(),
                json!({"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 0, "state": running.clone()},
                {"ready": true, "restartCount": 3, "state": running.clone(), "lastState": {"terminated": {"finishedAt": ago(10 * 86400)}}}]}),
            ),
            ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"],
        ),
        (
            pod(
                "test14",
                two(),
                json!({"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 6, "state": running.clone(), "lastState": {"terminated": {"finishedAt": ago(5 * 86400)}}},
                {"ready": true, "restartCount": 3, "state": running.clone(), "lastState": {"terminated": {"finishedAt": ago(20 * 86400)}}}]}),
            ),
            ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"],
        ),
        (
            pod(
                "test15",
                two(),
                json!({"phase": "podPhase", "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
            ),
            ["test15", "0/2", "SchedulingGated", "0", "<unknown>"],
        ),
        (
            pod(
                "test16",
                one(),
                json!({"phase": "Succeeded", "containerStatuses": [
                {"restartCount": 0, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}),
            ),
            ["test16", "0/1", "Completed", "0", "<unknown>"],
        ),
        (
            pod(
                "test17",
                one(),
                json!({"phase": "Failed", "containerStatuses": [
                {"restartCount": 0, "state": {"terminated": {"reason": "Error", "exitCode": 1}}}]}),
            ),
            ["test17", "0/1", "Error", "0", "<unknown>"],
        ),
        (
            deleting(pod(
                "test18",
                one(),
                json!({"phase": "Succeeded", "containerStatuses": [
                {"restartCount": 0, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}),
            )),
            ["test18", "0/1", "Completed", "0", "<unknown>"],
        ),
        (
            deleting(pod(
                "test19",
                one(),
                json!({"phase": "Running", "containerStatuses": [
                {"restartCount": 0, "state": running.clone()}]}),
            )),
            ["test19", "0/1", "Terminating", "0", "<unknown>"],
        ),
        (
            deleting(pod("test20", one(), json!({"phase": "Pending"}))),
            ["test20", "0/1", "Terminating", "0", "<unknown>"],
        ),
    ];
    for (p, want) in cases {
        assert_eq!(
            cells("v1", "Pod", &p, false),
            want,
            "{}",
            p["metadata"]["name"]
        );
    }
}

/// `TestPrintPodWithRestartableInitContainer` (the first two cases).
#[test]
fn pod_rows_with_restartable_init_containers() {
    let spec = json!({"initContainers": [
        {"name": "restartable-init-1", "restartPolicy": "Always"},
        {"name": "restartable-init-2", "restartPolicy": "Always"}], "containers": [{}]});
    let status = |second: Value, started_first: bool| {
        json!({"phase": "Pending",
            "initContainerStatuses": [
                {"name": "restartable-init-1", "restartCount": 3, "state": {"running": {}}, "started": started_first,
                 "lastState": {"terminated": {"finishedAt": ago(10)}}},
                second],
            "containerStatuses": [{"restartCount": 0, "state": {"waiting": {}}}],
            "conditions": [{"type": "Initialized", "status": "False"}]})
    };
    let not_started = pod(
        "test1",
        spec.clone(),
        status(
            json!({"name": "restartable-init-2", "state": {"waiting": {}}, "started": false}),
            false,
        ),
    );
    assert_eq!(
        cells("v1", "Pod", &not_started, false),
        ["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"]
    );
    let first_started = pod(
        "test1",
        spec,
        status(
            json!({"name": "restartable-init-2", "state": {"running": {}}, "started": false}),
            true,
        ),
    );
    assert_eq!(
        cells("v1", "Pod", &first_started, false),
        ["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"]
    );
}

/// `TestPrintServiceLoadBalancer`.
#[test]
fn service_rows_match_load_balancer_vectors() {
    let svc = |name: &str, ip: &str, ports: Value, ingress: Value, selector: Value| {
        json!({"metadata": {"name": name}, "spec": {"clusterIPs": [ip], "type": "LoadBalancer",
            "ports": ports, "selector": selector}, "status": {"loadBalancer": {"ingress": ingress}}})
    };
    let tcp80 = json!([{"port": 80, "protocol": "TCP"}]);
    let three = json!([{"port": 80, "protocol": "TCP"}, {"port": 8090, "protocol": "UDP"}, {"port": 8000, "protocol": "TCP"}]);
    let long =
        json!([{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]);
    let cases: Vec<(Value, bool, Vec<&str>)> = vec![
        (
            svc(
                "service1",
                "1.2.3.4",
                tcp80,
                json!([{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]),
                Value::Null,
            ),
            false,
            vec![
                "service1",
                "LoadBalancer",
                "1.2.3.4",
                "2.3.4.5,3.4.5.6",
                "80/TCP",
                "<unknown>",
            ],
        ),
        (
            svc(
                "service2",
                "1.3.4.5",
                json!([{"port": 80, "protocol": "TCP"}, {"port": 8090, "protocol": "UDP"},
                {"port": 8000, "protocol": "TCP"}, {"port": 7777, "protocol": "SCTP"}]),
                json!([]),
                Value::Null,
            ),
            false,
            vec![
                "service2",
                "LoadBalancer",
                "1.3.4.5",
                "<pending>",
                "80/TCP,8090/UDP,8000/TCP,7777/SCTP",
                "<unknown>",
            ],
        ),
        (
            svc(
                "service3",
                "1.4.5.6",
                three.clone(),
                json!([{"ip": "2.3.4.5"}]),
                Value::Null,
            ),
            false,
            vec![
                "service3",
                "LoadBalancer",
                "1.4.5.6",
                "2.3.4.5",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
            ],
        ),
        // Upstream elides this list to 16 characters when the printer runs without
        // `Wide`; the API server's TableConvertor (pkg/printers/storage) always generates
        // tables with `Wide: true`, so kubectl shows it whole.
        (
            svc(
                "service4",
                "1.5.6.7",
                three.clone(),
                long.clone(),
                Value::Null,
            ),
            false,
            vec![
                "service4",
                "LoadBalancer",
                "1.5.6.7",
                "2.3.4.5,3.4.5.6,5.6.7.8",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
            ],
        ),
        (
            svc("service4", "1.5.6.7", three, long, json!({"foo": "bar"})),
            true,
            vec![
                "service4",
                "LoadBalancer",
                "1.5.6.7",
                "2.3.4.5,3.4.5.6,5.6.7.8",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
                "foo=bar",
            ],
        ),
    ];
    for (s, wide, want) in cases {
        assert_eq!(
            cells("v1", "Service", &s, wide),
            want,
            "{}",
            s["metadata"]["name"]
        );
    }
}

/// `TestPrintNodeInternalIP` (wide).
#[test]
fn node_rows_match_internal_ip_vectors() {
    let node = |name: &str, addresses: Value| json!({"metadata": {"name": name}, "status": {"addresses": addresses}});
    let cases = [
        (
            node(
                "foo1",
                json!([{"type": "InternalIP", "address": "1.1.1.1"}]),
            ),
            [
                "foo1",
                "Unknown",
                "<none>",
                "<unknown>",
                "",
                "1.1.1.1",
                "<none>",
                "<unknown>",
                "<unknown>",
                "<unknown>",
            ],
        ),
        (
            node(
                "foo2",
                json!([{"type": "ExternalIP", "address": "1.1.1.1"}]),
            ),
            [
                "foo2",
                "Unknown",
                "<none>",
                "<unknown>",
                "",
                "<none>",
                "1.1.1.1",
                "<unknown>",
                "<unknown>",
                "<unknown>",
            ],
        ),
        (
            node(
                "foo3",
                json!([{"type": "InternalIP", "address": "2.2.2.2"}, {"type": "ExternalIP", "address": "3.3.3.3"},
                    {"type": "InternalIP", "address": "4.4.4.4"}]),
            ),
            [
                "foo3",
                "Unknown",
                "<none>",
                "<unknown>",
                "",
                "2.2.2.2",
                "3.3.3.3",
                "<unknown>",
                "<unknown>",
                "<unknown>",
            ],
        ),
    ];
    for (n, want) in cases {
        assert_eq!(cells("v1", "Node", &n, true), want);
    }
}

/// `TestPrintIngressClass`.
#[test]
fn ingress_class_rows() {
    let years = |y: i64| format_rfc3339(NOW - y * 365 * 86_400_000);
    let class = |name: &str, created: String, params: Value| {
        json!({"metadata": {"name": name, "creationTimestamp": created},
            "spec": {"controller": if name == "test2" { "example.com/controller2" } else { "example.com/controller" },
                "parameters": params}})
    };
    let cases = [
        (
            class(
                "test1",
                years(10),
                json!({"kind": "customgroup", "name": "example"}),
            ),
            [
                "test1",
                "example.com/controller",
                "customgroup/example",
                "10y",
            ],
        ),
        (
            class(
                "test1",
                years(10),
                json!({"apiGroup": "example.com", "kind": "customgroup", "name": "example"}),
            ),
            [
                "test1",
                "example.com/controller",
                "customgroup.example.com/example",
                "10y",
            ],
        ),
        (
            class("test2", years(11), Value::Null),
            ["test2", "example.com/controller2", "<none>", "11y"],
        ),
    ];
    for (c, want) in cases {
        assert_eq!(
            cells("networking.k8s.io/v1", "IngressClass", &c, false),
            want
        );
    }
}
