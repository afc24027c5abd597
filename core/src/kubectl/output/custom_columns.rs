//! `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image`
//! (k8s.io/kubectl/pkg/cmd/get/customcolumn.go): each column is a relaxed JSONPath; a column
//! with no value prints `<none>`, several values are joined with commas, and the table goes
//! through kubectl's tab writer.
use super::jsonpath::{relaxed, JsonPath};
use crate::api::Value;

/// One column: its header and parsed path.
pub struct Column {
    header: String,
    path: JsonPath,
}

/// Parses a spec (`NewCustomColumnsPrinterFromSpec`).
pub fn parse(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| {
                format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                )
            })?;
            let path = JsonPath::parse(&relaxed(path)?)?.allow_missing_keys(true);
            Ok(Column {
                header: header.to_string(),
                path,
            })
        })
        .collect()
}

/// The rows (tab-separated, newline-terminated) for the objects, headers first unless
/// `no_headers`; the caller aligns them with the table writer.
pub fn rows(columns: &[Column], objects: &[Value], no_headers: bool) -> Result<String, String> {
    let mut out = String::new();
    if !no_headers {
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        out.push_str(&headers.join("\t"));
        out.push('\n');
    }
    for obj in objects {
        let mut cells = Vec::new();
        for c in columns {
            let groups = c.path.find_results(obj)?;
            let values: Vec<String> = groups.iter().flatten().map(go_sprint).collect();
            if groups.first().is_none_or(Vec::is_empty) {
                cells.push(
                    std::iter::once("<none>".to_string())
                        .chain(values)
                        .collect::<Vec<_>>()
                        .join(","),
                );
            } else {
                cells.push(values.join(","));
            }
        }
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    Ok(out)
}

/// `fmt.Sprint` of a JSON value (`map[a:b]`, `[x y]`).
fn go_sprint(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut e: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            e.sort_by(|a, b| a.0.cmp(b.0));
            format!(
                "map[{}]",
                e.iter()
                    .map(|(k, v)| format!("{k}:{}", go_sprint(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_sprint).collect::<Vec<_>>().join(" ")
        ),
        Value::Null => "<nil>".into(),
        other => super::jsonpath::text(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// The shapes from customcolumn_test.go (`TestNewColumnPrinterFromSpec`, `TestColumnPrint`).
    #[test]
    fn prints_columns() {
        assert!(parse("").is_err());
        assert_eq!(
            parse("NAME").err().unwrap(),
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
        let cols = parse("NAME:metadata.name,API_VERSION:{.apiVersion},IMAGES:.spec.containers[*].image,NOPE:.spec.nope").unwrap();
        let pod = json!({"apiVersion": "v1", "metadata": {"name": "foo"}, "spec": {"containers": [{"image": "a"}, {"image": "b"}]}});
        assert_eq!(
            rows(&cols, std::slice::from_ref(&pod), false).unwrap(),
            "NAME\tAPI_VERSION\tIMAGES\tNOPE\nfoo\tv1\ta,b\t<none>\n"
        );
        assert_eq!(rows(&cols, &[pod], true).unwrap(), "foo\tv1\ta,b\t<none>\n");
    }
}
