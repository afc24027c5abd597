//! The RuntimeClass admission plugin (kubernetes/kubernetes plugin/pkg/admission/runtimeclass/
//! admission.go) on pod create, and `MergeTolerations` (pkg/util/tolerations):
//! - a pod naming an unknown class is refused (`pod rejected: RuntimeClass "x" not found`);
//! - `overhead.podFixed` fills `spec.overhead` (a different overhead already set is refused);
//! - `scheduling.nodeSelector` is merged into the pod's (a conflicting value is refused) and
//!   `scheduling.tolerations` merged with the pod's, keeping only the broadest of overlapping
//!   tolerations.
use super::status::{admission_name, Status};
use crate::api::kinds::by_kind;
use crate::api::object::{self, array_at, path, set_path, str_at};
use crate::api::resource_list::parse_list;
use crate::api::{Map, Value};

fn forbidden(pod: &Value, msg: String) -> Status {
    Status::forbidden(
        by_kind(Some("v1"), "Pod").expect("served"),
        admission_name(pod),
        msg,
    )
}

/// The RuntimeClass a pod names: `Ok(None)` without `runtimeClassName`, the 403 when it does
/// not exist.
fn class_of<'a>(pod: &Value, classes: &'a [Value]) -> Result<Option<&'a Value>, Status> {
    let Some(name) = str_at(pod, &["spec", "runtimeClassName"]) else {
        return Ok(None);
    };
    match classes.iter().find(|c| object::name(c) == name) {
        Some(c) => Ok(Some(c)),
        None => Err(forbidden(
            pod,
            format!("pod rejected: RuntimeClass {name:?} not found"),
        )),
    }
}

/// `apiequality.Semantic.DeepEqual` of two ResourceLists: same names, equal quantities.
fn same_resources(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (a, b) = (parse_list(a), parse_list(b));
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| w.quantity == v.quantity))
}

fn has_overhead(pod: &Value) -> bool {
    path(pod, &["spec", "overhead"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
}

/// The mutating half (`Admit`): overhead, node selector and tolerations from the class.
pub fn admit(pod: &mut Value, classes: &[Value]) -> Result<(), Status> {
    let Some(class) = class_of(pod, classes)? else {
        return Ok(());
    };
    if let Some(fixed) = path(class, &["overhead", "podFixed"]).filter(|v| !v.is_null()) {
        if has_overhead(pod) && !same_resources(Some(fixed), path(pod, &["spec", "overhead"])) {
            return Err(forbidden(
                pod,
                "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead".into(),
            ));
        }
        set_path(pod, &["spec", "overhead"], fixed.clone());
    }
    let Some(scheduling) = class.get("scheduling").filter(|s| !s.is_null()) else {
        return Ok(());
    };
    let wanted = scheduling
        .get("nodeSelector")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut selector: Map = path(pod, &["spec", "nodeSelector"])
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut keys: Vec<&str> = wanted.keys().map(|k| k.as_ref()).collect();
    keys.sort_unstable();
    for key in keys {
        let value = &wanted[key];
        if let Some(have) = selector.get(key) {
            if have != value {
                return Err(forbidden(
                    pod,
                    format!(
                        "conflict: runtimeClass.scheduling.nodeSelector[{key}] = {}; pod.spec.nodeSelector[{key}] = {}",
                        value.as_str().unwrap_or(""),
                        have.as_str().unwrap_or("")
                    ),
                ));
            }
        }
        selector.insert(key, value.clone());
    }
    if !selector.is_empty() {
        set_path(pod, &["spec", "nodeSelector"], Value::Object(selector));
    }
    let merged = merge_tolerations(
        array_at(pod, &["spec", "tolerations"]),
        array_at(scheduling, &["tolerations"]),
    );
    if !merged.is_empty() {
        set_path(pod, &["spec", "tolerations"], Value::from(merged));
    }
    Ok(())
}

/// The validating half (`Validate`): the pod's overhead must be the class's, and a pod without
/// a class (or with a class without overhead) may not set one.
pub fn validate(pod: &Value, classes: &[Value]) -> Result<(), Status> {
    let class = class_of(pod, classes)?;
    match class
        .and_then(|c| path(c, &["overhead", "podFixed"]))
        .filter(|v| !v.is_null())
    {
        Some(fixed) => {
            if !same_resources(Some(fixed), path(pod, &["spec", "overhead"])) {
                return Err(forbidden(
                    pod,
                    "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"
                        .into(),
                ));
            }
        }
        None => {
            if has_overhead(pod) {
                return Err(forbidden(
                    pod,
                    "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead".into(),
                ));
            }
        }
    }
    Ok(())
}

fn field<'a>(t: &'a Value, k: &str) -> &'a str {
    t.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `isSuperset`: whether `ss` tolerates everything `t` does.
fn is_superset(ss: &Value, t: &Value) -> bool {
    if ss == t {
        return true;
    }
    if field(t, "key") != field(ss, "key")
        && (!field(ss, "key").is_empty() || field(ss, "operator") != "Exists")
    {
        return false;
    }
    if field(t, "effect") != field(ss, "effect") && !field(ss, "effect").is_empty() {
        return false;
    }
    if field(ss, "effect") == "NoExecute" {
        if let Some(ss_secs) = ss.get("tolerationSeconds").and_then(Value::as_i64) {
            match t.get("tolerationSeconds").and_then(Value::as_i64) {
                Some(t_secs) if t_secs <= ss_secs => {}
                _ => return false,
            }
        }
    }
    match field(ss, "operator") {
        "Equal" | "" => field(t, "operator") == "Equal" && field(t, "value") == field(ss, "value"),
        "Exists" => true,
        _ => false,
    }
}

/// `MergeTolerations`: both lists, dropping any toleration another one covers (of two equal
/// tolerations the first is kept).
pub fn merge_tolerations(first: &[Value], second: &[Value]) -> Vec<Value> {
    let all: Vec<&Value> = first.iter().chain(second).collect();
    let mut merged: Vec<Value> = Vec::new();
    'next: for (i, t) in all.iter().enumerate() {
        if merged.iter().any(|m| is_superset(m, t)) {
            continue;
        }
        for later in &all[i + 1..] {
            if later != t && is_superset(later, t) {
                continue 'next;
            }
        }
        merged.push((*t).clone());
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn pod(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "default", "name": "p"}, "spec": spec})
    }

    /// kubernetes.io "Pod Overhead": the `kata-fc` RuntimeClass with
    /// `podFixed: {memory: 120Mi, cpu: 250m}` fills the pod's overhead.
    #[test]
    fn overhead_from_the_class() {
        let classes = [
            json!({"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "kata-fc"},
            "handler": "kata-fc", "overhead": {"podFixed": {"memory": "120Mi", "cpu": "250m"}}}),
        ];
        let mut p =
            pod(json!({"runtimeClassName": "kata-fc", "containers": [{"name": "busybox-ctr"}]}));
        admit(&mut p, &classes).unwrap();
        assert_eq!(
            p["spec"]["overhead"],
            json!({"memory": "120Mi", "cpu": "250m"})
        );
        assert!(validate(&p, &classes).is_ok());

        let mut other = pod(json!({"runtimeClassName": "kata-fc", "overhead": {"cpu": "1"}}));
        assert_eq!(admit(&mut other, &classes).unwrap_err().message,
            "pods \"p\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        let mut same = pod(
            json!({"runtimeClassName": "kata-fc", "overhead": {"cpu": "0.25", "memory": "120Mi"}}),
        );
        assert!(
            admit(&mut same, &classes).is_ok(),
            "semantically equal quantities"
        );

        let stray = pod(json!({"overhead": {"cpu": "1"}}));
        assert_eq!(validate(&stray, &classes).unwrap_err().message,
            "pods \"p\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    }

    #[test]
    fn unknown_class_is_refused() {
        let mut p = pod(json!({"runtimeClassName": "gvisor"}));
        let e = admit(&mut p, &[]).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (403, "Forbidden"));
        assert_eq!(
            e.message,
            "pods \"p\" is forbidden: pod rejected: RuntimeClass \"gvisor\" not found"
        );
        assert!(admit(&mut pod(json!({})), &[]).is_ok());
    }

    #[test]
    fn scheduling_merges_selector_and_tolerations() {
        let classes = [
            json!({"metadata": {"name": "sandboxed"}, "handler": "runsc", "scheduling": {
            "nodeSelector": {"sandbox.gke.io/runtime": "gvisor"},
            "tolerations": [{"key": "sandbox.gke.io/runtime", "operator": "Equal", "value": "gvisor", "effect": "NoSchedule"}]}}),
        ];
        let mut p = pod(
            json!({"runtimeClassName": "sandboxed", "nodeSelector": {"disk": "ssd"},
            "tolerations": [{"operator": "Exists"}]}),
        );
        admit(&mut p, &classes).unwrap();
        assert_eq!(
            p["spec"]["nodeSelector"],
            json!({"disk": "ssd", "sandbox.gke.io/runtime": "gvisor"})
        );
        // The pod's `operator: Exists` toleration covers the class's.
        assert_eq!(p["spec"]["tolerations"], json!([{"operator": "Exists"}]));

        let mut clash = pod(
            json!({"runtimeClassName": "sandboxed", "nodeSelector": {"sandbox.gke.io/runtime": "runc"}}),
        );
        assert_eq!(admit(&mut clash, &classes).unwrap_err().message,
            "pods \"p\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox.gke.io/runtime] = gvisor; pod.spec.nodeSelector[sandbox.gke.io/runtime] = runc");
    }

    /// tolerations_test.go TestMergeTolerations-style cases.
    #[test]
    fn merging_tolerations() {
        let t = |v: Value| v;
        let a =
            t(json!({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}));
        let any_effect = t(json!({"key": "foo", "operator": "Equal", "value": "bar"}));
        let exists = t(json!({"key": "foo", "operator": "Exists", "effect": "NoSchedule"}));
        let noexec_300 = t(
            json!({"key": "n", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}),
        );
        let noexec_60 = t(
            json!({"key": "n", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}),
        );
        assert_eq!(
            merge_tolerations(std::slice::from_ref(&a), std::slice::from_ref(&any_effect)),
            vec![any_effect.clone()]
        );
        assert_eq!(
            merge_tolerations(std::slice::from_ref(&a), std::slice::from_ref(&exists)),
            vec![exists.clone()]
        );
        assert_eq!(
            merge_tolerations(&[a.clone(), a.clone()], &[]),
            vec![a.clone()]
        );
        assert_eq!(
            merge_tolerations(
                std::slice::from_ref(&noexec_60),
                std::slice::from_ref(&noexec_300)
            ),
            vec![noexec_300.clone()]
        );
        assert_eq!(
            merge_tolerations(std::slice::from_ref(&noexec_300), std::slice::from_ref(&a)),
            vec![noexec_300, a]
        );
    }
}
