//! The playground's own limit: how many replicas one workload may ask for. Kubernetes takes
//! any int32 (`replicas: 2147483647` is valid); a browser tab cannot hold that many pods, and
//! the control plane would work for hours at one instant. The limit is the playground's, not
//! the API's: the npm package and the Rust crate have none. Checked before a document is
//! applied and before `kubectl scale`, so the page says so at once, next to the line.
use kplane::api::{object, Value};
use kplane::{Status, StatusCause, StatusDetails};

/// How many writes one call may make in the playground before it stops with a 504
/// (`ControlPlane::set_work_budget`). Larger than the library's default: the control plane
/// runs in a Web Worker, long work shows progress and can be cancelled, so a call may work for
/// several seconds. Every control plane of the playground (fresh, restored, replayed) gets the
/// same budget, so a replay makes the same calls with the same outcome.
pub const WORK_BUDGET: u64 = 200_000;

/// A control plane with the playground's [`WORK_BUDGET`].
pub fn budgeted(mut cp: kplane::ControlPlane) -> kplane::ControlPlane {
    cp.set_work_budget(WORK_BUDGET);
    cp
}

/// The most replicas (or parallel Job pods) one workload may ask for in the playground.
pub const MAX_REPLICAS: i64 = 25_000;

/// The count fields of each kind, as field paths.
fn count_fields(kind: &str) -> &'static [&'static [&'static str]] {
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" => {
            &[&["spec", "replicas"]]
        }
        "Job" => &[&["spec", "parallelism"], &["spec", "completions"]],
        "CronJob" => &[
            &["spec", "jobTemplate", "spec", "parallelism"],
            &["spec", "jobTemplate", "spec", "completions"],
        ],
        "HorizontalPodAutoscaler" => &[&["spec", "maxReplicas"]],
        _ => &[],
    }
}

fn message(field: &str, value: i64) -> String {
    format!(
        "{field}: {value} is more than the playground runs in a browser tab (at most {MAX_REPLICAS} per workload). \
         Kubernetes accepts it; the npm package and the Rust crate have no such limit."
    )
}

/// The refusal for an object asking for too many replicas, if it does.
pub fn check_object(o: &Value) -> Option<Status> {
    for path in count_fields(object::kind(o)) {
        if let Some(v) = object::i64_at(o, path).filter(|v| *v > MAX_REPLICAS) {
            let field = path.join(".");
            let mut s = Status::new(422, "PlaygroundLimit", message(&field, v));
            s.details = Some(StatusDetails {
                name: object::name(o).into(),
                kind: object::kind(o).into(),
                causes: vec![StatusCause {
                    reason: "FieldValueInvalid".into(),
                    message: format!("must be at most {MAX_REPLICAS} in the playground"),
                    field,
                }],
                ..StatusDetails::default()
            });
            return Some(s);
        }
    }
    None
}

/// The refusal of a kubectl command line asking for too many replicas
/// (`scale … --replicas=N`), as kubectl would print an error.
pub fn check_command(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if !words.iter().take(2).any(|w| *w == "scale") {
        return None;
    }
    let mut value = None;
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = w.strip_prefix("--replicas=") {
            value = Some(v);
        } else if *w == "--replicas" {
            value = words.get(i + 1).copied();
        }
    }
    let v: i64 = value?.parse().ok()?;
    (v > MAX_REPLICAS).then(|| format!("error: {}\n", message("--replicas", v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_counts_are_refused_with_their_field() {
        let docs = kplane::server::decode::decode(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  replicas: 2147483647\n",
        )
        .unwrap();
        let s = check_object(&docs[0].object).unwrap();
        assert_eq!(s.details.unwrap().causes[0].field, "spec.replicas");
        assert!(s
            .message
            .starts_with("spec.replicas: 2147483647 is more than the playground runs"));
        let ok = kplane::server::decode::decode(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ok\nspec:\n  replicas: 5\n",
        )
        .unwrap();
        assert!(check_object(&ok[0].object).is_none());
        assert!(check_command("scale deployment web --replicas=2147483647").is_some());
        assert!(check_command("kubectl scale deployment web --replicas 30000").is_some());
        assert!(check_command("scale deployment web --replicas=3").is_none());
        assert!(check_command("get pods").is_none());
    }
}
