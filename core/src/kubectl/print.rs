//! `-o` for every command (k8s.io/cli-runtime/pkg/genericclioptions PrintFlags): the name,
//! JSON, YAML, JSONPath and go-template printers, and the operation lines mutating commands
//! print without `-o` (`deployment.apps/web created`).
use super::output::{custom_columns, json, jsonpath::JsonPath, template::Template, yaml};
use super::resources::kind_group;
use super::{Ctx, DryRun, Error};
use crate::api::{object, Value};
use crate::json;

/// An output format.
#[derive(Debug, Clone)]
pub(crate) enum Format {
    /// Tables for `get`, operation lines for mutating commands.
    Default,
    Wide,
    Name,
    Json,
    Yaml,
    /// The parsed template and its text.
    JsonPath(JsonPath, String),
    Template(Template, String),
    CustomColumns(String),
}

const GENERIC_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";
const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// The format `-o` (and `--template`) ask for; `human` when tables and `wide` are allowed.
pub(crate) fn format(ctx: &Ctx<'_>, human: bool) -> Result<Format, Error> {
    let mut out = ctx.p.str("output");
    let template_flag = ctx.p.str("template");
    if out.is_empty() && !template_flag.is_empty() {
        out = "go-template".into();
    }
    let (name, arg) = match out.split_once('=') {
        Some((n, a)) => (n.to_string(), Some(a.to_string())),
        None => (out.clone(), None),
    };
    let allow_missing = ctx.p.bool("allow-missing-template-keys");
    let template_text = || -> Result<String, Error> {
        let t = arg.clone().unwrap_or_else(|| template_flag.clone());
        if t.is_empty() {
            return Err(Error::msg(
                "error: template format specified but no template given",
            ));
        }
        Ok(t)
    };
    let unmatched = || {
        Error::msg(format!(
            "error: unable to match a printer suitable for the output format {out:?}, allowed formats are: {}",
            if human { GET_FORMATS } else { GENERIC_FORMATS }
        ))
    };
    Ok(match name.as_str() {
        "" => Format::Default,
        "wide" if human => Format::Wide,
        "name" => Format::Name,
        "json" if arg.is_none() => Format::Json,
        "yaml" if arg.is_none() => Format::Yaml,
        "jsonpath" | "jsonpath-as-json" => {
            let t = template_text()?;
            let p = JsonPath::parse(&t)
                .map_err(|e| Error::msg(format!("error: error parsing jsonpath {t}, {e}")))?
                .allow_missing_keys(allow_missing)
                .json_output(name == "jsonpath-as-json");
            Format::JsonPath(p, t)
        }
        "go-template" | "template" => {
            let t = template_text()?;
            let tmpl = Template::parse(&t)
                .map_err(|e| Error::msg(format!("error: error parsing template {t}, {e}")))?;
            Format::Template(tmpl, t)
        }
        "custom-columns" if human => {
            let spec = arg.unwrap_or_default();
            custom_columns::parse(&spec).map_err(Error::msg)?;
            Format::CustomColumns(spec)
        }
        "jsonpath-file" | "go-template-file" | "templatefile" | "custom-columns-file" => {
            let f = arg.unwrap_or_else(|| template_flag.clone());
            return Err(Error::msg(format!(
                "error: error reading --template {f}, open {f}: no such file or directory"
            )));
        }
        _ => return Err(unmatched()),
    })
}

/// Drops `metadata.managedFields` (kubectl hides them unless `--show-managed-fields`).
pub(crate) fn strip_managed(o: &mut Value) {
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.shift_remove("managedFields");
    }
}

/// The `kind: List` kubectl wraps several objects in.
pub(crate) fn list_of(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// Prints one object (or a `List`) in a non-table format. `sort_keys`: objects that came back
/// from the server print their keys sorted (unstructured), objects kubectl built keep their
/// field order.
pub(crate) fn render(fmt: &Format, obj: &Value, sort_keys: bool) -> Result<String, Error> {
    match fmt {
        Format::Json => Ok(json::to_json(obj, sort_keys)),
        Format::Yaml => Ok(yaml::to_yaml(obj)),
        Format::Name => Ok(names(obj)),
        Format::JsonPath(p, raw) => p.execute(obj).map_err(|e| {
            Error::msg(format!(
                "error: error executing jsonpath {raw:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{raw}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
                json::to_compact(obj)
            ))
        }),
        Format::Template(t, raw) => t
            .execute(obj)
            .map_err(|e| Error::msg(format!("error: error executing template {raw:?}: {e}"))),
        Format::Default | Format::Wide | Format::CustomColumns(_) => Ok(names(obj)),
    }
}

/// `-o name`: `kind.group/name` for an object or each item of a list.
fn names(obj: &Value) -> String {
    if object::kind(obj) == "List" {
        return obj["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(names)
            .collect();
    }
    format!("{}\n", object_ref(obj))
}

/// `deployment.apps/web` for an object, from its apiVersion and kind.
pub(crate) fn object_ref(obj: &Value) -> String {
    let group = object::api_version(obj)
        .split_once('/')
        .map(|(g, _)| g)
        .unwrap_or("");
    let kind = object::kind(obj).to_lowercase();
    let name = match object::name(obj) {
        "" => "<unknown>",
        n => n,
    };
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// What a mutating command prints for one object: `deployment.apps/web created (dry run)`
/// without `-o`, the object in the requested format otherwise (`-o name` without the
/// operation).
pub(crate) fn operation(
    ctx: &mut Ctx<'_>,
    fmt: &Format,
    obj: &Value,
    op: &str,
    dry: DryRun,
    sort_keys: bool,
) -> Result<(), Error> {
    match fmt {
        Format::Default | Format::Wide => {
            let kg =
                match crate::api::kinds::by_kind(Some(object::api_version(obj)), object::kind(obj))
                {
                    Some(info) => kind_group(info),
                    None => object_ref(obj)
                        .rsplit_once('/')
                        .map(|(k, _)| k.to_string())
                        .unwrap_or_default(),
                };
            ctx.out.push_str(&format!(
                "{kg}/{} {op}{}\n",
                object::name(obj),
                dry.suffix()
            ));
            Ok(())
        }
        other => {
            let mut o = obj.clone();
            if !ctx.p.bool("show-managed-fields") {
                strip_managed(&mut o);
            }
            let text = render(other, &o, sort_keys)?;
            ctx.out.push_str(&text);
            Ok(())
        }
    }
}
