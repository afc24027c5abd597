//! Scenario tests over `examples/network/`: the seed's NetworkPolicy decides who reaches the
//! backend (through `ControlPlane::can_reach`, the reachability matrix and `kubectl sim
//! reach`), EndpointSlices and Endpoints follow readiness, and a LoadBalancer Service gets an
//! address.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const FRONTEND_BACKEND: &str = include_str!("../../examples/network/frontend-backend.yaml");

fn load() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 8,
        ..Default::default()
    })
    .unwrap();
    cp.apply("root", FRONTEND_BACKEND, &ApplyOptions::default())
        .unwrap();
    cp.advance(10.0).unwrap();
    cp
}

fn pod_named(cp: &ControlPlane, prefix: &str) -> String {
    let pods = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Pod".into(),
                namespace: Some("default".into()),
                ..Default::default()
            },
        )
        .unwrap();
    pods.iter()
        .map(|p| object::name(p).to_string())
        .filter(|n| n.starts_with(prefix) && n != "backend-canary")
        .min()
        .unwrap()
}

fn get(cp: &ControlPlane, kind: &str, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: kind.into(),
            namespace: Some("default".into()),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap()
}

#[test]
fn the_seed_policy_lets_frontend_reach_backend_and_nobody_else() {
    let cp = load();
    let (frontend, backend) = (pod_named(&cp, "frontend-"), pod_named(&cp, "backend-"));
    let r = cp
        .can_reach("root", &frontend, &backend, "8080", "")
        .unwrap();
    assert_eq!(r.outcome, "allowed");
    let ingress = r.ingress.unwrap();
    assert_eq!(ingress.allowed_by, ["default/frontend-backend-policy"]);
    assert_eq!(r.egress.unwrap().isolated_by, Vec::<String>::new());

    let r = cp.can_reach("root", "other", &backend, "8080", "").unwrap();
    assert_eq!(r.outcome, "denied");
    assert_eq!(
        r.ingress.as_ref().unwrap().isolated_by,
        ["default/frontend-backend-policy"]
    );
    assert!(r
        .reason
        .contains("no ingress rule allows traffic from default/other"));
    // The named port resolves on the destination.
    let r = cp
        .can_reach("root", &frontend, &backend, "http", "")
        .unwrap();
    assert_eq!((r.outcome.as_str(), r.port.as_str()), ("allowed", "http"));
    // Nothing isolates the other pods.
    let r = cp.can_reach("root", &backend, "other", "80", "").unwrap();
    assert_eq!(r.outcome, "allowed");
    // An external client is not a frontend pod.
    let r = cp
        .can_reach("root", "203.0.113.9", &backend, "8080", "")
        .unwrap();
    assert_eq!(r.outcome, "denied");
    // Bad input is a Status.
    assert_eq!(
        cp.can_reach("root", "nope", &backend, "80", "")
            .unwrap_err()
            .code,
        404
    );
    assert_eq!(
        cp.can_reach("root", &frontend, &backend, "0", "")
            .unwrap_err()
            .code,
        400
    );
    assert_eq!(
        cp.can_reach("root", &frontend, &backend, "80", "ICMP")
            .unwrap_err()
            .code,
        400
    );
}

#[test]
fn the_matrix_denies_only_traffic_into_the_backends_from_non_frontends() {
    let cp = load();
    let m = cp
        .reachability("root", Some("default"), "8080", "TCP")
        .unwrap();
    assert_eq!(m.pods.len(), 5);
    for (i, from) in m.pods.iter().enumerate() {
        for (j, to) in m.pods.iter().enumerate() {
            let into_backend = to.starts_with("default/backend");
            let from_frontend = from.starts_with("default/frontend");
            let want = if into_backend && !from_frontend {
                "denied"
            } else {
                "allowed"
            };
            assert_eq!(m.cells[i][j].outcome, want, "{from} -> {to}");
        }
    }
    assert!(m.table.lines().count() == 6);
}

#[test]
fn kubectl_sim_reach_answers_and_exits_like_auth_can_i() {
    let mut cp = load();
    let (frontend, backend) = (pod_named(&cp, "frontend-"), pod_named(&cp, "backend-"));
    let out = cp.kubectl(&format!("sim reach {frontend} {backend} --port 8080"), "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("allowed: default/{frontend} -> default/{backend} on port 8080/TCP\n  egress:  no policy selects default/{frontend} for egress\n  ingress: ingress of default/{backend} allowed by default/frontend-backend-policy\n")
    );
    let out = cp.kubectl(&format!("sim reach other {backend} --port=8080"), "");
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stdout.starts_with("denied: default/other ->"),
        "{}",
        out.stdout
    );
    let out = cp.kubectl("sim reach --matrix --port 8080", "");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("Reachability on port 8080/TCP"));
    assert_eq!(cp.kubectl("sim reach other", "").exit_code, 1);
}

#[test]
fn endpoints_follow_readiness_and_the_load_balancer_gets_an_address() {
    let mut cp = load();
    let slices = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "EndpointSlice".into(),
                namespace: Some("default".into()),
                label_selector: Some("kubernetes.io/service-name=backend".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(slices.len(), 1);
    let slice = &slices[0];
    assert_eq!(
        slice["ports"],
        kplane::json!([{"name": "http", "port": 8080, "protocol": "TCP"}])
    );
    let ready = |s: &Value| -> Vec<bool> {
        s["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["conditions"]["ready"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(ready(slice), [true, true, true]);
    // backend-canary fails readiness from 30 s on: out of rotation.
    cp.advance(40.0).unwrap();
    let ep = get(&cp, "Endpoints", "backend");
    let not_ready = &ep["subsets"][0]["notReadyAddresses"];
    assert_eq!(not_ready.as_array().unwrap().len(), 1);
    assert_eq!(not_ready[0]["targetRef"]["name"], "backend-canary");
    assert_eq!(ep["subsets"][0]["addresses"].as_array().unwrap().len(), 2);
    let out = cp.kubectl("get endpointslices", "");
    assert!(out.stdout.contains("8080"), "{}", out.stdout);

    let svc = get(&cp, "Service", "frontend");
    let ip = str_at(&svc, &["status", "loadBalancer", "ingress", "0", "ip"])
        .or_else(|| svc["status"]["loadBalancer"]["ingress"][0]["ip"].as_str())
        .unwrap();
    assert!(ip.starts_with("203.0.113."), "{ip}");
    assert!(svc["metadata"]["finalizers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "service.kubernetes.io/load-balancer-cleanup"));
}
