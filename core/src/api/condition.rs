//! `status.conditions` lists, as `meta.SetStatusCondition` keeps them: one entry per `type`;
//! `lastTransitionTime` moves only when `status` changes.
use super::object::set_path;
use super::Value;
use crate::json;

/// Sets `cond` (which carries `type`, `status` and a `lastTransitionTime` for the case it
/// changes) in `status.conditions` of `status` (an object's `status`).
pub fn set(status: &mut Value, mut cond: Value) {
    if !status.get("conditions").is_some_and(Value::is_array) {
        set_path(status, &["conditions"], json!([]));
    }
    let Some(conds) = status["conditions"].as_array_mut() else {
        return;
    };
    match conds.iter_mut().find(|c| c["type"] == cond["type"]) {
        Some(c) => {
            if c["status"] == cond["status"] {
                cond["lastTransitionTime"] = c["lastTransitionTime"].clone();
            }
            *c = cond;
        }
        None => conds.push(cond),
    }
}

/// [`set`] on a whole object (its `status`).
pub fn set_on(object: &mut Value, cond: Value) {
    set(&mut object["status"], cond);
}

/// The condition of `type` in an object's `status.conditions`.
pub fn get<'a>(object: &'a Value, kind: &str) -> Option<&'a Value> {
    super::object::array_at(object, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_time_moves_only_on_a_status_change() {
        let mut pod = json!({"status": {}});
        set_on(
            &mut pod,
            json!({"type": "Ready", "status": "False", "lastTransitionTime": "t1"}),
        );
        set_on(
            &mut pod,
            json!({"type": "Ready", "status": "False", "lastTransitionTime": "t2", "reason": "X"}),
        );
        assert_eq!(get(&pod, "Ready").unwrap()["lastTransitionTime"], "t1");
        assert_eq!(get(&pod, "Ready").unwrap()["reason"], "X");
        set_on(
            &mut pod,
            json!({"type": "Ready", "status": "True", "lastTransitionTime": "t3"}),
        );
        assert_eq!(get(&pod, "Ready").unwrap()["lastTransitionTime"], "t3");
        assert_eq!(pod["status"]["conditions"].as_array().unwrap().len(), 1);
    }
}
