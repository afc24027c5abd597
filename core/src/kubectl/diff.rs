//! `kubectl diff -f -` (k8s.io/kubectl/pkg/cmd/diff): each object as it is (LIVE) and as it
//! would be after `kubectl apply` (MERGED, a server-side dry run: the request runs on a copy
//! of the API server), written as YAML without managedFields and compared with
//! `diff -u -N` over the two directories. Exit code 1 when they differ.
use super::apply::validation;
use super::output::yaml;
use super::print;
use super::resources;
use super::{Ctx, Error};
use crate::api::{object, Value};
use crate::control_plane::FieldValidation;
use crate::server::ROOT;

pub(super) fn diff(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if !ctx.p.args.is_empty() {
        return Err(ctx.usage(&format!("Unexpected args: [{}]", ctx.p.args.join(" "))));
    }
    if ctx.p.list("filename").is_empty() {
        return Err(ctx.usage("must specify one of -f and -k"));
    }
    let server_side = ctx.p.bool("server-side");
    if ctx.p.bool("force-conflicts") && !server_side {
        return Err(Error::msg(
            "error: --force-conflicts only works with --server-side",
        ));
    }
    let mut req = ctx.request(false);
    req.latest = false;
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let selector = ctx.p.str("selector");
    let sel = if selector.is_empty() {
        None
    } else {
        Some(
            crate::api::Selector::parse(&selector)
                .map_err(|e| Error::msg(format!("error: {e}")))?,
        )
    };
    let strict = matches!(validation(ctx), Ok(FieldValidation::Strict));
    let manager = ctx.p.str("field-manager");
    let mut server = ctx.cp.server().clone();
    let mut files: Vec<(String, String, String)> = Vec::new();
    for info in found.infos {
        if sel
            .as_ref()
            .is_some_and(|s| !s.matches(&object::labels(&info.object)))
        {
            continue;
        }
        let mut local = info.object.clone();
        if info.kind.namespaced {
            object::set_path(
                &mut local,
                &["metadata", "namespace"],
                Value::from(info.namespace.as_str()),
            );
        }
        let unknown = crate::api::schema::prune_unknown(info.kind.kind, &mut local);
        if strict && !unknown.is_empty() {
            let version = info.kind.version;
            return Err(Error::Status(crate::server::status::Status::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
                unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect::<Vec<_>>().join(", "),
                kind = info.kind.kind
            ))));
        }
        let live = server
            .get(ROOT, info.kind, &info.namespace, &info.name)
            .cloned();
        server.act_as(&manager);
        let merged = if server_side {
            server
                .server_side_apply(ROOT, local, "kubectl", ctx.p.bool("force-conflicts"))
                .map(|(o, _)| o)
        } else {
            server.apply(ROOT, local).map(|(o, _)| o)
        }
        .map_err(Error::Status)?;
        // A dry run persists nothing, so the resourceVersion stays the live one.
        let mut merged = merged;
        if let Some(rv) = live
            .as_ref()
            .and_then(|l| l["metadata"].get("resourceVersion"))
            .cloned()
        {
            object::set_path(&mut merged, &["metadata", "resourceVersion"], rv);
        }
        let name = format!(
            "{}{}.{}.{}.{}",
            if info.kind.group.is_empty() {
                String::new()
            } else {
                format!("{}.", info.kind.group)
            },
            info.kind.version,
            info.kind.kind,
            info.namespace,
            info.name
        );
        let text = |o: Option<Value>| {
            o.map(|mut o| {
                print::strip_managed(&mut o);
                yaml::to_yaml(&o)
            })
            .unwrap_or_default()
        };
        files.push((name, text(live), text(Some(merged))));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let stamp = go_diff_time(ctx.now());
    let id = ctx.now().rem_euclid(1_000_000_000);
    let mut differs = false;
    for (name, live, merged) in &files {
        if live == merged {
            continue;
        }
        differs = true;
        let (a, b) = (
            format!("/tmp/LIVE-{id}/{name}"),
            format!("/tmp/MERGED-{}/{name}", id + 1),
        );
        let live_stamp = if live.is_empty() {
            "1970-01-01 00:00:00.000000000 +0000".to_string()
        } else {
            stamp.clone()
        };
        ctx.out.push_str(&format!(
            "diff -u -N {a} {b}\n--- {a}\t{live_stamp}\n+++ {b}\t{stamp}\n"
        ));
        ctx.out.push_str(&unified(live, merged, 3));
    }
    if differs {
        return Err(Error::Exit(1));
    }
    Ok(())
}

/// GNU diff's file time format.
fn go_diff_time(ms: i64) -> String {
    let t = crate::sim::format_rfc3339(ms);
    let (d, time) = t.split_once('T').unwrap_or(("", ""));
    format!("{d} {}.000000000 +0000", time.trim_end_matches('Z'))
}

/// A unified diff of two texts (whole lines; `context` lines around changes).
pub(crate) fn unified(a: &str, b: &str, context: usize) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    // LCS table.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Edit script: (op, a index, b index).
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Deletions before insertions, as GNU diff prints a changed line.
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    // Group changes into hunks with context.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(context);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * context {
            end = changed[k];
            k += 1;
        }
        let end = (end + context + 1).min(ops.len());
        let hunk = &ops[start..end];
        let a_count = hunk.iter().filter(|o| o.0 != '+').count();
        let b_count = hunk.iter().filter(|o| o.0 != '-').count();
        let a_start = hunk.first().map_or(0, |o| o.1);
        let b_start = hunk.first().map_or(0, |o| o.2);
        let range = |start: usize, count: usize| match count {
            0 => format!("{start},0"),
            1 => format!("{}", start + 1),
            c => format!("{},{c}", start + 1),
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_start, a_count),
            range(b_start, b_count)
        ));
        for (op, ai, bj) in hunk {
            let line = match op {
                '+' => b[*bj],
                _ => a[*ai],
            };
            out.push(*op);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GNU diff -u shapes: one hunk with three lines of context, counts omitted when 1.
    #[test]
    fn unified_diff() {
        let a = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let b = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified(a, b, 3),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(unified("", "x\n", 3), "@@ -0,0 +1 @@\n+x\n");
        assert_eq!(unified("x\ny\n", "x\n", 3), "@@ -1,2 +1 @@\n x\n-y\n");
    }
}
