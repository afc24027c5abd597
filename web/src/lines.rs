//! Where a field path (`spec.template.spec.containers[0].image`) is written in a YAML
//! document, by its indentation: good enough to put a marker on the right line of the
//! editor. Best effort: flow style (`{a: b}`) and anchors stop the walk at the deepest line
//! found.

/// One line of the document as the walk sees it.
struct Line<'a> {
    /// 1-based line number in the whole text.
    number: usize,
    /// Column of a leading `- `, if the line starts a sequence item.
    dash: Option<usize>,
    /// Column where the content (after any `- `) starts.
    col: usize,
    /// The mapping key the content starts with, if any.
    key: Option<&'a str>,
    /// What follows the key's colon (trimmed).
    value: &'a str,
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
    /// `[name="nginx"]` (server-side apply's paths): the item whose `name` is `nginx`.
    Match(&'a str, &'a str),
}

/// The 1-based line of `path` in the document that starts at line `start` of `text`;
/// `None` when not even its first key is found.
pub fn field_line(text: &str, start: usize, path: &str) -> Option<usize> {
    let doc = document_lines(text, start);
    let segments = parse_path(path);
    let first_col = doc.iter().map(|l| l.dash.unwrap_or(l.col)).min()?;
    // The block being searched: a range of `doc` and the column of its keys or dashes.
    let (mut lo, mut hi, mut col) = (0, doc.len(), first_col);
    let mut found: Option<usize> = None;
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                let Some(i) = (lo..hi).find(|&i| doc[i].col == col && doc[i].key == Some(k)) else {
                    break;
                };
                found = Some(doc[i].number);
                // The value's block: the following lines indented deeper than the key (a
                // sequence may sit at the key's own column).
                let end = (i + 1..hi)
                    .find(|&j| {
                        let c = doc[j].dash.unwrap_or(doc[j].col);
                        c < col || (c == col && doc[j].dash.is_none())
                    })
                    .unwrap_or(hi);
                if i + 1 >= end {
                    break;
                }
                lo = i + 1;
                hi = end;
                col = doc[lo].dash.unwrap_or(doc[lo].col);
            }
            Segment::Index(_) | Segment::Match(..) => {
                let items: Vec<usize> = (lo..hi).filter(|&i| doc[i].dash == Some(col)).collect();
                let end_of = |k: usize| items.get(k + 1).copied().unwrap_or(hi);
                let n = match seg {
                    Segment::Index(n) => n,
                    Segment::Match(key, value) => {
                        let Some(n) = (0..items.len()).find(|&k| {
                            (items[k]..end_of(k)).any(|i| {
                                doc[i].col == doc[items[k]].col
                                    && doc[i].key == Some(key)
                                    && doc[i].value.trim_matches(['"', '\'']) == value
                            })
                        }) else {
                            break;
                        };
                        n
                    }
                    Segment::Key(_) => unreachable!(),
                };
                let Some(&i) = items.get(n) else {
                    break;
                };
                found = Some(doc[i].number);
                let end = items.get(n + 1).copied().unwrap_or(hi);
                lo = i;
                hi = end;
                col = doc[i].col;
            }
        }
    }
    found
}

/// The content lines of the document starting at line `start` (up to the next `---`),
/// without blank lines and comments.
fn document_lines(text: &str, start: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate().skip(start.saturating_sub(1)) {
        let number = i + 1;
        if number > start && (raw == "---" || raw.starts_with("--- ") || raw == "...") {
            break;
        }
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || raw == "---" {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let (dash, col, content) = match trimmed.strip_prefix("- ") {
            Some(rest) => {
                let rest_trimmed = rest.trim_start();
                let col = indent + 2 + (rest.len() - rest_trimmed.len());
                (Some(indent), col, rest_trimmed)
            }
            None if trimmed == "-" => (Some(indent), indent + 2, ""),
            None => (None, indent, trimmed),
        };
        let key = key_of(content);
        let value = match key {
            Some(_) => content
                .split_once(':')
                .map_or("", |(_, v)| v.trim())
                .split(" #")
                .next()
                .unwrap_or(""),
            None => "",
        };
        out.push(Line {
            number,
            dash,
            col,
            key,
            value,
        });
    }
    out
}

/// `name: x` → `name`; `"name": x` → `name`; anything else → None.
fn key_of(content: &str) -> Option<&str> {
    if let Some(rest) = content.strip_prefix('"') {
        let (key, after) = rest.split_once('"')?;
        return after.trim_start().starts_with(':').then_some(key);
    }
    if let Some(rest) = content.strip_prefix('\'') {
        let (key, after) = rest.split_once('\'')?;
        return after.trim_start().starts_with(':').then_some(key);
    }
    let end = content
        .find(": ")
        .or_else(|| content.strip_suffix(':').map(str::len))?;
    let key = content[..end].trim_end();
    (!key.is_empty() && !key.starts_with(['{', '['])).then_some(key)
}

/// `spec.containers[0].image` → Key(spec), Key(containers), Index(0), Key(image);
/// `metadata.labels[app.kubernetes.io/name]` → …, Key(labels), Key(app.kubernetes.io/name).
fn parse_path(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = path.strip_prefix('.').unwrap_or(path);
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let Some((inside, after)) = inner.split_once(']') else {
                break;
            };
            match (inside.parse::<usize>(), inside.split_once('=')) {
                (Ok(n), _) => out.push(Segment::Index(n)),
                (Err(_), Some((k, v))) => out.push(Segment::Match(k, v.trim_matches(['"', '\'']))),
                (Err(_), None) => out.push(Segment::Key(inside.trim_matches(['"', '\'']))),
            }
            rest = after.strip_prefix('.').unwrap_or(after);
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        out.push(Segment::Key(&rest[..end]));
        rest = &rest[end..];
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: -1
  selector:
    matchLabels: {app: web}
  template:
    spec:
      containers:
        - name: a
          image: nginx
        -   name: b
            image: busybox
            ports:
            - containerPort: 80
            - containerPort: 81
---
kind: Other
spec:
  replicas: 3
";

    #[test]
    fn finds_keys_items_and_nested_fields() {
        assert_eq!(field_line(TEXT, 1, "metadata.name"), Some(4));
        assert_eq!(field_line(TEXT, 6, "metadata.name"), Some(10));
        assert_eq!(field_line(TEXT, 6, "spec.replicas"), Some(14));
        assert_eq!(
            field_line(TEXT, 6, "spec.template.spec.containers[0].image"),
            Some(21)
        );
        assert_eq!(
            field_line(TEXT, 6, "spec.template.spec.containers[1]"),
            Some(22)
        );
        assert_eq!(
            field_line(TEXT, 6, "spec.template.spec.containers[1].name"),
            Some(22)
        );
        assert_eq!(
            field_line(TEXT, 6, "spec.template.spec.containers[1].image"),
            Some(23)
        );
        assert_eq!(
            field_line(
                TEXT,
                6,
                "spec.template.spec.containers[1].ports[1].containerPort"
            ),
            Some(26)
        );
        assert_eq!(
            field_line(TEXT, 6, "metadata.labels[app.kubernetes.io/name]"),
            Some(12)
        );
        assert_eq!(field_line(TEXT, 28, "spec.replicas"), Some(30));
        // Server-side apply's conflict paths.
        assert_eq!(field_line(TEXT, 6, ".spec.replicas"), Some(14));
        assert_eq!(
            field_line(TEXT, 6, ".spec.template.spec.containers[name=\"b\"].image"),
            Some(23)
        );
        assert_eq!(
            field_line(TEXT, 6, ".spec.template.spec.containers[name=\"a\"].image"),
            Some(21)
        );
    }

    #[test]
    fn stops_at_the_deepest_line_found() {
        assert_eq!(
            field_line(TEXT, 6, "spec.selector.matchLabels.app"),
            Some(16)
        );
        assert_eq!(
            field_line(TEXT, 6, "spec.template.spec.containers[5]"),
            Some(19)
        );
        assert_eq!(field_line(TEXT, 6, "status"), None);
        assert_eq!(
            field_line(TEXT, 1, "spec"),
            None,
            "stays within its document"
        );
    }
}
