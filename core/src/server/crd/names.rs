//! A CRD's `status.acceptedNames` and its `NamesAccepted` and `Established` conditions, as the
//! naming and establishing controllers set them (apiextensions-apiserver
//! `pkg/controller/status/naming_controller.go` `calculateNamesAndConditions`,
//! `equalToAcceptedOrFresh`; `pkg/controller/establish/establishing_controller.go`;
//! `pkg/apihelpers/helpers.go` `SetCRDCondition`).
use crate::api::Value;
use crate::json;

/// The names other CRDs of the same group already hold (their accepted resource names and
/// kinds), which a new CRD may not take.
fn used_names(others: &[Value], group: &str, own_name: &str) -> (Vec<String>, Vec<String>) {
    let mut resources = Vec::new();
    let mut kinds = Vec::new();
    for o in others {
        if crate::api::object::name(o) == own_name {
            continue;
        }
        if o.get("spec")
            .and_then(|s| s.get("group"))
            .and_then(Value::as_str)
            != Some(group)
        {
            continue;
        }
        let Some(acc) = o.get("status").and_then(|s| s.get("acceptedNames")) else {
            continue;
        };
        let s = |k: &str| acc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        resources.push(s("plural"));
        resources.push(s("singular"));
        resources.extend(
            acc.get("shortNames")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(String::from)),
        );
        kinds.push(s("kind"));
        kinds.push(s("listKind"));
    }
    (resources, kinds)
}

/// `equalToAcceptedOrFresh`.
fn fresh(requested: &str, accepted: &str, used: &[String]) -> Result<(), String> {
    if requested == accepted || !used.iter().any(|u| u == requested) {
        Ok(())
    } else {
        Err(format!("\"{requested}\" is already in use"))
    }
}

/// One CRD condition (`type`, `status`, `reason`, `message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdCondition {
    /// `NamesAccepted` or `Established`.
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// `NoConflicts`, `PluralConflict`, `InitialNamesAccepted`, …
    pub reason: String,
    /// Human-readable detail.
    pub message: String,
}

impl CrdCondition {
    fn new(type_: &str, status: &str, reason: &str, message: &str) -> CrdCondition {
        CrdCondition {
            type_: type_.into(),
            status: status.into(),
            reason: reason.into(),
            message: message.into(),
        }
    }
}

fn condition(crd: &Value, type_: &str) -> Option<CrdCondition> {
    let c = crd
        .get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))?;
    let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
    Some(CrdCondition::new(
        type_,
        s("status"),
        s("reason"),
        s("message"),
    ))
}

/// `calculateNamesAndConditions`: the accepted names and the `NamesAccepted` and `Established`
/// conditions of `crd`, given the other CRDs of the workspace (`others` may include `crd`).
pub fn calculate_names(crd: &Value, others: &[Value]) -> (Value, CrdCondition, CrdCondition) {
    let spec = crd.get("spec").cloned().unwrap_or_default();
    let group = spec.get("group").and_then(Value::as_str).unwrap_or("");
    let (resources, kinds) = used_names(others, group, crate::api::object::name(crd));
    let requested = spec.get("names").cloned().unwrap_or_default();
    let accepted = crd
        .get("status")
        .and_then(|s| s.get("acceptedNames"))
        .cloned()
        .unwrap_or_else(Value::object);
    let mut new_names = accepted.clone();
    if !new_names.is_object() {
        new_names = Value::object();
    }
    let req = |k: &str| requested.get(k).and_then(Value::as_str).unwrap_or("");
    let acc = |k: &str| accepted.get(k).and_then(Value::as_str).unwrap_or("");
    let mut names_accepted = CrdCondition::new("NamesAccepted", "Unknown", "", "");
    let conflict = |reason: &str, message: String, c: &mut CrdCondition| {
        c.status = "False".into();
        c.reason = reason.into();
        c.message = message;
    };
    let set = |m: &mut Value, k: &str, v: Value| {
        if let Some(o) = m.as_object_mut() {
            o.insert(k, v);
        }
    };
    for (key, reason, used) in [
        ("plural", "PluralConflict", &resources),
        ("singular", "SingularConflict", &resources),
    ] {
        match fresh(req(key), acc(key), used) {
            Err(e) => conflict(reason, e, &mut names_accepted),
            Ok(()) => set(&mut new_names, key, Value::from(req(key))),
        }
    }
    let short = |v: &Value| -> Vec<String> {
        v.get("shortNames")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (req_short, acc_short) = (short(&requested), short(&accepted));
    if req_short != acc_short {
        let errs: Vec<String> = req_short
            .iter()
            .filter(|s| !acc_short.contains(s))
            .filter_map(|s| fresh(s, "", &resources).err())
            .collect();
        if errs.is_empty() {
            set(
                &mut new_names,
                "shortNames",
                requested.get("shortNames").cloned().unwrap_or_default(),
            );
        } else {
            let message = if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            };
            conflict("ShortNamesConflict", message, &mut names_accepted);
        }
    }
    for (key, reason) in [("kind", "KindConflict"), ("listKind", "ListKindConflict")] {
        match fresh(req(key), acc(key), &kinds) {
            Err(e) => conflict(reason, e, &mut names_accepted),
            Ok(()) => set(&mut new_names, key, Value::from(req(key))),
        }
    }
    if let Some(c) = requested.get("categories") {
        set(&mut new_names, "categories", c.clone());
    }
    if names_accepted.status == "Unknown" {
        names_accepted =
            CrdCondition::new("NamesAccepted", "True", "NoConflicts", "no conflicts found");
    }
    let mut established = condition(crd, "Established").unwrap_or_else(|| {
        CrdCondition::new(
            "Established",
            "False",
            "NotAccepted",
            "not all names are accepted",
        )
    });
    if established.status != "True" && names_accepted.status == "True" {
        established = CrdCondition::new(
            "Established",
            "False",
            "Installing",
            "the initial names have been accepted",
        );
    }
    (new_names, names_accepted, established)
}

/// `SetCRDCondition`: adds or updates a condition; `lastTransitionTime` moves only when the
/// status changes. `now` is an RFC 3339 timestamp.
pub fn set_condition(crd: &mut Value, c: &CrdCondition, now: &str) {
    let Some(root) = crd.as_object_mut() else {
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
    let fresh = json!({"type": c.type_.as_str(), "status": c.status.as_str(),
        "lastTransitionTime": now, "reason": c.reason.as_str(), "message": c.message.as_str()});
    match list
        .iter_mut()
        .find(|x| x.get("type").and_then(Value::as_str) == Some(c.type_.as_str()))
    {
        None => list.push(fresh),
        Some(existing) => {
            let changed = existing.get("status").and_then(Value::as_str) != Some(c.status.as_str())
                || existing
                    .get("lastTransitionTime")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
            if let Some(m) = existing.as_object_mut() {
                if changed {
                    m.insert("lastTransitionTime", Value::from(now));
                }
                m.insert("status", Value::from(c.status.as_str()));
                m.insert("reason", Value::from(c.reason.as_str()));
                m.insert("message", Value::from(c.message.as_str()));
            }
        }
    }
}

/// The naming controller's sync: writes `status.acceptedNames` and the `NamesAccepted` and
/// `Established` conditions. Returns whether the names are accepted.
pub fn accept_names(crd: &mut Value, others: &[Value], now: &str) -> bool {
    let (names, accepted, established) = calculate_names(crd, others);
    if let Some(root) = crd.as_object_mut() {
        let status = root.entry("status").or_insert_with(Value::object);
        if let Some(s) = status.as_object_mut() {
            s.insert("acceptedNames", names);
        }
    }
    set_condition(crd, &accepted, now);
    set_condition(crd, &established, now);
    accepted.status == "True"
}

/// The establishing controller's sync: once names are accepted, `Established=True`
/// (`InitialNamesAccepted`). Returns whether it changed anything.
pub fn establish(crd: &mut Value, now: &str) -> bool {
    let accepted = condition(crd, "NamesAccepted").is_some_and(|c| c.status == "True");
    let established = condition(crd, "Established").is_some_and(|c| c.status == "True");
    if !accepted || established {
        return false;
    }
    set_condition(
        crd,
        &CrdCondition::new(
            "Established",
            "True",
            "InitialNamesAccepted",
            "the initial names have been accepted",
        ),
        now,
    );
    true
}

/// Whether a CRD serves its kind: `Established=True`.
pub fn is_established(crd: &Value) -> bool {
    condition(crd, "Established").is_some_and(|c| c.status == "True")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(name: &str, plural: &str, kind: &str, short: &[&str]) -> Value {
        json!({"metadata": {"name": format!("{plural}.example.com")},
            "spec": {"group": "example.com", "names": {"plural": plural, "singular": name,
                "kind": kind, "listKind": format!("{kind}List"), "shortNames": short}}})
    }

    #[test]
    fn accepted_then_established() {
        let mut c = crd("widget", "widgets", "Widget", &["wd"]);
        assert!(accept_names(&mut c, &[], "t0"));
        assert_eq!(
            c["status"]["acceptedNames"],
            json!({"plural": "widgets", "singular": "widget", "shortNames": ["wd"], "kind": "Widget", "listKind": "WidgetList"})
        );
        assert_eq!(
            c["status"]["conditions"],
            json!([
                {"type": "NamesAccepted", "status": "True", "lastTransitionTime": "t0", "reason": "NoConflicts", "message": "no conflicts found"},
                {"type": "Established", "status": "False", "lastTransitionTime": "t0", "reason": "Installing", "message": "the initial names have been accepted"}
            ])
        );
        assert!(!is_established(&c));
        assert!(establish(&mut c, "t1"));
        assert!(is_established(&c));
        assert_eq!(
            c["status"]["conditions"][1],
            json!({"type": "Established", "status": "True", "lastTransitionTime": "t1", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"})
        );
        assert!(!establish(&mut c, "t2"));
    }

    #[test]
    fn conflicts_with_names_in_use() {
        let mut first = crd("widget", "widgets", "Widget", &["wd"]);
        accept_names(&mut first, &[], "t0");
        // Another CRD in the group wanting the same kind, and a short name in use.
        let mut second = crd("gadget", "gadgets", "Widget", &["wd"]);
        second["metadata"]["name"] = json!("gadgets.example.com");
        assert!(!accept_names(
            &mut second,
            std::slice::from_ref(&first),
            "t0"
        ));
        // Each conflict overwrites the reason; listKind is checked last.
        let cond = &second["status"]["conditions"][0];
        assert_eq!(cond["status"], "False");
        assert_eq!(cond["reason"], "ListKindConflict");
        assert_eq!(cond["message"], "\"WidgetList\" is already in use");
        let mut kind_only = crd("gadget", "gadgets", "Widget", &[]);
        kind_only["spec"]["names"]["listKind"] = json!("GadgetList");
        accept_names(&mut kind_only, std::slice::from_ref(&first), "t0");
        assert_eq!(
            kind_only["status"]["conditions"][0]["reason"],
            "KindConflict"
        );
        assert_eq!(
            kind_only["status"]["conditions"][0]["message"],
            "\"Widget\" is already in use"
        );
        assert_eq!(second["status"]["acceptedNames"]["plural"], "gadgets");
        assert!(second["status"]["acceptedNames"].get("kind").is_none());
        assert!(second["status"]["acceptedNames"]
            .get("shortNames")
            .is_none());
        assert_eq!(
            second["status"]["conditions"][1],
            json!({"type": "Established", "status": "False", "lastTransitionTime": "t0", "reason": "NotAccepted", "message": "not all names are accepted"})
        );
        let mut third = crd("widget", "things", "Thing", &[]);
        third["metadata"]["name"] = json!("things.example.com");
        accept_names(&mut third, std::slice::from_ref(&first), "t0");
        assert_eq!(
            third["status"]["conditions"][0]["reason"],
            "SingularConflict"
        );
    }
}
