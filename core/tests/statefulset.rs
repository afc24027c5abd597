//! The StatefulSet controller: scenario tests over `examples/workloads/statefulset*.yaml`,
//! holding the simulation to what each manifest's header promises.
use kplane::api::object::{self, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, DeleteOptions, ListOptions, ObjectRef, Options};

const WEB: &str = include_str!("../../examples/workloads/statefulset.yaml");
const PARTITION: &str = include_str!("../../examples/workloads/statefulset-partition.yaml");

fn load(manifest: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 5,
        ..Default::default()
    })
    .unwrap();
    let r = cp
        .apply("root", manifest, &ApplyOptions::default())
        .unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    cp
}

fn apply(cp: &mut ControlPlane, manifest: &str) {
    cp.apply("root", manifest, &ApplyOptions::default())
        .unwrap();
}

fn list(cp: &ControlPlane, kind: &str) -> Vec<Value> {
    cp.list_items(
        "root",
        &ListOptions {
            kind: kind.into(),
            namespace: Some("default".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn get(cp: &ControlPlane, kind: &str, name: &str) -> Option<Value> {
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
}

fn pod_names(cp: &ControlPlane) -> Vec<String> {
    let mut n: Vec<String> = list(cp, "Pod")
        .iter()
        .map(|p| object::name(p).to_string())
        .collect();
    n.sort();
    n
}

fn ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|a| {
        a.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn image(p: &Value) -> &str {
    p["spec"]["containers"][0]["image"].as_str().unwrap_or("")
}

fn int(v: &Value, keys: &[&str]) -> i64 {
    object::i64_at(v, keys).unwrap_or(0)
}

fn has_event(cp: &ControlPlane, object_name: &str, reason: &str, text: &str) -> bool {
    cp.list_items(
        "root",
        &ListOptions {
            kind: "Event".into(),
            namespace: Some("default".into()),
            field_selector: Some(format!("involvedObject.name={object_name}")),
            ..Default::default()
        },
    )
    .unwrap()
    .iter()
    .any(|e| e["reason"] == reason && e["message"].as_str().unwrap_or("").contains(text))
}

#[test]
fn ordered_ready_creates_pods_in_order_after_min_ready_seconds() {
    let mut cp = load(WEB);
    assert_eq!(pod_names(&cp), ["web-0"]);
    // The claim exists before its pod.
    assert!(get(&cp, "PersistentVolumeClaim", "www-web-0").is_some());
    cp.advance(10.5).unwrap();
    assert_eq!(pod_names(&cp), ["web-0"], "web-0 is not yet available");
    cp.advance(1.0).unwrap(); // 11.5 s
    assert_eq!(pod_names(&cp), ["web-0", "web-1"]);
    cp.advance(10.0).unwrap(); // 21.5 s
    assert_eq!(pod_names(&cp), ["web-0", "web-1"]);
    cp.advance(1.0).unwrap(); // 22.5 s
    assert_eq!(pod_names(&cp), ["web-0", "web-1", "web-2"]);
    cp.advance(1.0).unwrap(); // 23.5 s
    let set = get(&cp, "StatefulSet", "web").unwrap();
    assert_eq!(int(&set, &["status", "readyReplicas"]), 3);
    assert_eq!(int(&set, &["status", "availableReplicas"]), 2);
    cp.advance(10.0).unwrap(); // 33.5 s
    let set = get(&cp, "StatefulSet", "web").unwrap();
    assert_eq!(int(&set, &["status", "availableReplicas"]), 3);
    assert_eq!(int(&set, &["status", "currentReplicas"]), 3);
    assert_eq!(int(&set, &["status", "updatedReplicas"]), 3);
    let current = str_at(&set, &["status", "currentRevision"]).unwrap();
    assert_eq!(Some(current), str_at(&set, &["status", "updateRevision"]));
    assert!(current.starts_with("web-"));
    assert!(get(&cp, "ControllerRevision", current).is_some());
    assert_eq!(int(&set, &["status", "observedGeneration"]), 1);

    for i in 0..3 {
        let name = format!("web-{i}");
        let p = get(&cp, "Pod", &name).unwrap();
        assert!(ready(&p), "{name}");
        let labels = &p["metadata"]["labels"];
        assert_eq!(labels["statefulset.kubernetes.io/pod-name"], name.as_str());
        assert_eq!(
            labels["apps.kubernetes.io/pod-index"],
            i.to_string().as_str()
        );
        assert_eq!(labels["controller-revision-hash"], current);
        assert_eq!(p["spec"]["hostname"], name.as_str());
        assert_eq!(p["spec"]["subdomain"], "nginx");
        let claim = format!("www-web-{i}");
        assert_eq!(p["spec"]["volumes"][0]["name"], "www");
        assert_eq!(
            p["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
            claim.as_str()
        );
        let pvc = get(&cp, "PersistentVolumeClaim", &claim).unwrap();
        assert_eq!(pvc["metadata"]["labels"]["app"], "nginx");
        assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "1Gi");
        // whenDeleted: Delete → the claim is owned by the StatefulSet.
        assert_eq!(pvc["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
        assert!(has_event(
            &cp,
            "web",
            "SuccessfulCreate",
            &format!("create Pod {name} in StatefulSet web successful")
        ));
        assert!(has_event(
            &cp,
            "web",
            "SuccessfulCreate",
            &format!("create Claim {claim} Pod {name} in StatefulSet web success")
        ));
    }
    let out = cp.kubectl("get statefulsets", "").stdout;
    let row: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        out.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["NAME", "READY", "AGE"]
    );
    assert_eq!(row[..2], ["web", "3/3"]);
}

#[test]
fn scaling_down_removes_the_highest_ordinal_first_and_keeps_claims() {
    let mut cp = load(WEB);
    cp.advance(40.0).unwrap();
    assert_eq!(pod_names(&cp), ["web-0", "web-1", "web-2"]);
    apply(&mut cp, &WEB.replace("replicas: 3 #", "replicas: 1 #"));
    // One at a time: web-2 goes first, web-1 only once web-2 is gone.
    let mut seen = vec![pod_names(&cp)];
    let mut terminating_seen = Vec::new();
    for _ in 0..40 {
        let terminating: Vec<String> = list(&cp, "Pod")
            .iter()
            .filter(|p| object::is_terminating(p))
            .map(|p| object::name(p).to_string())
            .collect();
        assert!(terminating.len() <= 1, "{terminating:?}");
        for t in terminating {
            if !terminating_seen.contains(&t) {
                terminating_seen.push(t);
            }
        }
        cp.advance(0.5).unwrap();
        let names = pod_names(&cp);
        if seen.last() != Some(&names) {
            seen.push(names);
        }
    }
    assert_eq!(terminating_seen, ["web-2", "web-1"]);
    assert_eq!(
        seen,
        [
            vec!["web-0", "web-1", "web-2"],
            vec!["web-0", "web-1"],
            vec!["web-0"],
        ]
        .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
    );
    // whenScaled: Retain keeps the claims of the removed pods.
    for i in 0..3 {
        assert!(get(&cp, "PersistentVolumeClaim", &format!("www-web-{i}")).is_some());
    }
    assert!(has_event(
        &cp,
        "web",
        "SuccessfulDelete",
        "delete Pod web-2 in StatefulSet web successful"
    ));
    // Scaling up again reuses web-1's claim.
    apply(&mut cp, WEB);
    cp.advance(30.0).unwrap();
    assert_eq!(pod_names(&cp), ["web-0", "web-1", "web-2"]);
    // whenDeleted: Delete: deleting the set takes its claims along.
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "StatefulSet".into(),
            namespace: Some("default".into()),
            name: "web".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(30.0).unwrap();
    assert!(pod_names(&cp).is_empty());
    assert!(list(&cp, "PersistentVolumeClaim").is_empty());
}

#[test]
fn when_scaled_delete_removes_the_claims_of_scaled_down_pods() {
    let manifest = WEB.replace("whenScaled: Retain", "whenScaled: Delete");
    let mut cp = load(&manifest);
    cp.advance(40.0).unwrap();
    apply(&mut cp, &manifest.replace("replicas: 3 #", "replicas: 2 #"));
    cp.advance(5.0).unwrap();
    assert_eq!(pod_names(&cp), ["web-0", "web-1"]);
    assert!(get(&cp, "PersistentVolumeClaim", "www-web-2").is_none());
    assert!(get(&cp, "PersistentVolumeClaim", "www-web-1").is_some());
}

#[test]
fn rolling_update_goes_from_the_highest_ordinal_down_one_at_a_time() {
    let mut cp = load(WEB);
    cp.advance(40.0).unwrap();
    let old_rev = str_at(
        &get(&cp, "StatefulSet", "web").unwrap(),
        &["status", "currentRevision"],
    )
    .unwrap()
    .to_string();
    apply(&mut cp, &WEB.replace("nginx-slim:0.24", "nginx-slim:0.27"));
    let mut order = Vec::new();
    for _ in 0..200 {
        let pods = list(&cp, "Pod");
        // Never more than one pod down at a time.
        let not_ready = pods.iter().filter(|p| !ready(p)).count() + (3 - pods.len());
        assert!(not_ready <= 1, "{not_ready} pods down at once");
        for p in &pods {
            let name = object::name(p).to_string();
            if image(p).ends_with("0.27") && !order.contains(&name) {
                order.push(name);
            }
        }
        cp.advance(0.5).unwrap();
    }
    assert_eq!(order, ["web-2", "web-1", "web-0"]);
    let set = get(&cp, "StatefulSet", "web").unwrap();
    let new_rev = str_at(&set, &["status", "updateRevision"]).unwrap();
    assert_ne!(new_rev, old_rev);
    assert_eq!(str_at(&set, &["status", "currentRevision"]), Some(new_rev));
    assert_eq!(int(&set, &["status", "updatedReplicas"]), 3);
    let revs = list(&cp, "ControllerRevision");
    assert_eq!(revs.len(), 2);
    assert!(revs
        .iter()
        .any(|r| r["revision"] == 2 && object::name(r) == new_rev));
}

#[test]
fn parallel_pods_start_together_and_partition_stages_the_rollout() {
    let mut cp = load(PARTITION);
    assert_eq!(pod_names(&cp), ["db-0", "db-1", "db-2", "db-3"]);
    cp.advance(5.0).unwrap();
    let set = get(&cp, "StatefulSet", "db").unwrap();
    assert_eq!(int(&set, &["status", "readyReplicas"]), 4);
    let old_rev = str_at(&set, &["status", "currentRevision"])
        .unwrap()
        .to_string();

    let staged = PARTITION.replace("postgres:16.3", "postgres:16.4");
    apply(&mut cp, &staged);
    let mut order = Vec::new();
    for _ in 0..60 {
        for p in list(&cp, "Pod") {
            let name = object::name(&p).to_string();
            if image(&p) == "postgres:16.4" && !order.contains(&name) {
                order.push(name);
            }
        }
        cp.advance(0.5).unwrap();
    }
    assert_eq!(order, ["db-3", "db-2"]);
    for (name, img) in [("db-0", "postgres:16.3"), ("db-1", "postgres:16.3")] {
        assert_eq!(image(&get(&cp, "Pod", name).unwrap()), img);
    }
    let set = get(&cp, "StatefulSet", "db").unwrap();
    assert_eq!(
        str_at(&set, &["status", "currentRevision"]),
        Some(old_rev.as_str())
    );
    assert_ne!(
        str_at(&set, &["status", "updateRevision"]),
        Some(old_rev.as_str())
    );
    assert_eq!(int(&set, &["status", "updatedReplicas"]), 2);
    assert_eq!(int(&set, &["status", "currentReplicas"]), 2);

    apply(&mut cp, &staged.replace("partition: 2", "partition: 0"));
    for _ in 0..60 {
        for p in list(&cp, "Pod") {
            let name = object::name(&p).to_string();
            if image(&p) == "postgres:16.4" && !order.contains(&name) {
                order.push(name);
            }
        }
        cp.advance(0.5).unwrap();
    }
    assert_eq!(order, ["db-3", "db-2", "db-1", "db-0"]);
    let set = get(&cp, "StatefulSet", "db").unwrap();
    assert_eq!(
        str_at(&set, &["status", "currentRevision"]),
        str_at(&set, &["status", "updateRevision"])
    );
    assert_eq!(int(&set, &["status", "currentReplicas"]), 4);
}

#[test]
fn on_delete_updates_a_pod_only_when_it_is_deleted() {
    let manifest = PARTITION.replace(
        "    type: RollingUpdate\n    rollingUpdate:\n      partition: 2\n",
        "    type: OnDelete\n",
    );
    let mut cp = load(&manifest);
    cp.advance(5.0).unwrap();
    apply(&mut cp, &manifest.replace("postgres:16.3", "postgres:16.4"));
    cp.advance(30.0).unwrap();
    assert!(list(&cp, "Pod").iter().all(|p| image(p) == "postgres:16.3"));
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "db-1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(10.0).unwrap();
    assert_eq!(image(&get(&cp, "Pod", "db-1").unwrap()), "postgres:16.4");
    assert_eq!(image(&get(&cp, "Pod", "db-0").unwrap()), "postgres:16.3");
    let set = get(&cp, "StatefulSet", "db").unwrap();
    assert_eq!(int(&set, &["status", "updatedReplicas"]), 1);
    assert_eq!(int(&set, &["status", "currentReplicas"]), 3);
}

#[test]
fn a_deleted_pod_comes_back_with_the_same_name_and_claim() {
    let mut cp = load(WEB);
    cp.advance(40.0).unwrap();
    let uid = get(&cp, "Pod", "web-1").unwrap()["metadata"]["uid"].clone();
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "web-1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(5.0).unwrap();
    let p = get(&cp, "Pod", "web-1").unwrap();
    assert_ne!(p["metadata"]["uid"], uid);
    assert!(ready(&p));
    assert_eq!(
        p["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "www-web-1"
    );
    assert_eq!(list(&cp, "PersistentVolumeClaim").len(), 3);
}

#[test]
fn a_settled_set_writes_nothing() {
    let mut cp = load(WEB);
    let settled = cp.run_until_settled(Some(300.0)).unwrap();
    assert!(settled.settled, "{settled:?}");
    let rev = cp.server().store.revision();
    cp.advance(600.0).unwrap();
    assert_eq!(cp.server().store.revision(), rev);
}

#[test]
fn foreground_deletion_removes_pods_revisions_and_the_set() {
    let mut cp = load(WEB);
    cp.advance(40.0).unwrap();
    cp.delete(
        "root",
        &DeleteOptions {
            kind: "StatefulSet".into(),
            namespace: Some("default".into()),
            name: "web".into(),
            propagation_policy: Some(kplane::Propagation::Foreground),
            ..Default::default()
        },
    )
    .unwrap();
    cp.advance(30.0).unwrap();
    assert!(get(&cp, "StatefulSet", "web").is_none());
    assert!(pod_names(&cp).is_empty());
    assert!(list(&cp, "ControllerRevision").is_empty());
}
