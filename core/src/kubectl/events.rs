//! `kubectl events` (k8s.io/kubectl/pkg/cmd/events): the namespace's events oldest first
//! (by series time, last timestamp, else event time), `--for TYPE/NAME`, `--types
//! Normal,Warning`; `LAST SEEN TYPE REASON OBJECT MESSAGE` with `5m (x3 over 10m)` for
//! repeated events.
use super::print::{self, Format};
use super::printers::since;
use super::resources;
use super::{tabwriter, Ctx, Error};
use crate::api::object::str_at;
use crate::api::Value;
use crate::control_plane::ListOptions;
use crate::server::ROOT;
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
    let mut items = ctx
        .cp
        .list_items(
            ROOT,
            &ListOptions {
                api_version: Some("v1".into()),
                kind: "Event".into(),
                namespace: (!all).then(|| ns.clone()),
                ..Default::default()
            },
        )
        .map_err(Error::Status)?;
    items.retain(|e| {
        let ok_type = types.is_empty()
            || types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(e["type"].as_str().unwrap_or("")));
        let ok_target = target.as_ref().is_none_or(|(k, n)| {
            e["involvedObject"]["kind"] == k.kind
                && e["involvedObject"]["name"] == n.as_str()
                && e["involvedObject"]["apiVersion"]
                    .as_str()
                    .is_none_or(|v| v == k.api_version())
        });
        ok_type && ok_target
    });
    if items.is_empty() {
        if all {
            ctx.err.push_str("No events found.\n");
        } else {
            ctx.err
                .push_str(&format!("No events found in {ns} namespace.\n"));
        }
        return Ok(());
    }
    items.sort_by_key(event_time);
    if !matches!(fmt, Format::Default) {
        let mut list = print::list_of(items);
        list["kind"] = Value::from("EventList");
        list["metadata"] = crate::json!({});
        ctx.out.push_str(&print::render(&fmt, &list, true)?);
        return Ok(());
    }
    let now = ctx.now();
    let mut text = String::new();
    if !ctx.p.bool("no-headers") {
        if all {
            text.push_str("NAMESPACE\t");
        }
        text.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    }
    for e in &items {
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
    ctx.out.push_str(&tabwriter::table(&text));
    Ok(())
}

/// The time events sort by (`eventTime` in events.go).
fn event_time(e: &Value) -> i64 {
    let t = |k: &[&str]| str_at(e, k).and_then(parse_rfc3339);
    if e.get("series").is_some_and(|s| !s.is_null()) {
        return t(&["series", "lastObservedTime"]).unwrap_or(0);
    }
    t(&["lastTimestamp"])
        .or_else(|| t(&["eventTime"]))
        .unwrap_or(0)
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
