//! KEDA's metrics adapter (kedacore/keda `pkg/provider`, `pkg/scaling/scale_handler.go`
//! `GetExternalMetrics`): the external metrics the generated `keda-hpa-<name>` asks for
//! (`s0-aws-sqs-orders`, selected by `scaledobject.keda.sh/name`), read from the simulation:
//! queue triggers from the `Queue` of their name in the ScaledObject's namespace (Kafka: the
//! Queue named by the topic), `prometheus` triggers from the simulated series
//! (`metrics::series`), cron from the clock. With a `fallback`, a failing metric is replaced
//! once the failures the KEDA operator counted (`status.health`) exceed the threshold.
use super::executor::{metric_with_fallback, Health};
use super::scalers::{metric_target_type, Observation, QueueObservation, Scaler, Source};
use super::spec::ScaledObject;
use crate::api::object::{self, i64_at};
use crate::api::Value;
use crate::metrics::series;
use crate::sim::queue::{observe, QueueSpec, QUEUES};
use crate::store::{Key, Store};

/// What `scaler` reads in `ws`/`ns` at `now_ms`.
pub fn observe_source(
    store: &Store,
    ws: &str,
    ns: &str,
    scaler: &Scaler,
    now_ms: i64,
) -> Observation {
    let queue = |name: &str| {
        let Some(obj) = store.get(&Key::new(ws, QUEUES, ns, name)) else {
            return Observation::Missing(format!(
                "queue {name:?} not found: no sim.kplane.dev/v1alpha1 Queue of that name in namespace {ns:?}"
            ));
        };
        let (spec, _) = QueueSpec::parse(obj);
        let consumers = spec
            .consumer
            .as_ref()
            .map_or(0, |c| c.ready_pods(store, ws, ns).len() as i64);
        let s = observe(obj, &spec, consumers, now_ms);
        Observation::Queue(QueueObservation {
            messages: s.messages,
            in_flight: 0,
            delayed: 0,
            publish_rate: s.arrival_rate,
            deliver_rate: s.consume_rate,
            partition_lags: s.partition_lags(&spec),
        })
    };
    match scaler.source() {
        Source::None => Observation::Value(0.0),
        Source::Queue(name) => queue(&name),
        Source::Kafka {
            topic,
            consumer_group,
        } => queue(if topic.is_empty() {
            &consumer_group
        } else {
            &topic
        }),
        Source::Query(q) => match series::query(store, ws, ns, &q, now_ms) {
            Ok(Some(v)) => Observation::Value(v),
            Ok(None) => Observation::Missing(format!("prometheus query {q} returned no series")),
            Err(e) => Observation::Missing(e),
        },
    }
}

/// The failures KEDA recorded for `metric` in the ScaledObject's `status.health`.
pub fn health_of(so: &Value, metric: &str) -> Health {
    let h = &so["status"]["health"][metric];
    Health {
        failures: i64_at(h, &["numberOfFailures"])
            .unwrap_or(0)
            .clamp(0, i64::from(i32::MAX)) as i32,
        failing: h["status"] == "Failing",
    }
}

/// `GetExternalMetrics` for ScaledObject `so_name`'s `metric`: the metric's value (milli), or the
/// fallback value once the failures exceed `fallback.failureThreshold`.
pub fn external_metric(
    store: &Store,
    ws: &str,
    ns: &str,
    so_name: &str,
    metric: &str,
    now_ms: i64,
) -> Result<Vec<i64>, String> {
    let Some(obj) = store.get(&Key::new(ws, "scaledobjects.keda.sh", ns, so_name)) else {
        return Err(format!("scaledobjects.keda.sh \"{so_name}\" not found"));
    };
    let so = ScaledObject::parse(obj);
    for (i, trigger) in so.triggers.iter().enumerate() {
        let Ok(scaler) = Scaler::parse(trigger) else {
            continue;
        };
        if scaler.metric_name(i).as_deref() != Some(metric) {
            continue;
        }
        let observation = observe_source(store, ws, ns, &scaler, now_ms);
        let result = scaler.evaluate(&observation, now_ms).map(|m| m.value_milli);
        let target_type =
            metric_target_type(trigger).unwrap_or(super::scalers::TargetType::AverageValue);
        let target_milli = target_milli(&scaler, i, target_type);
        let (current, ready) = target_replicas(store, ws, ns, &so);
        // The adapter does not count failures itself: the operator's polls keep them.
        let mut health = health_of(obj, metric);
        health.failures = health.failures.saturating_sub(1);
        return metric_with_fallback(
            &so,
            &mut health,
            result,
            target_type,
            target_milli,
            current,
            ready,
        )
        .map(|(v, _)| vec![v]);
    }
    Err(format!(
        "no matching metrics found for {metric}: scaledobject {ns}/{so_name} has no trigger exposing it"
    ))
}

/// The target (averageValue or value) of the metric trigger `index` exposes, milli.
fn target_milli(scaler: &Scaler, index: usize, target_type: super::scalers::TargetType) -> i64 {
    let spec = scaler.metric_spec(index, target_type);
    let t = &spec["external"]["target"];
    t.get("averageValue")
        .or_else(|| t.get("value"))
        .and_then(crate::controllers::hpa::replica_calculator::quantity_milli)
        .unwrap_or(0)
}

/// The scale target's `spec.replicas` and `status.readyReplicas`.
pub fn target_replicas(store: &Store, ws: &str, ns: &str, so: &ScaledObject) -> (i32, i32) {
    let resource = match so.scale_target.kind.as_str() {
        "Deployment" => "deployments.apps",
        "StatefulSet" => "statefulsets.apps",
        "ReplicaSet" => "replicasets.apps",
        _ => return (0, 0),
    };
    let Some(t) = store.get(&Key::new(ws, resource, ns, &so.scale_target.name)) else {
        return (0, 0);
    };
    let i = |keys: &[&str]| i64_at(t, keys).unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32;
    (i(&["spec", "replicas"]), i(&["status", "readyReplicas"]))
}

/// The ScaledObject named by an external metric's selector (`scaledobject.keda.sh/name`).
pub fn scaled_object_of(selector: Option<&Value>) -> Option<String> {
    selector
        .and_then(|s| s["matchLabels"][super::spec::SCALED_OBJECT_OWNER_ANNOTATION].as_str())
        .map(str::to_string)
        .filter(|n| !n.is_empty())
        .or_else(|| {
            // A selector given as expressions names it the same way.
            object::array_at(selector?, &["matchExpressions"])
                .iter()
                .find(|e| e["key"] == super::spec::SCALED_OBJECT_OWNER_ANNOTATION)
                .and_then(|e| e["values"][0].as_str())
                .map(str::to_string)
        })
}
