//! Scenario tests over `examples/policy/`: a namespace's LimitRange fills in and enforces CPU
//! bounds, its ResourceQuota stops the third pod (the ReplicaSet reports FailedCreate), as
//! kubernetes.io's tasks describe.
use kplane::api::object;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const QUOTA: &str = include_str!("../../examples/policy/quota-and-limits.yaml");
const TOO_MUCH: &str = include_str!("../../examples/policy/too-much-cpu.yaml");

fn load() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 9,
        ..Default::default()
    })
    .unwrap();
    cp.apply("root", QUOTA, &ApplyOptions::default()).unwrap();
    cp.advance(10.0).unwrap();
    cp
}

fn list(cp: &ControlPlane, kind: &str) -> Vec<kplane::api::Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            namespace: Some("quota-demo".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn the_quota_admits_two_pods_and_the_replica_set_reports_the_third() {
    let cp = load();
    let pods = list(&cp, "Pod");
    assert_eq!(pods.len(), 2);
    for p in &pods {
        assert_eq!(p["status"]["phase"], "Running");
        // The LimitRange's max became the default limit and request.
        let r = &p["spec"]["containers"][0]["resources"];
        assert_eq!(r["limits"]["cpu"], "800m");
        assert_eq!(r["requests"]["cpu"], "800m");
        assert_eq!(
            p["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
            "LimitRanger plugin set: cpu request for container pod-quota-demo; cpu limit for container pod-quota-demo"
        );
    }
    let quota = cp
        .get(
            "root",
            &ObjectRef {
                kind: "ResourceQuota".into(),
                namespace: Some("quota-demo".into()),
                name: "pod-demo".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(quota["status"]["used"]["pods"], "2");
    assert_eq!(quota["status"]["hard"]["pods"], "2");
    let rs = list(&cp, "ReplicaSet");
    let rs_name = object::name(&rs[0]).to_string();
    let failed: Vec<String> = list(&cp, "Event")
        .iter()
        .filter(|e| {
            e["involvedObject"]["name"] == rs_name.as_str() && e["reason"] == "FailedCreate"
        })
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 1, "one Event, counted");
    assert_eq!(
        failed[0],
        format!("Error creating: pods \"{rs_name}-\" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2")
    );
}

#[test]
fn a_container_over_the_limit_range_max_is_refused() {
    let mut cp = load();
    let e = cp
        .apply("root", TOO_MUCH, &ApplyOptions::default())
        .unwrap_err();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        "pods \"constraints-cpu-demo-2\" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m"
    );
    let out = cp.kubectl("describe quota pod-demo -n quota-demo", "");
    assert!(
        out.stdout.contains("\npods        2     2\n"),
        "{}",
        out.stdout
    );
    let out = cp.kubectl("describe limits cpu-min-max-demo-lr -n quota-demo", "");
    // The stored LimitRange has the defaults SetDefaults_LimitRangeItem filled in.
    assert!(
        out.stdout
            .contains("\nContainer   cpu       200m  800m  800m             800m           -\n"),
        "{}",
        out.stdout
    );
}
