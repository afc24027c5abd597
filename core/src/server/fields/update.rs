//! Recording a write (operation `Update`) in `managedFields`, incrementally: the old and new
//! objects are compared only where they differ (shared subtrees are skipped), and the change is
//! applied to the `fieldsV1` trees in place. The result equals what recomputing every field set
//! of the whole object gives (`record_update_full`, kept for the tests), at the cost of what
//! changed rather than of the whole object.
use super::{element_key, ATOMIC, SERVER_OWNED};
use crate::api::value::Str;
use crate::api::{Map, Value};
use crate::json;
use crate::server::patch::merge_key;

/// A field path in `fieldsV1` segments (`f:spec`, `k:{"name":"a"}`, `v:"x"`).
type Path = Vec<Str>;

/// What a write did to one field path.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// The value at the path (a leaf in the new object) changed: the writer owns it now, and
    /// no one else does (nor anything below it).
    Own(Path),
    /// Nothing is left at or below the path.
    Gone(Path),
    /// The path is no longer a leaf (it holds fields now): whoever owned it as a whole does no
    /// longer.
    NotLeaf(Path),
}

/// How the field set sees a value at a field (as `collect` does).
enum Shape<'a> {
    Leaf,
    Object(&'a Map),
    Finalizers(&'a [Value]),
    Keyed(&'a [Value], &'static str),
}

fn shape<'a>(v: &'a Value, field: &str) -> Shape<'a> {
    match v {
        Value::Object(m) if !m.is_empty() && !ATOMIC.contains(&field) => Shape::Object(m),
        Value::Array(items) if field == "finalizers" => Shape::Finalizers(items),
        Value::Array(items) if merge_key(field).is_some() && items.iter().all(Value::is_object) => {
            Shape::Keyed(items, merge_key(field).unwrap_or("name"))
        }
        _ => Shape::Leaf,
    }
}

fn seg(prefix: &str, name: &str) -> Str {
    let mut s = String::with_capacity(prefix.len() + name.len());
    s.push_str(prefix);
    s.push_str(name);
    Str::from(s)
}

/// One step of a path, borrowed from the objects being compared: its `fieldsV1` text is built
/// only for the paths an op names.
#[derive(Clone, Copy)]
enum Seg<'a> {
    /// `f:<name>`.
    F(&'a str),
    /// `k:{"<key>":<value>}` of a keyed list element.
    K(&'a Value, &'static str),
    /// `v:<value>` of a finalizer.
    V(&'a Value),
}

impl Seg<'_> {
    fn text(self) -> Str {
        match self {
            Seg::F(name) => seg("f:", name),
            Seg::K(elem, key) => Str::from(element_key(elem, key)),
            Seg::V(item) => seg("v:", &item.to_string()),
        }
    }
}

fn materialize(path: &[Seg], last: Option<Seg>) -> Path {
    path.iter().copied().chain(last).map(Seg::text).collect()
}

/// The element of `items` whose merge key equals `elem`'s (as `get` finds `k:` segments).
fn find_keyed<'a>(items: Option<&'a [Value]>, elem: &Value, key: &str) -> Option<&'a Value> {
    items?
        .iter()
        .find(|e| e.get(key) == Some(elem.get(key).unwrap_or(&Value::Null)))
}

/// The ops that turn the field sets of `old` (at `path`) into those of `new`.
fn diff<'a>(
    old: Option<&'a Value>,
    new: &'a Value,
    field: &str,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Op>,
) {
    if old.is_some_and(|o| o.same(new)) {
        return;
    }
    let new_shape = shape(new, field);
    if let Shape::Leaf = new_shape {
        // Owning the leaf drops whatever anyone owned at or below it.
        if old != Some(new) {
            out.push(Op::Own(materialize(path, None)));
        }
        return;
    }
    let old_shape = old.map(|o| shape(o, field));
    if matches!(old_shape, Some(Shape::Leaf)) {
        out.push(Op::NotLeaf(materialize(path, None)));
    }
    match new_shape {
        Shape::Leaf => {}
        Shape::Object(m) => {
            let old_map = old.and_then(Value::as_object);
            for (k, c) in m {
                path.push(Seg::F(k));
                diff(old_map.and_then(|o| o.get(k)), c, k, path, out);
                path.pop();
            }
        }
        Shape::Finalizers(items) => {
            let old_items = old.and_then(Value::as_array);
            for i in items {
                if !old_items.is_some_and(|o| o.contains(i)) {
                    out.push(Op::Own(materialize(path, Some(Seg::V(i)))));
                }
            }
        }
        Shape::Keyed(items, key) => {
            let old_items = old.and_then(Value::as_array).map(Vec::as_slice);
            for (i, e) in items.iter().enumerate() {
                // A duplicated merge key (which validation refuses where it matters) names its
                // first element, as a `k:` path does.
                if items[..i].iter().any(|x| x.get(key) == e.get(key)) {
                    continue;
                }
                let old_e = find_keyed(old_items, e, key);
                if old_e.is_some_and(|o| o.same(e)) {
                    continue;
                }
                path.push(Seg::K(e, key));
                let old_m = old_e.and_then(Value::as_object);
                for (k, c) in e.as_object().into_iter().flatten() {
                    path.push(Seg::F(k));
                    diff(old_m.and_then(|o| o.get(k)), c, k, path, out);
                    path.pop();
                }
                for k in old_m.into_iter().flat_map(|o| o.keys()) {
                    if e.get(k).is_none() {
                        out.push(Op::Gone(materialize(path, Some(Seg::F(k)))));
                    }
                }
                path.pop();
            }
        }
    }
    // What was below the old value and is not below the new one is gone.
    let (Some(old), Some(old_shape)) = (old, old_shape) else {
        return;
    };
    let new_shape = shape(new, field);
    match old_shape {
        Shape::Leaf => {}
        Shape::Object(om) => {
            let nm = match new_shape {
                Shape::Object(nm) => Some(nm),
                _ => None,
            };
            for k in om.keys() {
                if !nm.is_some_and(|nm| nm.contains_key(k)) {
                    out.push(Op::Gone(materialize(path, Some(Seg::F(k)))));
                }
            }
        }
        Shape::Finalizers(oi) => {
            let ni = match new_shape {
                Shape::Finalizers(ni) => Some(ni),
                _ => None,
            };
            for i in oi {
                if !ni.is_some_and(|ni| ni.contains(i)) {
                    out.push(Op::Gone(materialize(path, Some(Seg::V(i)))));
                }
            }
        }
        Shape::Keyed(oi, key) => {
            let ni = match new_shape {
                Shape::Keyed(ni, _) => Some(ni),
                _ => None,
            };
            for (i, e) in oi.iter().enumerate() {
                if oi[..i].iter().any(|x| x.get(key) == e.get(key)) {
                    continue;
                }
                if find_keyed(ni, e, key).is_none() {
                    out.push(Op::Gone(materialize(path, Some(Seg::K(e, key)))));
                }
            }
            let _ = old;
        }
    }
}

/// The ops for a whole object (`field_set`'s rules: no apiVersion/kind, no server-owned
/// metadata).
fn diff_object(old: Option<&Value>, new: &Value) -> Vec<Op> {
    let mut out = Vec::new();
    let empty = Map::new();
    let new_m = new.as_object().unwrap_or(&empty);
    let old_m = old.and_then(Value::as_object);
    let mut path: Vec<Seg> = Vec::new();
    for (k, v) in new_m {
        match &**k {
            "apiVersion" | "kind" => {}
            "metadata" => {
                let old_meta = old_m.and_then(|o| o.get("metadata"));
                if old_meta.is_some_and(|o| o.same(v)) {
                    continue;
                }
                let old_meta = old_meta.and_then(Value::as_object);
                let meta = v.as_object().unwrap_or(&empty);
                for (mk, mv) in meta {
                    if SERVER_OWNED.contains(&&**mk) {
                        continue;
                    }
                    path.clear();
                    path.push(Seg::F("metadata"));
                    path.push(Seg::F(mk));
                    diff(
                        old_meta.and_then(|o| o.get(mk)),
                        mv,
                        mk,
                        &mut path,
                        &mut out,
                    );
                }
                for mk in old_meta.into_iter().flat_map(|o| o.keys()) {
                    if !SERVER_OWNED.contains(&&**mk) && !meta.contains_key(mk) {
                        out.push(Op::Gone(vec![Str::new("f:metadata"), seg("f:", mk)]));
                    }
                }
            }
            _ => {
                path.clear();
                path.push(Seg::F(k));
                diff(old_m.and_then(|o| o.get(k)), v, k, &mut path, &mut out);
            }
        }
    }
    for k in old_m.into_iter().flat_map(|o| o.keys()) {
        if new_m.contains_key(k) {
            continue;
        }
        match &**k {
            "apiVersion" | "kind" => {}
            "metadata" => {
                for mk in old_m
                    .and_then(|o| o.get("metadata"))
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|o| o.keys())
                {
                    if !SERVER_OWNED.contains(&&**mk) {
                        out.push(Op::Gone(vec![Str::new("f:metadata"), seg("f:", mk)]));
                    }
                }
            }
            _ => out.push(Op::Gone(vec![seg("f:", k)])),
        }
    }
    out
}

/// Removes the node at `path` from a `fieldsV1` tree (only if it is a leaf, `{}`, when
/// `only_leaf`), and every ancestor left empty. Returns whether `tree` itself is now empty.
fn remove(tree: &mut Value, path: &[Str], only_leaf: bool) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let Some(m) = tree.as_object() else {
        return false;
    };
    let Some(child) = m.get(first) else {
        return false;
    };
    let drop_child = if rest.is_empty() {
        !only_leaf || child.as_object().is_some_and(Map::is_empty)
    } else {
        // Look before writing: only a path that is there copies the shared tree.
        let mut probe = child;
        let mut there = true;
        for s in rest {
            match probe.get(s) {
                Some(c) => probe = c,
                None => {
                    there = false;
                    break;
                }
            }
        }
        if !there {
            return false;
        }
        let Some(child) = tree.get_mut(first) else {
            return false;
        };
        remove(child, rest, only_leaf)
    };
    if drop_child {
        if let Some(m) = tree.as_object_mut() {
            m.shift_remove(first);
            return m.is_empty();
        }
    }
    false
}

/// Inserts `key` into a `fieldsV1` object keeping its keys sorted (as structured-merge-diff
/// serializes them). Returns the child.
fn child_sorted<'a>(m: &'a mut Map, key: &Str) -> &'a mut Value {
    if !m.contains_key(key) {
        let mut entries: Vec<(Str, Value)> = std::mem::take(m).into_iter().collect();
        let at = entries.partition_point(|(k, _)| k < key);
        entries.insert(at, (key.clone(), Value::object()));
        *m = entries.into_iter().collect();
    }
    m.get_mut(key).expect("just inserted")
}

fn insert(tree: &mut Value, path: &[Str]) {
    let mut cur = tree;
    for s in path {
        if !cur.is_object() {
            *cur = Value::object();
        }
        let Some(m) = cur.as_object_mut() else {
            return;
        };
        cur = child_sorted(m, s);
    }
}

/// Records a write by `manager` (operation `Update`): the fields it changed become its own
/// and no one else's; fields that disappeared are no one's. `new`'s `managedFields` are
/// replaced by `old`'s so updated.
pub fn record_update(
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: &str,
    time: &str,
) {
    let ops = diff_object(old, new);
    let mut list: Vec<Value> = old
        .map(|o| crate::api::object::array_at(o, &["metadata", "managedFields"]).to_vec())
        .unwrap_or_default();
    let owned: Vec<&Path> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Own(p) => Some(p),
            _ => None,
        })
        .collect();
    if !ops.is_empty() {
        for entry in list.iter_mut() {
            let tree = &mut entry["fieldsV1"];
            for op in &ops {
                match op {
                    Op::Own(p) | Op::Gone(p) => remove(tree, p, false),
                    Op::NotLeaf(p) => remove(tree, p, true),
                };
            }
        }
        if !owned.is_empty() {
            let mine = list.iter().position(|e| {
                e["manager"] == manager
                    && e["operation"] == "Update"
                    && e["subresource"].as_str().unwrap_or("") == subresource
            });
            let i = match mine {
                Some(i) => i,
                None => {
                    let mut e = json!({"manager": manager, "operation": "Update", "apiVersion": crate::api::object::api_version(new), "time": time, "fieldsType": "FieldsV1", "fieldsV1": {}});
                    if !subresource.is_empty() {
                        e["subresource"] = json!(subresource);
                    }
                    list.push(e);
                    list.len() - 1
                }
            };
            let e = &mut list[i];
            e["time"] = json!(time);
            for p in owned {
                insert(&mut e["fieldsV1"], p);
            }
        }
        list.retain(|e| e["fieldsV1"].as_object().is_some_and(|m| !m.is_empty()));
    }
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        if list.is_empty() {
            meta.shift_remove("managedFields");
        } else {
            meta.insert("managedFields", Value::from(list));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::record_update_full;
    use super::*;
    use proptest::prelude::*;

    fn both(old: Option<&Value>, new: &Value, manager: &str, sub: &str) -> (Value, Value) {
        let mut a = new.clone();
        record_update(old, &mut a, manager, sub, "t");
        let mut b = new.clone();
        record_update_full(old, &mut b, manager, sub, "t");
        (a, b)
    }

    #[test]
    fn a_status_write_moves_only_what_changed() {
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}, "status": {"phase": "Pending"}});
        record_update(None, &mut pod, "kubectl", "", "t0");
        let mut next = pod.clone();
        next["status"]["phase"] = json!("Running");
        next["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
        let (a, b) = both(Some(&pod), &next, "kubelet", "status");
        assert_eq!(a, b);
        let mf = a["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(mf.len(), 2);
        // An update owns the leaves it changed (no `.` markers: those come from apply).
        assert_eq!(
            mf[1]["fieldsV1"],
            json!({"f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {"f:status": {}, "f:type": {}}}, "f:phase": {}}})
        );
        // spec's tree is still kubectl's, shared with the old revision.
        assert!(mf[0]["fieldsV1"]["f:spec"]
            .same(&pod["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]));
    }

    /// Values shaped like Kubernetes objects: maps, atomic and keyed fields, finalizers.
    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0i64..4).prop_map(Value::from),
            "[ab]{0,2}".prop_map(Value::from),
            Just(json!({})),
            Just(json!([])),
        ]
    }

    const FIELDS: &[&str] = &[
        "a",
        "b",
        "labels",
        "selector",
        "containers",
        "finalizers",
        "conditions",
        "c",
    ];

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec((0..FIELDS.len(), inner.clone()), 0..4).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (FIELDS[k], v)).collect())
                }),
                prop::collection::vec(
                    (prop::sample::select(vec!["x", "y", "z"]), inner.clone()),
                    0..3
                )
                .prop_map(|els| {
                    // Unique merge keys, as validation requires of keyed lists.
                    let mut seen = Vec::new();
                    Value::from(
                        els.into_iter()
                            .filter(|(n, _)| {
                                let fresh = !seen.contains(n);
                                seen.push(*n);
                                fresh
                            })
                            .map(|(n, v)| json!({"name": n, "type": n, "v": v}))
                            .collect::<Vec<_>>(),
                    )
                }),
                prop::collection::vec(prop::sample::select(vec!["f1", "f2", "f3"]), 0..3).prop_map(
                    |fs| Value::from(fs.into_iter().map(Value::from).collect::<Vec<_>>())
                ),
            ]
        })
    }

    fn object() -> impl Strategy<Value = Value> {
        (value(), value(), value()).prop_map(|(m, spec, status)| {
            let mut meta = json!({"name": "o"});
            if let Value::Object(extra) = m {
                for (k, v) in extra {
                    meta[&*k] = v;
                }
            }
            json!({"apiVersion": "v1", "kind": "Thing", "metadata": meta, "spec": spec, "status": status})
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Incremental and whole-object field tracking agree on every write, over a chain of
        /// writes by different managers.
        #[test]
        fn incremental_equals_whole_object(a in object(), b in object(), c in object(), m in 0usize..3) {
            let managers = ["kubectl", "kubelet", "kcm"];
            let mut first = a.clone();
            record_update_full(None, &mut first, "kubectl", "", "t");
            let mut inc = first.clone();
            let mut full = first.clone();
            for (i, next) in [b, c].into_iter().enumerate() {
                let manager = managers[(m + i) % 3];
                let mut x = next.clone();
                record_update(Some(&inc), &mut x, manager, "", "t");
                let mut y = next.clone();
                record_update_full(Some(&full), &mut y, manager, "", "t");
                prop_assert_eq!(&x["metadata"]["managedFields"], &y["metadata"]["managedFields"]);
                inc = x;
                full = y;
            }
        }
    }
}
