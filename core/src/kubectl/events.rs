//! `kubectl events` (k8s.io/kubectl/pkg/cmd/events): the namespace's events oldest first
//! (by series time, last timestamp, else event time), `--for TYPE/NAME`, `--types
//! Normal,Warning`; `LAST SEEN TYPE REASON OBJECT MESSAGE` with `5m (x3 over 10m)` for
//! repeated events.
use super::print::{self, Format};
use super::printers::since;
use super::resources;
use super::{tabwriter, Ctx, Error};
use crate::api::object::str_at;
use crate::api::{KindInfo, Value};
use crate::control_plane::ListOptions;
use crate::sim::parse_rfc3339;

pub(super) fn events(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let types = ctx.p.list("types");
    for t in &types {
        if !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning") {
            return Err(Error::msg("error: valid --types are Normal or Warning"));
        }
    }
    let fmt = print::format(ctx, false)?;
    let for_obj = ctx.p.str("for");
    let target = if for_obj.is_empty() {
        None
    } else {
        let (t, n) = for_obj
            .split_once('/')
            .ok_or_else(|| Error::msg("error: --for must be in resource/name form"))?;
        if n.contains('/') {
            return Err(Error::msg(
                "error: arguments in resource/name form may not have more than one slash",
            ));
        }
        Some((resources::resolve_type(t)?, n.to_string()))
    };
    let all = ctx.p.bool("all-namespaces");
    let ns = ctx.ns();
    let items = ctx
        .cp
        .list_items(
            &super::ws(ctx.cp),
            &ListOptions {
                api_version: Some("v1".into()),
                kind: "Event".into(),
                namespace: (!all).then(|| ns.clone()),
                ..Default::default()
            },
        )
        .map_err(Error::Status)?;
    let items = select(
        items,
        &types,
        target.as_ref().map(|(k, n)| (*k, n.as_str())),
    );
    if items.is_empty() {
        if all {
            ctx.err.push_str("No events found.\n");
        } else {
            ctx.err
                .push_str(&format!("No events found in {ns} namespace.\n"));
        }
        return Ok(());
    }
    if !matches!(fmt, Format::Default) {
        let mut list = print::list_of(items);
        list["kind"] = Value::from("EventList");
        list["metadata"] = crate::json!({});
        ctx.out.push_str(&print::render(&fmt, &list, true)?);
        return Ok(());
    }
    let now = ctx.now();
    ctx.out
        .push_str(&table(&items, all, ctx.p.bool("no-headers"), now));
    Ok(())
}

/// The events of `--types` and `--for` (the field selector events.go lists with), sorted as
/// `sort.Sort(SortableEvents)` leaves them (Go's unstable sort, ties included).
fn select(
    mut items: Vec<Value>,
    types: &[String],
    target: Option<(&KindInfo, &str)>,
) -> Vec<Value> {
    items.retain(|e| {
        let ok_type = types.is_empty()
            || types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(e["type"].as_str().unwrap_or("")));
        let ok_target = target.is_none_or(|(k, n)| {
            e["involvedObject"]["kind"] == k.kind
                && e["involvedObject"]["name"] == n
                && e["involvedObject"]["apiVersion"]
                    .as_str()
                    .is_none_or(|v| v == k.api_version())
        });
        ok_type && ok_target
    });
    super::gosort::sort(&mut items, |a, b| event_time(a) < event_time(b));
    items
}

/// The table of events.go's printer: `LAST SEEN TYPE REASON OBJECT MESSAGE`.
fn table(items: &[Value], all: bool, no_headers: bool, now: i64) -> String {
    let mut text = String::new();
    if !no_headers {
        if all {
            text.push_str("NAMESPACE\t");
        }
        text.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    }
    for e in items {
        if all {
            text.push_str(&format!("{}\t", crate::api::object::namespace(e)));
        }
        text.push_str(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            interval(e, now),
            e["type"].as_str().unwrap_or(""),
            e["reason"].as_str().unwrap_or(""),
            e["involvedObject"]["kind"].as_str().unwrap_or(""),
            e["involvedObject"]["name"].as_str().unwrap_or(""),
            e["message"].as_str().unwrap_or("").trim()
        ));
    }
    tabwriter::table(&text)
}

/// The time events sort by (`eventTime` in events.go; Go's zero time when absent).
fn event_time(e: &Value) -> i64 {
    let t = |k: &[&str]| str_at(e, k).and_then(parse_rfc3339);
    if e.get("series").is_some_and(|s| !s.is_null()) {
        return t(&["series", "lastObservedTime"]).unwrap_or(i64::MIN);
    }
    t(&["lastTimestamp"])
        .or_else(|| t(&["eventTime"]))
        .unwrap_or(i64::MIN)
}

/// `getInterval`.
pub(super) fn interval(e: &Value, now: i64) -> String {
    let first = if str_at(e, &["eventTime"]).is_some() {
        since(str_at(e, &["eventTime"]), now)
    } else {
        since(str_at(e, &["firstTimestamp"]), now)
    };
    if let Some(series) = e.get("series").filter(|s| !s.is_null()) {
        return format!(
            "{} (x{} over {first})",
            since(series["lastObservedTime"].as_str(), now),
            series["count"].as_i64().unwrap_or(0)
        );
    }
    let count = e["count"].as_i64().unwrap_or(0);
    if count > 1 {
        return format!(
            "{} (x{count} over {first})",
            since(str_at(e, &["lastTimestamp"]), now)
        );
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line and what real kubectl v1.32.4 printed for it, listing the events of the
    /// describe fixture (`describe/testdata/cluster.json`) from an API server.
    const GOLDEN: &[(&str, &str, &str)] = &[
        (
            r#"events"#,
            r#"LAST SEEN   TYPE     REASON              OBJECT                     MESSAGE
90s         Normal   SuccessfulCreate    Job/once                   Created pod: once-nn88j
90s         Normal   ScalingReplicaSet   Deployment/web             Scaled up replica set web-7d8cb84c8 from 0 to 2
90s         Normal   SuccessfulCreate    ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-c942v
90s         Normal   SuccessfulCreate    ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-gbqtm
90s         Normal   SuccessfulCreate    DaemonSet/agent            Created pod: agent-gfn5j
90s         Normal   Scheduled           Pod/db-0                   Successfully assigned default/db-0 to n2
90s         Normal   Scheduled           Pod/web-7d8cb84c8-gbqtm    Successfully assigned default/web-7d8cb84c8-gbqtm to n1
90s         Normal   Scheduled           Pod/agent-gfn5j            Successfully assigned default/agent-gfn5j to n1
90s         Normal   Scheduled           Pod/web-7d8cb84c8-c942v    Successfully assigned default/web-7d8cb84c8-c942v to n1
90s         Normal   SuccessfulCreate    StatefulSet/db             create Pod db-0 in StatefulSet db successful
90s         Normal   NodeReady           Node/n1                    Node n1 status is now: NodeReady
90s         Normal   NodeReady           Node/n2                    Node n2 status is now: NodeReady
90s         Normal   Scheduled           Pod/once-nn88j             Successfully assigned default/once-nn88j to n1
89s         Normal   Created             Pod/db-0                   Created container: db
89s         Normal   Started             Pod/web-7d8cb84c8-c942v    Started container web
89s         Normal   Started             Pod/once-nn88j             Started container once
89s         Normal   Pulled              Pod/once-nn88j             Container image "docker.io/library/busybox:1.36" already present on machine
89s         Normal   Started             Pod/db-0                   Started container db
89s         Normal   Pulled              Pod/web-7d8cb84c8-c942v    Container image "docker.io/library/nginx:1.27" already present on machine
89s         Normal   Created             Pod/web-7d8cb84c8-c942v    Created container: web
89s         Normal   Created             Pod/once-nn88j             Created container: once
89s         Normal   Pulled              Pod/db-0                   Container image "docker.io/library/postgres:16" already present on machine
89s         Normal   Pulled              Pod/web-7d8cb84c8-gbqtm    Container image "docker.io/library/nginx:1.27" already present on machine
89s         Normal   Created             Pod/web-7d8cb84c8-gbqtm    Created container: web
89s         Normal   Started             Pod/web-7d8cb84c8-gbqtm    Started container web
89s         Normal   Started             Pod/agent-gfn5j            Started container agent
89s         Normal   Created             Pod/agent-gfn5j            Created container: agent
89s         Normal   Pulled              Pod/agent-gfn5j            Container image "docker.io/library/busybox:1.36" already present on machine
"#,
            r#""#,
        ),
        (
            r#"events -A"#,
            r#"NAMESPACE   LAST SEEN   TYPE     REASON              OBJECT                     MESSAGE
default     90s         Normal   SuccessfulCreate    Job/once                   Created pod: once-nn88j
default     90s         Normal   ScalingReplicaSet   Deployment/web             Scaled up replica set web-7d8cb84c8 from 0 to 2
default     90s         Normal   SuccessfulCreate    ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-c942v
default     90s         Normal   SuccessfulCreate    ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-gbqtm
default     90s         Normal   SuccessfulCreate    DaemonSet/agent            Created pod: agent-gfn5j
default     90s         Normal   Scheduled           Pod/db-0                   Successfully assigned default/db-0 to n2
default     90s         Normal   Scheduled           Pod/web-7d8cb84c8-gbqtm    Successfully assigned default/web-7d8cb84c8-gbqtm to n1
default     90s         Normal   Scheduled           Pod/agent-gfn5j            Successfully assigned default/agent-gfn5j to n1
default     90s         Normal   Scheduled           Pod/web-7d8cb84c8-c942v    Successfully assigned default/web-7d8cb84c8-c942v to n1
default     90s         Normal   SuccessfulCreate    StatefulSet/db             create Pod db-0 in StatefulSet db successful
default     90s         Normal   NodeReady           Node/n1                    Node n1 status is now: NodeReady
default     90s         Normal   NodeReady           Node/n2                    Node n2 status is now: NodeReady
default     90s         Normal   Scheduled           Pod/once-nn88j             Successfully assigned default/once-nn88j to n1
default     89s         Normal   Created             Pod/db-0                   Created container: db
default     89s         Normal   Started             Pod/web-7d8cb84c8-c942v    Started container web
default     89s         Normal   Started             Pod/once-nn88j             Started container once
default     89s         Normal   Pulled              Pod/once-nn88j             Container image "docker.io/library/busybox:1.36" already present on machine
default     89s         Normal   Started             Pod/db-0                   Started container db
default     89s         Normal   Pulled              Pod/web-7d8cb84c8-c942v    Container image "docker.io/library/nginx:1.27" already present on machine
default     89s         Normal   Created             Pod/web-7d8cb84c8-c942v    Created container: web
default     89s         Normal   Created             Pod/once-nn88j             Created container: once
default     89s         Normal   Pulled              Pod/db-0                   Container image "docker.io/library/postgres:16" already present on machine
default     89s         Normal   Pulled              Pod/web-7d8cb84c8-gbqtm    Container image "docker.io/library/nginx:1.27" already present on machine
default     89s         Normal   Created             Pod/web-7d8cb84c8-gbqtm    Created container: web
default     89s         Normal   Started             Pod/web-7d8cb84c8-gbqtm    Started container web
default     89s         Normal   Started             Pod/agent-gfn5j            Started container agent
default     89s         Normal   Created             Pod/agent-gfn5j            Created container: agent
default     89s         Normal   Pulled              Pod/agent-gfn5j            Container image "docker.io/library/busybox:1.36" already present on machine
"#,
            r#""#,
        ),
        (
            r#"events --for pod/db-0"#,
            r#"LAST SEEN   TYPE     REASON      OBJECT     MESSAGE
90s         Normal   Scheduled   Pod/db-0   Successfully assigned default/db-0 to n2
89s         Normal   Pulled      Pod/db-0   Container image "docker.io/library/postgres:16" already present on machine
89s         Normal   Created     Pod/db-0   Created container: db
89s         Normal   Started     Pod/db-0   Started container db
"#,
            r#""#,
        ),
        (
            r#"events --for=deployment/web"#,
            r#"LAST SEEN   TYPE     REASON              OBJECT           MESSAGE
90s         Normal   ScalingReplicaSet   Deployment/web   Scaled up replica set web-7d8cb84c8 from 0 to 2
"#,
            r#""#,
        ),
        (
            r#"events --types=Warning"#,
            r#""#,
            r#"No events found in default namespace.
"#,
        ),
        (
            r#"events --types=Normal -n team"#,
            r#""#,
            r#"No events found in team namespace.
"#,
        ),
        (
            r#"events --for pod/nope"#,
            r#""#,
            r#"No events found in default namespace.
"#,
        ),
        (
            r#"events --types normal --for replicaset/web-7d8cb84c8"#,
            r#"LAST SEEN   TYPE     REASON             OBJECT                     MESSAGE
90s         Normal   SuccessfulCreate   ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-gbqtm
90s         Normal   SuccessfulCreate   ReplicaSet/web-7d8cb84c8   Created pod: web-7d8cb84c8-c942v
"#,
            r#""#,
        ),
    ];

    #[test]
    fn events_match_kubectl() {
        let doc: Value = serde_json::from_str(include_str!("describe/testdata/cluster.json"))
            .unwrap_or_default();
        let now = doc["now"].as_i64().unwrap_or(0);
        let events: Vec<Value> = doc["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["kind"] == "Event")
            .cloned()
            .collect();
        for (line, stdout, stderr) in GOLDEN {
            let words = crate::kubectl::split_words(line).unwrap_or_default();
            let p = crate::kubectl::cmdline::parse(&words)
                .expect("a command line")
                .parsed;
            let all = p.bool("all-namespaces");
            let ns = if p.str("namespace").is_empty() {
                "default".to_string()
            } else {
                p.str("namespace")
            };
            let target = p.str("for");
            let target = target
                .split_once('/')
                .map(|(t, n)| (resources::resolve_type(t).expect("a type"), n));
            let items: Vec<Value> = events
                .iter()
                .filter(|e| all || crate::api::object::namespace(e) == ns)
                .cloned()
                .collect();
            let items = select(items, &p.list("types"), target);
            let (out, err) = if items.is_empty() {
                (
                    String::new(),
                    format!("No events found in {ns} namespace.\n"),
                )
            } else {
                (table(&items, all, false, now), String::new())
            };
            assert_eq!(out, *stdout, "kubectl {line}");
            assert_eq!(err, *stderr, "kubectl {line}");
        }
    }
}
