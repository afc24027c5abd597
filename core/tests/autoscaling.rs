//! Scenario tests of the examples in `examples/autoscaling/` (so they stay true): simulated
//! demand, the metrics pipeline, the HPA, the VPA and KEDA. Expected replica counts are worked
//! out here from upstream's rules (replica_calculator.go, horizontal.go, KEDA's
//! scale_scaledobjects.go, the VPA's estimators) and the examples' numbers, not taken from
//! kplane's output.
use kplane::api::object::{self, i64_at, str_at};
use kplane::api::Value;
use kplane::{ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options};

const HPA_SPIKE: &str = include_str!("../../examples/autoscaling/hpa-spike.yaml");
const VPA_RECREATE: &str = include_str!("../../examples/autoscaling/vpa-recreate.yaml");
const KEDA_QUEUE: &str = include_str!("../../examples/autoscaling/keda-queue.yaml");
const KEDA_CRON: &str = include_str!("../../examples/autoscaling/keda-cron.yaml");

fn plane(manifests: &str) -> ControlPlane {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    cp.apply("root", manifests, &ApplyOptions::default())
        .unwrap();
    cp
}

/// Seconds since the start of virtual time (the examples are applied at 0).
fn elapsed(cp: &ControlPlane) -> i64 {
    (cp.now_ms() - 1_767_225_600_000) / 1000
}

/// Advances to `t` seconds after the start.
fn until(cp: &mut ControlPlane, t: i64) {
    let dt = t - elapsed(cp);
    assert!(dt >= 0, "time only moves forward ({t} < {})", elapsed(cp));
    cp.advance(dt as f64).unwrap();
}

fn get(cp: &ControlPlane, kind: &str, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            api_version: None,
            kind: kind.into(),
            namespace: Some("default".into()),
            name: name.into(),
        },
    )
    .unwrap()
    .unwrap_or_else(|| panic!("{kind}/{name} exists"))
}

fn replicas(cp: &ControlPlane, deployment: &str) -> i64 {
    i64_at(&get(cp, "Deployment", deployment), &["spec", "replicas"]).unwrap()
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

/// Messages of the Events of `reason` on objects of `kind`, oldest first.
fn events(cp: &ControlPlane, kind: &str, reason: &str) -> Vec<String> {
    let mut e: Vec<Value> = list(cp, "Event")
        .into_iter()
        .filter(|e| e["involvedObject"]["kind"] == kind && e["reason"] == reason)
        .collect();
    e.sort_by_key(|e| str_at(e, &["firstTimestamp"]).unwrap_or("").to_string());
    e.iter()
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The seed's HPA under a spike (examples/autoscaling/hpa-spike.yaml).

/// The example's numbers.
const BASE_RPS: f64 = 90.0;
const SPIKE_RPS: f64 = 300.0;
const SPIKE_FROM: i64 = 120;
const SPIKE_TO: i64 = 420;
const CPU_PER_REQUEST: f64 = 5.0; // millicores per request per second
const STEADY_CPU: f64 = 1.0; // the kubelet's default steady use (sim.kplane.dev/cpu unset)
const REQUEST: f64 = 250.0;
const TARGET: f64 = 75.0;
const TOLERANCE: f64 = 0.1;
const DOWNSCALE_WINDOW: i64 = 300;

/// A pod's CPU (millicores) when `rps` requests per second are spread over `pods` pods.
fn per_pod(rps: f64, pods: f64) -> f64 {
    rps * CPU_PER_REQUEST / pods + STEADY_CPU
}

/// `GetResourceReplicas` with every pod ready and measured: `ceil(ratio x ready)`, unchanged
/// within the tolerance.
fn proposal(usage: f64, current: i64) -> i64 {
    let ratio = usage / (REQUEST * TARGET / 100.0);
    if (1.0 - ratio).abs() <= TOLERANCE {
        current
    } else {
        (ratio * current as f64).ceil() as i64
    }
}

/// `normalizeDesiredReplicas` without behavior: scale-up at most `max(2 x current, 4)`, then
/// `[min, max]`.
fn legacy_limit(desired: i64, current: i64) -> i64 {
    desired.min((2 * current).max(4)).clamp(3, 10)
}

#[test]
fn seed_hpa_scales_up_on_a_spike_and_down_after_the_stabilization_window() {
    let mut cp = plane(HPA_SPIKE);
    // Before the spike: 60.4% of requests (int division: 60%), below the target: 3 (minimum).
    until(&mut cp, 105);
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 3);
    let hpa = get(&cp, "HorizontalPodAutoscaler", "mi-aplicacion-hpa");
    let expected_utilization = (per_pod(BASE_RPS, 3.0) * 3.0 * 100.0 / (3.0 * REQUEST)) as i64;
    assert_eq!(
        hpa["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"],
        expected_utilization
    );
    assert_eq!(proposal(per_pod(BASE_RPS, 3.0), 3).max(3), 3);

    // The sync at 120 s sees the spike on 3 pods: ratio 3.47 asks for 11, capped at 6.
    until(&mut cp, 119);
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 3);
    until(&mut cp, 120);
    let first = proposal(per_pod(BASE_RPS + SPIKE_RPS, 3.0), 3);
    assert_eq!(first, 11);
    let after_first = legacy_limit(first, 3);
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), after_first);
    assert_eq!(
        events(&cp, "HorizontalPodAutoscaler", "SuccessfulRescale"),
        vec![format!("New size: {after_first}; reason: cpu resource utilization (percentage of request) above target")]
    );

    // At 135 s the 3 new pods serve but have no metrics yet (started at 121 s, after the
    // 120 s scrape): missing pods count as 0 on a scale-up, which flips the direction, so the
    // metric proposes 6; the 5-minute window still holds the 11 of 120 s: min(11, 2 x 6) -> 10.
    until(&mut cp, 135);
    let stabilized = first.max(after_first);
    assert_eq!(
        replicas(&cp, "mi-aplicacion-deployment"),
        legacy_limit(stabilized, after_first)
    );
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 10);

    // At 10 pods each uses 196m = 78%: within the tolerance of 75%.
    until(&mut cp, 180);
    assert_eq!(proposal(per_pod(BASE_RPS + SPIKE_RPS, 10.0), 10), 10);
    let out = cp.kubectl("get hpa mi-aplicacion-hpa", "");
    let shown = (per_pod(BASE_RPS + SPIKE_RPS, 10.0) * 100.0 / REQUEST) as i64;
    assert!(
        out.stdout.contains(&format!("cpu: {shown}%/75%")),
        "{}",
        out.stdout
    );
    let top = cp.kubectl("top pods", "");
    assert!(
        top.stdout
            .contains(&format!("{}m", per_pod(BASE_RPS + SPIKE_RPS, 10.0) as i64)),
        "{}",
        top.stdout
    );

    // The spike ends at 420 s: every sync from then on proposes 3, but the window keeps the 10
    // proposed at 405 s until it is older than 300 s (720 s).
    assert_eq!(proposal(per_pod(BASE_RPS, 10.0), 10), 3);
    let last_high = SPIKE_TO - 15;
    until(&mut cp, last_high + DOWNSCALE_WINDOW);
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 10);
    until(&mut cp, last_high + DOWNSCALE_WINDOW + 15);
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 3);
    assert_eq!(
        events(&cp, "HorizontalPodAutoscaler", "SuccessfulRescale").last(),
        Some(&"New size: 3; reason: All metrics below target".to_string())
    );
    let explained = cp
        .explain_autoscaling("root", "default", "mi-aplicacion-hpa")
        .unwrap();
    assert_eq!(explained["desiredReplicas"], 3);
    assert!(explained["summary"]
        .as_str()
        .unwrap()
        .contains("Scaled Deployment mi-aplicacion-deployment from 10 to 3"));
    let _ = SPIKE_FROM;
}

#[test]
fn a_clone_and_a_restored_snapshot_continue_as_the_original() {
    let mut cp = plane(HPA_SPIKE);
    until(&mut cp, 130);
    let mut clone = cp.clone();
    let mut restored = ControlPlane::restore(&cp.snapshot()).unwrap();
    let timeline = |cp: &mut ControlPlane| {
        let mut out = Vec::new();
        for t in (145..=900).step_by(15) {
            until(cp, t);
            out.push(replicas(cp, "mi-aplicacion-deployment"));
        }
        out
    };
    let a = timeline(&mut cp);
    assert_eq!(a, timeline(&mut clone));
    assert_eq!(a, timeline(&mut restored));
    assert!(a.contains(&10) && a.last() == Some(&3), "{a:?}");
}

#[test]
fn kubectl_autoscale_creates_a_v1_hpa_whose_status_is_written_back_in_v1_form() {
    let manifests: String = HPA_SPIKE
        .split("\n---\n")
        .filter(|d| !d.contains("kind: HorizontalPodAutoscaler"))
        .collect::<Vec<_>>()
        .join("\n---\n");
    let mut cp = plane(&manifests);
    let out = cp.kubectl(
        "autoscale deployment mi-aplicacion-deployment --min=3 --max=10 --cpu-percent=75",
        "",
    );
    assert_eq!(
        out.stdout,
        "horizontalpodautoscaler.autoscaling/mi-aplicacion-deployment autoscaled\n"
    );
    let out = cp.kubectl("autoscale deployment mi-aplicacion-deployment --max=0", "");
    assert_eq!(
        out.stderr,
        "error: --max=MAXPODS is required and must be at least 1, max: 0\n"
    );
    until(&mut cp, 180);
    // Read as a v1 client reads it (without a version, the preferred autoscaling/v2).
    let hpa = cp
        .get(
            "root",
            &ObjectRef {
                api_version: Some("autoscaling/v1".into()),
                kind: "HorizontalPodAutoscaler".into(),
                namespace: Some("default".into()),
                name: "mi-aplicacion-deployment".into(),
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(hpa["apiVersion"], "autoscaling/v1");
    assert_eq!(replicas(&cp, "mi-aplicacion-deployment"), 10);
    let shown = (per_pod(BASE_RPS + SPIKE_RPS, 10.0) * 100.0 / REQUEST) as i64;
    assert_eq!(hpa["status"]["currentCPUUtilizationPercentage"], shown);
    let conditions = str_at(
        &hpa,
        &[
            "metadata",
            "annotations",
            "autoscaling.alpha.kubernetes.io/conditions",
        ],
    )
    .unwrap();
    assert!(conditions.contains("ValidMetricFound"), "{conditions}");
}

// ---------------------------------------------------------------------------------------------
// Traffic you can see.

#[test]
fn a_service_without_ready_endpoints_drops_requests_and_counts_them() {
    let mut cp = plane(
        r#"
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: sim.kplane.dev/v1alpha1
kind: LoadProfile
metadata: {name: web}
spec:
  target: {kind: Service, name: web}
  requests: {rps: 40}
"#,
    );
    until(&mut cp, 60);
    let lp = get(&cp, "LoadProfile", "web");
    assert_eq!(lp["status"]["readyEndpoints"], 0);
    assert_eq!(lp["status"]["droppedRequests"], 40 * 60);
    assert_eq!(lp["status"]["errorRate"], 1);
    let out = cp.kubectl("get loadprofile web", "");
    assert!(
        out.stdout
            .starts_with("NAME   TARGET-KIND   TARGET   RPS   ENDPOINTS"),
        "{}",
        out.stdout
    );
}

#[test]
fn cpu_above_the_limit_is_throttled_and_the_excess_requests_fail() {
    // One pod, limit 500m; 160 requests per second at 5m each want 800m (+1m steady).
    let mut cp = plane(
        r#"
apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx
        resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}
---
apiVersion: sim.kplane.dev/v1alpha1
kind: LoadProfile
metadata: {name: web}
spec:
  target: {kind: Deployment, name: web}
  requests: {rps: 160}
  perRequest: {cpu: 5m, latency: 10ms}
"#,
    );
    until(&mut cp, 60);
    let top = cp.kubectl("top pods --no-headers", "");
    assert!(top.stdout.contains(" 500m "), "{}", top.stdout);
    let lp = get(&cp, "LoadProfile", "web");
    // The pod gives its requests 500 - 1 = 499m of the 800m they want.
    let failing = 1.0 - 499.0 / 800.0;
    let rate = lp["status"]["errorRate"].as_f64().unwrap();
    assert!((rate - failing).abs() < 1e-3, "{rate} vs {failing}");
    // Saturated: latency at its cap, 20 x the idle 10 ms.
    assert_eq!(lp["status"]["latencyMilliseconds"], 200);
    let q = cp
        .query_metrics(
            "root",
            "default",
            r#"sum(rate(http_requests_total{deployment="web"}[1m]))"#,
        )
        .unwrap();
    assert_eq!(q, Some(160.0));
}

#[test]
fn memory_from_load_above_the_limit_oom_kills_the_container() {
    // 100 requests per second hold 1Mi each: fine under 256Mi; from 60 s, 400 are too many.
    let mut cp = plane(
        r#"
apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: app
        image: redis
        resources: {requests: {memory: 128Mi}, limits: {memory: 256Mi}}
---
apiVersion: sim.kplane.dev/v1alpha1
kind: LoadProfile
metadata: {name: cache}
spec:
  target: {kind: Deployment, name: cache}
  requests:
    rps: 100
    steps: [{at: 60s, rps: 400}]
  perRequest: {memory: 1Mi}
"#,
    );
    until(&mut cp, 59);
    let pod = list(&cp, "Pod").remove(0);
    assert_eq!(pod["status"]["containerStatuses"][0]["restartCount"], 0);
    // The profile's status is refreshed at each 15 s scrape: the kill comes by 75 s.
    until(&mut cp, 76);
    let pod = list(&cp, "Pod").remove(0);
    let st = &pod["status"]["containerStatuses"][0];
    assert_eq!(st["lastState"]["terminated"]["reason"], "OOMKilled");
    assert_eq!(st["lastState"]["terminated"]["exitCode"], 137);
    assert!(st["restartCount"].as_i64().unwrap() >= 1);
}

#[test]
fn sim_kinds_are_validated_with_field_paths() {
    let mut cp = ControlPlane::new(Options::default()).unwrap();
    let err = cp
        .apply(
            "root",
            "apiVersion: sim.kplane.dev/v1alpha1\nkind: Queue\nmetadata: {name: q}\nspec: {perPodRate: -1, consumer: {kind: Pod, name: x}}\n",
            &ApplyOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code, 422);
    assert!(
        err.message
            .contains("spec.consumer.kind: Invalid value: \"Pod\""),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("spec.perPodRate: Invalid value: -1"),
        "{}",
        err.message
    );
    // Strict field validation knows the kinds' fields.
    let err = cp
        .apply(
            "root",
            "apiVersion: sim.kplane.dev/v1alpha1\nkind: LoadProfile\nmetadata: {name: p}\nspec: {target: {kind: Service, name: web}, requests: {rsp: 5}}\n",
            &ApplyOptions {
                field_validation: Some(kplane::FieldValidation::Strict),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        err.message.contains("unknown field \"spec.requests.rsp\""),
        "{}",
        err.message
    );
}

// ---------------------------------------------------------------------------------------------
// The seed's VPA (examples/autoscaling/vpa-recreate.yaml).

/// `HistogramOptions.GetBucketStart` of the recommender's exponential histograms.
fn bucket_start(first: f64, n: i32) -> f64 {
    first * (1.05f64.powi(n) - 1.0) / 0.05
}

/// The end of the bucket holding `value`: what a percentile of samples all at `value` is.
fn bucket_end(first: f64, value: f64) -> f64 {
    let mut n = 0;
    while bucket_start(first, n + 1) <= value {
        n += 1;
    }
    bucket_start(first, n + 1)
}

#[test]
fn seed_vpa_recommends_from_usage_and_recreates_pods_one_at_a_time() {
    let mut cp = plane(VPA_RECREATE);
    // The first loop (0 s) has no samples; the second (60 s) recommends and evicts one pod.
    until(&mut cp, 60);
    let vpa = get(&cp, "VerticalPodAutoscaler", "my-app-vpa");
    let rec = &vpa["status"]["recommendation"]["containerRecommendations"][0];
    // Target: the p90 of CPU samples all at 300m is the end of their bucket (first bucket
    // 0.01 cores, ratio 1.05), plus the 15% margin, truncated to millicores.
    let base = (bucket_end(0.01, 0.3) * 1000.0) as i64;
    let cpu_target = base + (base as f64 * 0.15) as i64;
    assert_eq!(rec["target"]["cpu"], format!("{cpu_target}m"));
    // Memory: 200Mi peaks (first bucket 1e7 bytes), +15%, raised to the per-pod minimum of
    // 250Mi (`--pod-recommendation-min-memory-mb`), then to the policy's minAllowed 256Mi.
    let mem_base = bucket_end(1e7, 200.0 * 1048576.0) as i64;
    let mem_uncapped = (mem_base + (mem_base as f64 * 0.15) as i64).max(250 * 1048576);
    assert!(mem_uncapped < 256 * 1048576);
    assert_eq!(rec["target"]["memory"], "256Mi");
    assert_eq!(
        kplane::api::Quantity::parse(rec["uncappedTarget"]["memory"].as_str().unwrap())
            .unwrap()
            .value(),
        mem_uncapped
    );
    // Requests of 100m are below the lower bound: the updater evicts, one pod per pass
    // (int(3 x 0.5) = 1 may be down).
    assert_eq!(events(&cp, "VerticalPodAutoscaler", "EvictedPod").len(), 1);
    until(&mut cp, 180);
    assert_eq!(events(&cp, "VerticalPodAutoscaler", "EvictedPod").len(), 3);
    let pods = list(&cp, "Pod");
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let c = &p["spec"]["containers"][0]["resources"];
        assert_eq!(c["requests"]["cpu"], format!("{cpu_target}m"));
        assert_eq!(c["requests"]["memory"], "256Mi");
        // Limits keep their ratio to the requests: 500m / 100m x target.
        assert_eq!(c["limits"]["cpu"], format!("{}m", 5 * cpu_target));
        assert_eq!(
            str_at(p, &["metadata", "annotations", "vpaUpdates"]),
            Some("Pod resources updated by my-app-vpa: container 0: cpu request, memory request, cpu limit, memory limit")
        );
    }
    // Within the recommended range now: no more evictions.
    until(&mut cp, 600);
    assert_eq!(events(&cp, "VerticalPodAutoscaler", "EvictedPod").len(), 3);
    let out = cp.kubectl("get vpa", "");
    assert!(
        out.stdout
            .contains(&format!("Auto   {cpu_target}m   256Mi   True")),
        "{}",
        out.stdout
    );
}

#[test]
fn initial_mode_sets_resources_on_new_pods_only() {
    let manifests = VPA_RECREATE.replace("updateMode: \"Auto\"", "updateMode: \"Initial\"");
    let mut cp = plane(&manifests);
    until(&mut cp, 300);
    assert!(events(&cp, "VerticalPodAutoscaler", "EvictedPod").is_empty());
    assert!(list(&cp, "Pod")
        .iter()
        .all(|p| p["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "100m"));
    cp.kubectl("scale deployment my-app-deployment --replicas=4", "");
    let new: Vec<Value> = list(&cp, "Pod")
        .into_iter()
        .filter(|p| p["spec"]["containers"][0]["resources"]["requests"]["cpu"] != "100m")
        .collect();
    assert_eq!(new.len(), 1);
    assert!(str_at(&new[0], &["metadata", "annotations", "vpaUpdates"]).is_some());
}

// ---------------------------------------------------------------------------------------------
// KEDA (examples/autoscaling/keda-queue.yaml, keda-cron.yaml).

const POLL: i64 = 30;
const COOLDOWN: i64 = 300;
const QUEUE_LENGTH: f64 = 5.0;
const PER_POD_RATE: i64 = 5;

#[test]
fn keda_scales_the_order_processor_from_zero_on_a_burst_and_back_to_zero() {
    let mut cp = plane(KEDA_QUEUE);
    // The burst: 20 messages per second from 60 s to 90 s. The polls at 0, 30 and 60 s see an
    // empty queue; the poll at 90 s sees 600 messages and activates 0 -> 1.
    until(&mut cp, 89);
    assert_eq!(replicas(&cp, "order-processor"), 0);
    let burst = 20 * 30;
    until(&mut cp, 90);
    assert_eq!(
        events(&cp, "ScaledObject", "KEDAScaleTargetActivated"),
        vec!["Scaled apps/v1.Deployment default/order-processor from 0 to 1, triggered by s0-aws-sqs-orders"]
    );
    // In the same instant the HPA (after KEDA) reads 600 messages with no replica running:
    // ceil(600 / 5) = 120, capped at max(2 x 1, 4) = 4.
    let first = (burst as f64 / QUEUE_LENGTH).ceil() as i64;
    assert_eq!(replicas(&cp, "order-processor"), first.min(4));
    // The 4 pods consume 5 messages a second each from 91 s (ready 1 s after creation).
    until(&mut cp, 105);
    let left = burst - 4 * PER_POD_RATE * (105 - 91);
    assert_eq!(
        replicas(&cp, "order-processor"),
        ((left as f64 / QUEUE_LENGTH).ceil() as i64).min(8)
    );
    // Drained at 120 s; the HPA's window still holds its earlier recommendations: max 10.
    until(&mut cp, 120);
    assert_eq!(get(&cp, "Queue", "orders")["status"]["messages"], 0);
    assert_eq!(replicas(&cp, "order-processor"), 10);
    // The last active poll was at 90 s: KEDA deactivates at the first poll after 90 + 300.
    let deactivation = (90 + COOLDOWN) / POLL * POLL + POLL;
    until(&mut cp, deactivation - 1);
    assert!(replicas(&cp, "order-processor") > 0);
    until(&mut cp, deactivation);
    assert_eq!(replicas(&cp, "order-processor"), 0);
    assert_eq!(
        events(&cp, "ScaledObject", "KEDAScaleTargetDeactivated"),
        vec!["Deactivated apps/v1.Deployment default/order-processor from 10 to 0"]
    );
    let so = get(&cp, "ScaledObject", "order-processor");
    assert_eq!(so["status"]["lastActiveTime"], "2026-01-01T00:01:30Z");
    assert_eq!(so["status"]["hpaName"], "keda-hpa-order-processor");
    let out = cp.kubectl("get scaledobject", "");
    assert!(
        out.stdout.contains("order-processor   apps/v1.Deployment   order-processor         10    True    False    False      Unknown   aws-sqs-queue"),
        "{}",
        out.stdout
    );
    // With no replicas the generated HPA is disabled (KEDA owns 0 <-> 1).
    until(&mut cp, deactivation + 30);
    let hpa = get(&cp, "HorizontalPodAutoscaler", "keda-hpa-order-processor");
    assert!(hpa["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["reason"] == "ScalingDisabled"));
}

#[test]
fn keda_cron_trigger_holds_a_scale_window() {
    let mut cp = plane(KEDA_CRON);
    // 00:05 to 00:15 UTC on the first day of virtual time.
    let (start, end) = (5 * 60, 15 * 60);
    until(&mut cp, start - 1);
    assert_eq!(replicas(&cp, "report-api"), 1);
    // Inside: ceil(5 / 1) = 5; the default scale-up allows max(1 + 4, 1 x 2) = 5 at once.
    until(&mut cp, start);
    assert_eq!(replicas(&cp, "report-api"), 5);
    until(&mut cp, end);
    assert_eq!(replicas(&cp, "report-api"), 5);
    // The 60 s scale-down window keeps the last proposal of 5 (at end - 15 s) until it is
    // older than 60 s: the first sync after that is at end + 45 s.
    let down = end - 15 + 60;
    until(&mut cp, down - 1);
    assert_eq!(replicas(&cp, "report-api"), 5);
    until(&mut cp, down + 15);
    assert_eq!(replicas(&cp, "report-api"), 1);
    let hpa = get(&cp, "HorizontalPodAutoscaler", "keda-hpa-report-api");
    assert_eq!(
        hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"],
        60
    );
}

#[test]
fn a_scaled_job_creates_jobs_for_the_messages_waiting() {
    let mut cp = plane(
        r#"
apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {capacity: {cpu: "8", memory: 16Gi, pods: "110"}}
---
apiVersion: sim.kplane.dev/v1alpha1
kind: Queue
metadata: {name: thumbnails}
spec:
  arrivals:
    spikes: [{at: 0, duration: 10s, rps: 1.2}]
---
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: thumbnailer}
spec:
  pollingInterval: 30
  jobTargetRef:
    template:
      metadata:
        annotations: {sim.kplane.dev/exit-seconds: "20"}
      spec:
        restartPolicy: Never
        containers: [{name: work, image: busybox}]
  triggers:
  - type: redis
    metadata: {address: redis:6379, listName: thumbnails, listLength: "5"}
"#,
    );
    // The first poll (0 s) sees no message; the second (30 s) sees 12: ceil(12 / 5) = 3 Jobs.
    until(&mut cp, 30);
    let jobs = list(&cp, "Job");
    assert_eq!(jobs.len(), 3);
    assert!(jobs
        .iter()
        .all(|j| object::name(j).starts_with("thumbnailer-")));
    assert_eq!(
        events(&cp, "ScaledJob", "KEDAJobsCreated"),
        vec!["Created 3 jobs"]
    );
}
