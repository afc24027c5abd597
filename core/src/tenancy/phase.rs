//! A Workspace's phase and conditions: `Scheduling` → `Initializing` → `Ready`, with the
//! conditions kcp reports, set with kcp's condition rules.
//!
//! Upstream, in kcp-dev/kcp: `pkg/reconciler/tenancy/workspace/workspace_reconcile_phase.go`
//! (`phaseReconciler.reconcile`, `updateTerminalConditionPhase`),
//! `workspace_reconcile_scheduling.go` (`MarkTrue(WorkspaceScheduled)`),
//! `sdk/apis/tenancy/v1alpha1/types_workspace.go` (condition types and reasons) and
//! `sdk/apis/third_party/conditions/util/conditions/setter.go` (`Set`, `MarkTrue`,
//! `MarkFalse`, `lexicographicLess`).
use crate::api::Value;
use crate::json;

/// `status.phase` of a new Workspace (the CRD default).
pub const SCHEDULING: &str = "Scheduling";
/// Scheduled; initializers are running.
pub const INITIALIZING: &str = "Initializing";
/// Initialized and usable.
pub const READY: &str = "Ready";
/// A `Workspace*` condition is False after the workspace was ready.
pub const UNAVAILABLE: &str = "Unavailable";
/// Being deleted, waiting for terminators.
pub const TERMINATING: &str = "Terminating";
/// Being deleted.
pub const DELETING: &str = "Deleting";

/// The label kcp keeps equal to `status.phase`.
pub const PHASE_LABEL: &str = "tenancy.kcp.io/phase";

/// Condition: the workspace was given a logical cluster.
pub const WORKSPACE_SCHEDULED: &str = "WorkspaceScheduled";
/// Condition: every initializer is done.
pub const WORKSPACE_INITIALIZED: &str = "WorkspaceInitialized";
/// Condition: the workspace's content is deleted.
pub const WORKSPACE_CONTENT_DELETED: &str = "WorkspaceContentDeleted";
/// Reason of `WorkspaceInitialized=False` while initializers remain.
pub const REASON_INITIALIZER_EXISTS: &str = "InitializerExists";
/// Reason of `WorkspaceScheduled=False` when no shard can take the workspace.
pub const REASON_UNSCHEDULABLE: &str = "Unschedulable";

/// One condition as kcp's conditions package writes it: `Ready` sorts first, the rest by type;
/// `lastTransitionTime` changes only when status, reason, severity or message change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// `WorkspaceScheduled`, …
    pub type_: String,
    /// `True` or `False`.
    pub status: String,
    /// `Info`, `Warning`, `Error` or empty (True conditions have none).
    pub severity: String,
    /// CamelCase reason, empty for True conditions.
    pub reason: String,
    /// Human-readable detail.
    pub message: String,
}

impl Condition {
    /// `TrueCondition(t)`.
    pub fn true_(type_: &str) -> Condition {
        Condition {
            type_: type_.into(),
            status: "True".into(),
            severity: String::new(),
            reason: String::new(),
            message: String::new(),
        }
    }

    /// `FalseCondition(t, reason, severity, message)`.
    pub fn false_(type_: &str, reason: &str, severity: &str, message: &str) -> Condition {
        Condition {
            type_: type_.into(),
            status: "False".into(),
            severity: severity.into(),
            reason: reason.into(),
            message: message.into(),
        }
    }
}

fn field<'a>(c: &'a Value, k: &str) -> &'a str {
    c.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `conditions.Set`: adds or replaces `c` in `obj.status.conditions`, keeping the old
/// `lastTransitionTime` when nothing but the time would change, and sorts them (`Ready` first,
/// then by type). `now` is an RFC 3339 timestamp.
pub fn set_condition(obj: &mut Value, c: &Condition, now: &str) {
    let Some(root) = obj.as_object_mut() else {
        return;
    };
    let status = root.entry("status").or_insert_with(Value::object);
    let Some(status) = status.as_object_mut() else {
        return;
    };
    let list = status
        .entry("conditions")
        .or_insert_with(|| Value::Array(Default::default()));
    if !list.is_array() {
        *list = Value::Array(Default::default());
    }
    let Some(list) = list.as_array_mut() else {
        return;
    };
    let mut v = json!({"type": c.type_.as_str(), "status": c.status.as_str()});
    if let Some(m) = v.as_object_mut() {
        if !c.severity.is_empty() {
            m.insert("severity", Value::from(c.severity.as_str()));
        }
        m.insert("lastTransitionTime", Value::from(now));
        if !c.reason.is_empty() {
            m.insert("reason", Value::from(c.reason.as_str()));
        }
        if !c.message.is_empty() {
            m.insert("message", Value::from(c.message.as_str()));
        }
    }
    match list.iter_mut().find(|e| field(e, "type") == c.type_) {
        Some(existing) => {
            let same = field(existing, "status") == c.status
                && field(existing, "reason") == c.reason
                && field(existing, "severity") == c.severity
                && field(existing, "message") == c.message;
            if !same {
                *existing = v;
            }
        }
        None => list.push(v),
    }
    list.sort_by(|a, b| {
        let (a, b) = (field(a, "type"), field(b, "type"));
        match (a == "Ready", b == "Ready") {
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            _ => a.cmp(b),
        }
    });
}

/// The condition of `type_` on `obj`, if any.
pub fn condition<'a>(obj: &'a Value, type_: &str) -> Option<&'a Value> {
    obj.get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| field(c, "type") == type_)
}

/// `status.phase`, `Scheduling` when unset (the CRD default).
pub fn phase(ws: &Value) -> &str {
    ws.get("status")
        .and_then(|s| s.get("phase"))
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .unwrap_or(SCHEDULING)
}

fn set_phase(ws: &mut Value, p: &str) {
    if let Some(root) = ws.as_object_mut() {
        let status = root.entry("status").or_insert_with(Value::object);
        if let Some(s) = status.as_object_mut() {
            s.insert("phase", Value::from(p));
        }
        let meta = root.entry("metadata").or_insert_with(Value::object);
        if let Some(m) = meta.as_object_mut() {
            let labels = m.entry("labels").or_insert_with(Value::object);
            if let Some(l) = labels.as_object_mut() {
                l.insert(PHASE_LABEL, Value::from(p));
            }
        }
    }
}

/// Scheduling: gives the workspace its logical cluster (`spec.cluster`, `spec.URL`), marks
/// `WorkspaceScheduled=True`, and moves it to `Initializing` (the phase reconciler's
/// `Scheduling` step, once both fields are set).
pub fn schedule(ws: &mut Value, cluster: &str, url: &str, now: &str) {
    if let Some(root) = ws.as_object_mut() {
        let spec = root.entry("spec").or_insert_with(Value::object);
        if let Some(s) = spec.as_object_mut() {
            s.insert("cluster", Value::from(cluster));
            s.insert("URL", Value::from(url));
        }
    }
    set_condition(ws, &Condition::true_(WORKSPACE_SCHEDULED), now);
    if phase(ws) == SCHEDULING && !cluster.is_empty() && !url.is_empty() {
        set_phase(ws, INITIALIZING);
    }
}

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// Initializing: copies the LogicalCluster's remaining initializers to `status.initializers`;
/// while any remain, `WorkspaceInitialized=False` (reason `InitializerExists`, severity
/// `Info`, `Initializers still exist: [root:universal]`); when none remain, the workspace is
/// `Ready` with `WorkspaceInitialized=True`. Does nothing in other phases. Returns whether the
/// workspace became Ready.
pub fn reconcile_initializing(
    ws: &mut Value,
    remaining_initializers: &[String],
    now: &str,
) -> bool {
    if phase(ws) != INITIALIZING {
        return false;
    }
    if let Some(root) = ws.as_object_mut() {
        let status = root.entry("status").or_insert_with(Value::object);
        if let Some(s) = status.as_object_mut() {
            s.insert(
                "initializers",
                Value::Array(
                    remaining_initializers
                        .iter()
                        .map(|i| Value::from(i.as_str()))
                        .collect(),
                ),
            );
        }
    }
    if !remaining_initializers.is_empty() {
        set_condition(
            ws,
            &Condition::false_(
                WORKSPACE_INITIALIZED,
                REASON_INITIALIZER_EXISTS,
                "Info",
                &format!(
                    "Initializers still exist: {}",
                    go_list(remaining_initializers)
                ),
            ),
            now,
        );
        return false;
    }
    set_phase(ws, READY);
    set_condition(ws, &Condition::true_(WORKSPACE_INITIALIZED), now);
    true
}

/// `updateTerminalConditionPhase`: a Ready workspace with a False `Workspace*` condition becomes
/// `Unavailable`, and back to `Ready` when none is False. Returns whether the phase changed.
pub fn update_terminal_phase(ws: &mut Value) -> bool {
    let p = phase(ws).to_string();
    if p == TERMINATING || p == DELETING || (p != READY && p != UNAVAILABLE) {
        return false;
    }
    let not_ready = ws
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
        .is_some_and(|l| {
            l.iter()
                .any(|c| field(c, "status") == "False" && field(c, "type").starts_with("Workspace"))
        });
    if not_ready && p != UNAVAILABLE {
        set_phase(ws, UNAVAILABLE);
        return true;
    }
    if !not_ready && p == UNAVAILABLE {
        set_phase(ws, READY);
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "2025-01-01T00:00:00Z";
    const T1: &str = "2025-01-01T00:00:05Z";
    const T2: &str = "2025-01-01T00:00:09Z";

    #[test]
    fn scheduling_initializing_ready() {
        let mut ws = json!({"metadata": {"name": "team-a"}, "spec": {"type": {"name": "universal", "path": "root"}}});
        assert_eq!(phase(&ws), SCHEDULING);
        schedule(
            &mut ws,
            "2x7f9k",
            "https://kplane.local/clusters/root:team-a",
            T0,
        );
        assert_eq!(phase(&ws), INITIALIZING);
        assert_eq!(ws["metadata"]["labels"][PHASE_LABEL], INITIALIZING);
        assert_eq!(
            condition(&ws, WORKSPACE_SCHEDULED).cloned(),
            Some(json!({"type": "WorkspaceScheduled", "status": "True", "lastTransitionTime": T0}))
        );
        let init = vec!["root:universal".to_string()];
        assert!(!reconcile_initializing(&mut ws, &init, T1));
        assert_eq!(phase(&ws), INITIALIZING);
        assert_eq!(ws["status"]["initializers"], json!(["root:universal"]));
        assert_eq!(
            condition(&ws, WORKSPACE_INITIALIZED).cloned(),
            Some(
                json!({"type": "WorkspaceInitialized", "status": "False", "severity": "Info",
                "lastTransitionTime": T1, "reason": "InitializerExists",
                "message": "Initializers still exist: [root:universal]"})
            )
        );
        // The same state again keeps the transition time.
        reconcile_initializing(&mut ws, &init, T2);
        assert_eq!(
            condition(&ws, WORKSPACE_INITIALIZED).unwrap()["lastTransitionTime"],
            T1
        );
        assert!(reconcile_initializing(&mut ws, &[], T2));
        assert_eq!(phase(&ws), READY);
        assert_eq!(ws["metadata"]["labels"][PHASE_LABEL], READY);
        assert_eq!(
            condition(&ws, WORKSPACE_INITIALIZED).cloned(),
            Some(
                json!({"type": "WorkspaceInitialized", "status": "True", "lastTransitionTime": T2})
            )
        );
        assert_eq!(ws["status"]["initializers"], json!([]));
        // Sorted by type.
        let types: Vec<&str> = ws["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["WorkspaceInitialized", "WorkspaceScheduled"]);
        assert!(!reconcile_initializing(&mut ws, &[], T2));
    }

    #[test]
    fn ready_sorts_first_and_unavailable_follows_conditions() {
        let mut ws = json!({"status": {"phase": "Ready"}});
        set_condition(&mut ws, &Condition::true_("Zeta"), T0);
        set_condition(&mut ws, &Condition::true_("Ready"), T0);
        set_condition(&mut ws, &Condition::true_("Alpha"), T0);
        let types: Vec<&str> = ws["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["Ready", "Alpha", "Zeta"]);
        set_condition(
            &mut ws,
            &Condition::false_("WorkspaceContentDeleted", "X", "Error", "m"),
            T1,
        );
        assert!(update_terminal_phase(&mut ws));
        assert_eq!(phase(&ws), UNAVAILABLE);
        set_condition(&mut ws, &Condition::true_("WorkspaceContentDeleted"), T2);
        assert!(update_terminal_phase(&mut ws));
        assert_eq!(phase(&ws), READY);
        assert!(!update_terminal_phase(&mut ws));
    }
}
