//! `kubectl get` (k8s.io/kubectl/pkg/cmd/get/get.go): one table per resource type in the
//! order the builder visits them, a blank line between tables, `kind.group/name` names when
//! several types are listed, `NAMESPACE` with `-A`, `-L`/`--show-labels` columns,
//! `--sort-by`, `--no-headers`; `No resources found in default namespace.` on stderr when
//! nothing printed; other formats print one object or a `kind: List`.
use super::output::custom_columns;
use super::output::jsonpath::{relaxed, JsonPath};
use super::print::{self, Format};
use super::printers::{self, Column};
use super::resources::{self, kind_group, Info};
use super::{tabwriter, Ctx, Error};
use crate::api::{object, KindInfo, Value};

pub(super) fn get(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if ctx.p.bool("watch") || ctx.p.bool("watch-only") {
        return super::stream::watch_get(ctx);
    }
    if ctx.p.args.is_empty() && ctx.p.list("filename").is_empty() {
        ctx.err.push_str("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        return Err(ctx.usage("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods)."));
    }
    let out = ctx.p.str("output");
    if ctx.p.bool("show-labels") && !out.is_empty() && out != "wide" {
        return Err(Error::msg(format!(
            "error: --show-labels option cannot be used with {out} printer"
        )));
    }
    if ctx.p.bool("output-watch-events") {
        return Err(Error::msg(
            "error: --output-watch-events option can only be used with --watch or --watch-only",
        ));
    }
    let fmt = print::format(ctx, true)?;
    let req = ctx.request(true);
    let mut found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if ctx.p.bool("ignore-not-found") {
        found
            .errors
            .retain(|e| !matches!(e, Error::Status(s) if s.code == 404));
    }
    if !ctx.p.bool("show-managed-fields") {
        for i in found.infos.iter_mut() {
            print::strip_managed(&mut i.object);
        }
    }
    match &fmt {
        Format::Default | Format::Wide => human(ctx, &found.infos, matches!(fmt, Format::Wide))?,
        Format::CustomColumns(spec) => {
            let cols = custom_columns::parse(spec).map_err(Error::msg)?;
            let objs: Vec<Value> = found.infos.iter().map(|i| i.object.clone()).collect();
            if !objs.is_empty() {
                let rows = custom_columns::rows(&cols, &objs, ctx.p.bool("no-headers"))
                    .map_err(Error::msg)?;
                ctx.out.push_str(&tabwriter::table(&rows));
            }
        }
        other => {
            if found.infos.is_empty() && ctx.p.bool("ignore-not-found") && found.errors.is_empty() {
                return Ok(());
            }
            let obj = if found.single_item_implied && found.infos.len() == 1 {
                found.infos[0].object.clone()
            } else {
                print::list_of(found.infos.iter().map(|i| i.object.clone()).collect())
            };
            // A single named object that was not found prints nothing but the error.
            if !(found.single_item_implied && found.infos.is_empty()) {
                ctx.out.push_str(&print::render(other, &obj, true)?);
            }
        }
    }
    let nothing = ctx.out.is_empty();
    if !found.errors.is_empty() {
        return Err(Error::Many(found.errors));
    }
    if nothing && !ctx.p.bool("ignore-not-found") && matches!(fmt, Format::Default | Format::Wide) {
        let all_namespaced = !req.all_namespaces
            && found.infos.iter().all(|i| i.kind.namespaced)
            && types_namespaced(&req);
        if all_namespaced {
            ctx.err
                .push_str(&format!("No resources found in {} namespace.\n", ctx.ns()));
        } else {
            ctx.err.push_str("No resources found\n");
        }
    }
    Ok(())
}

/// Whether every requested type is namespaced (kubectl checks the objects it saw; with none
/// seen, the requested types decide).
fn types_namespaced(req: &resources::Request) -> bool {
    let Some(first) = req.args.first() else {
        return true;
    };
    first
        .split(',')
        .flat_map(|t| {
            if t == "all" {
                resources::ALL_CATEGORY.to_vec()
            } else {
                vec![t]
            }
        })
        .all(|t| resources::resolve_type(t).is_ok_and(|k| k.namespaced))
}

/// Tables, one per run of objects of the same resource type.
fn human(ctx: &mut Ctx<'_>, infos: &[Info], wide: bool) -> Result<(), Error> {
    let with_kind = ctx.p.bool("show-kind") || {
        let first = infos.first().map(|i| i.kind);
        infos.len() > 1 && infos.iter().any(|i| Some(i.kind) != first)
    };
    let sort_by = ctx.p.str("sort-by");
    let sorter = if sort_by.is_empty() {
        None
    } else {
        let field = relaxed(&sort_by).unwrap_or(sort_by.clone());
        Some(
            JsonPath::parse(&field)
                .map_err(|e| Error::msg(format!("error: sorting error: {e}")))?
                .allow_missing_keys(true),
        )
    };
    let no_headers = ctx.p.bool("no-headers");
    let label_columns = ctx.p.list("label-columns");
    let show_labels = ctx.p.bool("show-labels");
    let now = ctx.now();
    let mut start = 0;
    while start < infos.len() {
        let kind = infos[start].kind;
        let mut end = start;
        while end < infos.len() && std::ptr::eq(infos[end].kind, kind) {
            end += 1;
        }
        let mut group: Vec<&Info> = infos[start..end].iter().collect();
        if let Some(p) = &sorter {
            sort_rows(&mut group, p, &sort_by)?;
        }
        let with_ns = ctx.p.bool("all-namespaces") && kind.namespaced;
        let text = table(
            kind,
            &group,
            &TableOptions {
                wide,
                with_kind,
                with_ns,
                no_headers,
                label_columns: &label_columns,
                show_labels,
                now,
            },
            super::columns::custom(ctx.cp, kind),
        );
        if !text.is_empty() {
            if !ctx.out.is_empty() && !no_headers {
                ctx.out.push('\n');
            }
            ctx.out.push_str(&text);
        }
        start = end;
    }
    Ok(())
}

/// `TableSorter` over one table's rows.
fn sort_rows(rows: &mut [&Info], path: &JsonPath, field: &str) -> Result<(), Error> {
    let keys: Vec<Option<Value>> = rows
        .iter()
        .map(|i| {
            path.find_results(&i.object)
                .ok()
                .and_then(|g| g.into_iter().next())
                .and_then(|g| g.into_iter().next())
        })
        .collect();
    if !rows.is_empty() && keys.iter().all(Option::is_none) {
        return Err(Error::msg(format!(
            "error: couldn't find any field with path {:?} in the list of objects",
            relaxed(field).unwrap_or_else(|_| field.to_string())
        )));
    }
    // TableSorter.Less under Go's (unstable) sort.Sort: a row without the field sorts first.
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    super::gosort::sort(&mut idx, |&a, &b| match (&keys[a], &keys[b]) {
        (None, _) => true,
        (_, None) => false,
        (Some(x), Some(y)) => compare(x, y) == std::cmp::Ordering::Less,
    });
    let sorted: Vec<&Info> = idx.iter().map(|&i| rows[i]).collect();
    rows.copy_from_slice(&sorted);
    Ok(())
}

/// `isLess` on unstructured values: numbers, strings (as quantities when both parse),
/// arrays element-wise.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => {
            match (
                crate::api::Quantity::parse(x),
                crate::api::Quantity::parse(y),
            ) {
                (Ok(qx), Ok(qy)) => qx.cmp(&qy),
                _ => x.as_str().cmp(y.as_str()),
            }
        }
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match compare(p, q) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            Ordering::Equal
        }
        _ => Ordering::Equal,
    }
}

pub(super) struct TableOptions<'a> {
    pub wide: bool,
    pub with_kind: bool,
    pub with_ns: bool,
    pub no_headers: bool,
    pub label_columns: &'a [String],
    pub show_labels: bool,
    pub now: i64,
}

/// One table, decorated as `decorateTable` does and aligned by the tab writer; `custom` is the
/// printer of a kind with CRD-style columns.
pub(super) fn table(
    kind: &KindInfo,
    objects: &[&Info],
    o: &TableOptions<'_>,
    custom: Option<printers::Printer>,
) -> String {
    tabwriter::table(&table_cells(kind, objects, o, custom, None))
}

/// The table's lines with tab-separated cells, before the tab writer aligns them; `event` is
/// the EVENT column of `--output-watch-events` (`ADDED   `, `MODIFIED`, …).
pub(super) fn table_cells(
    kind: &KindInfo,
    objects: &[&Info],
    o: &TableOptions<'_>,
    custom: Option<printers::Printer>,
    event: Option<&str>,
) -> String {
    if objects.is_empty() {
        return String::new();
    }
    let printer = custom.unwrap_or_else(|| printers::for_kind(kind));
    let visible: Vec<(usize, &Column)> = printer
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| o.wide || c.priority == 0)
        .collect();
    let mut text = String::new();
    if !o.no_headers {
        let mut headers: Vec<String> = Vec::new();
        if event.is_some() {
            headers.push("EVENT".into());
        }
        if o.with_ns {
            headers.push("NAMESPACE".into());
        }
        headers.extend(visible.iter().map(|(_, c)| c.name.to_uppercase()));
        for l in o.label_columns {
            headers.push(l.rsplit('/').next().unwrap_or(l).to_uppercase());
        }
        if o.show_labels {
            headers.push("LABELS".into());
        }
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    let prefix = kind_group(kind);
    for info in objects {
        let cells = printer.row(&info.object, o.now);
        let mut row: Vec<String> = Vec::new();
        if let Some(e) = event {
            row.push(e.to_string());
        }
        if o.with_ns {
            row.push(object::namespace(&info.object).to_string());
        }
        for (i, c) in &visible {
            let mut cell = cells.get(*i).cloned().unwrap_or_default();
            if c.is_name && o.with_kind {
                cell = format!("{prefix}/{cell}");
            }
            // Cells are cut at a line break (printers.appendCellValue).
            if let Some(p) = cell.find(['\n', '\r', '\u{c}']) {
                cell = format!("{}...", &cell[..p]);
            }
            row.push(cell);
        }
        let labels = object::labels(&info.object);
        for l in o.label_columns {
            row.push(labels.get(l).cloned().unwrap_or_default());
        }
        if o.show_labels {
            row.push(printers_format_labels(&labels));
        }
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    text
}

fn printers_format_labels(m: &std::collections::BTreeMap<String, String>) -> String {
    if m.is_empty() {
        "<none>".into()
    } else {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}
