//! kubectl's JSONPath templates: a port of k8s.io/client-go/util/jsonpath (parser.go,
//! jsonpath.go): `{.items[*].metadata.name}`, slices and negative indexes, unions, filters
//! (`[?(@.status=="True")]`), `..` recursive descent, `*`, quoted text, `{range}`…`{end}`.
//! Maps are walked in key order where Go's map order is random (`*`, `..`).
use super::json;
use crate::api::Value;

/// A parse tree node (node.go).
#[derive(Debug, Clone, PartialEq)]
enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// One slice parameter (`ParamsEntry`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct JsonPath {
    nodes: Vec<Node>,
    allow_missing_keys: bool,
    output_json: bool,
}

impl JsonPath {
    /// Parses a template (`jsonpath.Parse`).
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let mut p = Parser {
            input: text,
            pos: 0,
            start: 0,
            width: 0,
        };
        let mut root = Vec::new();
        p.parse_text(&mut root)?;
        Ok(JsonPath {
            nodes: root,
            allow_missing_keys: false,
            output_json: false,
        })
    }

    /// `AllowMissingKeys`: a missing field yields nothing instead of an error.
    pub fn allow_missing_keys(mut self, allow: bool) -> JsonPath {
        self.allow_missing_keys = allow;
        self
    }

    /// `EnableJSONOutput` (`-o jsonpath-as-json`).
    pub fn json_output(mut self, on: bool) -> JsonPath {
        self.output_json = on;
        self
    }

    /// The groups of results, one per top-level node (`FindResults`).
    pub fn find_results(&self, data: &Value) -> Result<Vec<Vec<Value>>, String> {
        let mut out = Vec::new();
        let mut i = 0;
        self.find(&self.nodes, &mut i, data, &mut out, false)?;
        Ok(out)
    }

    /// `Execute`: the results printed as kubectl prints them.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        for group in self.find_results(data)? {
            self.print_results(&mut out, &group);
        }
        Ok(out)
    }

    /// Evaluates `nodes[*i..]` against `data` until an `{end}` closes the current range.
    fn find(
        &self,
        nodes: &[Node],
        i: &mut usize,
        data: &Value,
        out: &mut Vec<Vec<Value>>,
        in_range: bool,
    ) -> Result<bool, String> {
        let cur = vec![data.clone()];
        while *i < nodes.len() {
            let node = &nodes[*i];
            *i += 1;
            if let Node::List(items) = node {
                match items.first() {
                    Some(Node::Identifier(id)) if id == "end" => {
                        if in_range {
                            return Ok(true);
                        }
                        return Err("not in range, nothing to end".into());
                    }
                    Some(Node::Identifier(id)) if id == "range" => {
                        let elements = self.eval_list(&cur, &items[1..])?;
                        let body_start = *i;
                        let mut end = body_start;
                        if elements.is_empty() {
                            // Walk the body once to find its end, discarding the output.
                            let mut scratch = Vec::new();
                            let mut j = body_start;
                            self.find(nodes, &mut j, &Value::Null, &mut scratch, true)?;
                            end = j;
                        }
                        for e in &elements {
                            let mut j = body_start;
                            self.find(nodes, &mut j, e, out, true)?;
                            end = j;
                        }
                        *i = end;
                        continue;
                    }
                    _ => {}
                }
            }
            let results = self.walk(&cur, node)?;
            out.push(results);
        }
        Ok(false)
    }

    fn print_results(&self, out: &mut String, results: &[Value]) {
        if self.output_json {
            let arr = Value::Array(results.to_vec().into());
            out.push_str(&json::to_json(&arr, true));
            return;
        }
        for (i, r) in results.iter().enumerate() {
            match r {
                Value::Object(_) | Value::Array(_) => out.push_str(&json::to_compact(r)),
                other => out.push_str(&text(other)),
            }
            if i + 1 != results.len() {
                out.push(' ');
            }
        }
    }

    fn walk(&self, input: &[Value], node: &Node) -> Result<Vec<Value>, String> {
        match node {
            Node::List(items) => self.eval_list(input, items),
            Node::Text(t) => Ok(vec![Value::from(t.as_str())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(n) => Ok(input.iter().map(|_| Value::from(*n)).collect()),
            Node::Float(f) => Ok(input.iter().map(|_| Value::from(*f)).collect()),
            Node::Bool(b) => Ok(input.iter().map(|_| Value::from(*b)).collect()),
            Node::Wildcard => Ok(input.iter().flat_map(children).collect()),
            Node::Recursive => Ok(recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.eval_list(input, l)?);
                }
                Ok(out)
            }
            Node::Identifier(id) => match id.as_str() {
                "range" => Ok(input.to_vec()),
                "end" => Err("not in range, nothing to end".into()),
                other => Err(format!("unrecognized identifier {other}")),
            },
        }
    }

    fn eval_list(&self, input: &[Value], nodes: &[Node]) -> Result<Vec<Value>, String> {
        let mut cur = input.to_vec();
        for n in nodes {
            cur = self.walk(&cur, n)?;
        }
        Ok(cur)
    }

    fn eval_field(&self, input: &[Value], name: &str) -> Result<Vec<Value>, String> {
        if input.is_empty() {
            return Ok(vec![]);
        }
        let results: Vec<Value> = input
            .iter()
            .filter_map(|v| v.as_object().and_then(|m| m.get(name)).cloned())
            .collect();
        if results.is_empty() && !self.allow_missing_keys {
            return Err(format!("{name} is not found"));
        }
        Ok(results)
    }

    fn eval_filter(
        &self,
        input: &[Value],
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Result<Vec<Value>, String> {
        let mut results = Vec::new();
        for value in input {
            let Some(items) = value.as_array() else {
                return Err(format!(
                    "{} is not array or slice and cannot be filtered",
                    go_value(value)
                ));
            };
            for item in items.iter() {
                let temp = vec![item.clone()];
                let lefts = self.eval_list(&temp, left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        results.push(item.clone());
                    }
                    continue;
                }
                let lefts = lefts?;
                let l = match lefts.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".into()),
                };
                let rights = self.eval_list(&temp, right)?;
                let r = match rights.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".into()),
                };
                let pass = match op {
                    "<" => compare(l, r)? == std::cmp::Ordering::Less,
                    ">" => compare(l, r)? == std::cmp::Ordering::Greater,
                    "<=" => compare(l, r)? != std::cmp::Ordering::Greater,
                    ">=" => compare(l, r)? != std::cmp::Ordering::Less,
                    "==" => equal(l, r)?,
                    "!=" => !equal(l, r)?,
                    other => return Err(format!("unrecognized filter operator {other}")),
                };
                if pass {
                    results.push(item.clone());
                }
            }
        }
        Ok(results)
    }
}

/// How a scalar prints (`evalToText`: `fmt.Fprint` of the value).
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(u)) => u.to_string(),
            _ => super::yaml::go_format_g(n.as_f64().unwrap_or(0.0)),
        },
        other => json::to_compact(other),
    }
}

/// A value as Go's `%v` prints it in error messages (`map[a:1]`, `[1 2]`).
fn go_value(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&str> = m.keys().map(|k| k.as_str()).collect();
            keys.sort_unstable();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", m.get(k).map(go_value).unwrap_or_default()))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Null => "<nil>".into(),
        other => text(other),
    }
}

/// The basic kind of a value for template comparisons.
#[derive(PartialEq)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Result<Kind, String> {
    match v {
        Value::Bool(_) => Ok(Kind::Bool),
        Value::Number(n) if n.is_f64() => Ok(Kind::Float),
        Value::Number(_) => Ok(Kind::Int),
        Value::String(_) => Ok(Kind::Str),
        _ => Err("invalid type for comparison".into()),
    }
}

/// The forked text/template `eq`.
fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (basic_kind(a)?, basic_kind(b)?);
    if ka != kb {
        return Err("incompatible types for comparison".into());
    }
    Ok(match ka {
        Kind::Bool => a.as_bool() == b.as_bool(),
        Kind::Int => a.as_i64() == b.as_i64() && a.as_u64() == b.as_u64(),
        Kind::Float => a.as_f64() == b.as_f64(),
        Kind::Str => a.as_str() == b.as_str(),
    })
}

/// The forked text/template `lt` and friends.
fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    let (ka, kb) = (basic_kind(a)?, basic_kind(b)?);
    if ka != kb {
        return Err("incompatible types for comparison".into());
    }
    match ka {
        Kind::Bool => Err("invalid type for comparison".into()),
        Kind::Int => Ok(a.as_i64().cmp(&b.as_i64())),
        Kind::Float => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .ok_or_else(|| "invalid type for comparison".to_string()),
        Kind::Str => Ok(a.as_str().cmp(&b.as_str())),
    }
}

/// The elements of an array, the values of a map (in key order), the characters of a string.
fn children(v: &Value) -> Vec<Value> {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries.into_iter().map(|(_, v)| v.clone()).collect()
        }
        Value::Array(a) => a.iter().cloned().collect(),
        Value::String(s) => s.chars().map(|c| Value::from(u32::from(c))).collect(),
        _ => vec![],
    }
}

/// `evalRecursive`: each value with children, followed by its descendants.
fn recursive(input: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for v in input {
        let kids = children(v);
        if !kids.is_empty() {
            out.push(v.clone());
            out.extend(recursive(&kids));
        }
    }
    out
}

fn eval_array(input: &[Value], params: &[Param; 3]) -> Result<Vec<Value>, String> {
    let mut result = Vec::new();
    for value in input {
        if value.is_null() {
            continue;
        }
        let Some(items) = value.as_array() else {
            let ty = match value {
                Value::Object(_) => "map[string]interface {}",
                Value::String(_) => "string",
                Value::Bool(_) => "bool",
                Value::Number(n) if n.is_f64() => "float64",
                _ => "int64",
            };
            return Err(format!("{ty} is not array or slice"));
        };
        let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            return Ok(result);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[0].value
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[1].value - 1
            ));
        }
        if p[0].value > p[1].value {
            return Err(format!(
                "starting index {} is greater than ending index {}",
                p[0].value, p[1].value
            ));
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            p[2].value
        } else {
            1
        };
        let (start, end) = (p[0].value as usize, p[1].value as usize);
        result.extend(items[start..end].iter().step_by(step as usize).cloned());
    }
    Ok(result)
}

/// The template parser (parser.go), over byte positions of the input.
struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
}

const EOF: Option<char> = None;

impl<'a> Parser<'a> {
    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
            None => {
                self.width = 0;
                EOF
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn consume(&mut self) -> &'a str {
        let v = &self.input[self.start..self.pos];
        self.start = self.pos;
        v
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn parse_text(&mut self, root: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest().starts_with('{') {
                if self.pos > self.start {
                    root.push(Node::Text(self.consume().to_string()));
                }
                self.pos += 1;
                self.consume();
                let mut list = Vec::new();
                self.parse_inside_action(&mut list)?;
                root.push(Node::List(list));
                continue;
            }
            if self.next().is_none() {
                break;
            }
        }
        if self.pos > self.start {
            root.push(Node::Text(self.consume().to_string()));
        }
        Ok(())
    }

    /// Parses one action up to its `}` (the caller continues with the text after it).
    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if rest.starts_with("..") {
                if matches!(cur.last(), Some(Node::Recursive)) {
                    return Err("invalid multiple recursive descent".into());
                }
                self.pos += 2;
                self.consume();
                cur.push(Node::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    self.parse_field(cur);
                }
                continue;
            }
            match self.next() {
                None | Some('\r') | Some('\n') => return Err("unclosed action".into()),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur),
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        match value {
            "true" => cur.push(Node::Bool(true)),
            "false" => cur.push(Node::Bool(false)),
            v => cur.push(Node::Identifier(v.to_string())),
        }
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+') | Some('-')) {
            self.next();
        }
        loop {
            match self.next() {
                Some(c) if c == '.' || c.is_ascii_digit() => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let value = self.consume();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
        } else if let Ok(f) = value.parse::<f64>() {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        let text = self.consume();
        let mut text = &text[1..text.len() - 1];
        if text == "*" {
            text = ":";
        }
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        // ['key'] is a field.
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            let nodes = parse_action(&format!(".{}", &text[1..text.len() - 1]))?;
            cur.extend(nodes);
            return Ok(());
        }
        let params = slice_params(text).ok_or_else(|| format!("invalid array index {text}"))?;
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let (mut begin, mut end) = (false, false);
        let mut pair = ' ';
        loop {
            let r = self.next();
            match r {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    let prev = self.input.as_bytes().get(self.pos.wrapping_sub(2)).copied();
                    if prev != Some(b'\\') && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let text = &text[..text.len() - 2];
        // ^([^!<>=]+)([!<>=]+)(.+?)$
        let split = text
            .find(['!', '<', '>', '='])
            .filter(|&i| i > 0)
            .and_then(|i| {
                let op_len = text[i..]
                    .find(|c| !matches!(c, '!' | '<' | '>' | '='))
                    .unwrap_or(text.len() - i);
                let rhs = &text[i + op_len..];
                (!rhs.is_empty()).then(|| (&text[..i], &text[i..i + op_len], rhs))
            });
        match split {
            None => {
                let left = parse_action(text)?;
                cur.push(Node::Filter {
                    left,
                    right: vec![],
                    op: "exists".into(),
                });
            }
            Some((l, op, r)) => {
                let left = parse_action(l)?;
                let right = parse_action(r)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end => {
                    let prev = self.input.as_bytes().get(self.pos.wrapping_sub(2)).copied();
                    if prev != Some(b'\\') {
                        break;
                    }
                }
                _ => {}
            }
        }
        let value = self.consume();
        let s =
            unquote(value).ok_or_else(|| format!("unquote string {value} error invalid syntax"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            match self.next() {
                Some('\\') => {
                    self.next();
                }
                r if is_terminator(r) => {
                    self.backup();
                    break;
                }
                _ => {}
            }
        }
        let value = self.consume();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
    }
}

/// `parseAction`: parses `{text}` and returns the action's nodes.
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let t = format!("{{{text}}}");
    let mut p = Parser {
        input: &t,
        pos: 0,
        start: 0,
        width: 0,
    };
    let mut root = Vec::new();
    p.parse_text(&mut root)?;
    match root.into_iter().next() {
        Some(Node::List(nodes)) => Ok(nodes),
        _ => Ok(vec![]),
    }
}

/// `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$` and the parameters it yields.
fn slice_params(text: &str) -> Option<[Param; 3]> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let valid = |s: &str| {
        let d = s.strip_prefix('-').unwrap_or(s);
        d.chars().all(|c| c.is_ascii_digit())
    };
    if !parts.iter().all(|p| valid(p)) {
        return None;
    }
    let mut params = [Param::default(); 3];
    for i in 0..3 {
        match parts.get(i) {
            Some(v) if !(i == 0 && v.is_empty()) => {
                if i > 0 && v.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = v.parse().ok()?;
                }
            }
            _ => {
                if i == 1 {
                    params[1].known = true;
                    params[1].value = params[0].value + 1;
                    params[1].derived = true;
                } else {
                    params[i].known = false;
                    params[i].value = 0;
                }
            }
        }
    }
    Some(params)
}

fn is_terminator(r: Option<char>) -> bool {
    match r {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// `UnquoteExtend`: `strconv.Unquote` that also takes single-quoted strings.
fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if s.len() < 2 || !s.ends_with(q) || (q != '"' && q != '\'') {
        return None;
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&h, 16).ok()?));
            }
            'u' => {
                let h: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// kubectl's `RelaxedJSONPathExpression` (cmd/get/customcolumn.go): `.a.b`, `a.b` and
/// `{.a.b}` all become `{.a.b}` (`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`).
pub fn relaxed(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let body = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    let inner = body
        .strip_prefix('.')
        .filter(|r| !r.is_empty())
        .unwrap_or(body);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(template: &str, input: &Value, allow_missing: bool) -> Result<String, String> {
        JsonPath::parse(template)?
            .allow_missing_keys(allow_missing)
            .execute(input)
    }

    /// client-go jsonpath_test.go `TestTypesInput` (the slices of JSON-able values).
    #[test]
    fn types_input() {
        let types = json!({
            "bools": [true, false, true, false],
            "integers": [1, 2, 3, 4],
            "floats": [1.0, 2.2, 3.3, 4.0],
            "strings": ["one", "two", "three", "four"],
            "interfaces": [true, "one", 1, 1.1],
            "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02}, {"name": "three", "value": 3.03}, {"name": "four", "value": 4.04}],
        });
        let cases = [
            ("{ .bools }", "[true,false,true,false]"),
            ("{ .bools[0] }", "true"),
            ("{ .bools[-1] }", "false"),
            ("{ .bools[0:2] }", "true false"),
            ("{ .bools[:2] }", "true false"),
            ("{ .bools[:4:2] }", "true true"),
            ("{ .integers }", "[1,2,3,4]"),
            ("{ .integers[-2] }", "3"),
            ("{ .integers[:4:2] }", "1 3"),
            ("{ .floats }", "[1,2.2,3.3,4]"),
            ("{ .floats[0] }", "1"),
            ("{ .floats[-2] }", "3.3"),
            ("{ .strings }", r#"["one","two","three","four"]"#),
            ("{ .strings[-2] }", "three"),
            ("{ .interfaces }", r#"[true,"one",1,1.1]"#),
            ("{ .interfaces[:4:2] }", "true 1"),
            ("{ .maps[0] }", r#"{"name":"one","value":1}"#),
            (
                "{ .maps[::2] }",
                r#"{"name":"one","value":1} {"name":"three","value":3.03}"#,
            ),
            (
                "{ .maps[1::2] }",
                r#"{"name":"two","value":2.02} {"name":"four","value":4.04}"#,
            ),
        ];
        for (t, want) in cases {
            assert_eq!(run(t, &types, false).unwrap(), want, "{t}");
        }
    }

    /// `TestStructInput` cases that apply to JSON data, `TestJSONInput` and `TestKubernetes`.
    #[test]
    fn upstream_cases() {
        let store = json!({
            "Name": "jsonpath",
            "Book": [
                {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
                {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
                {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99}],
            "Bicycle": [{"Color": "red", "Price": 19.95, "IsNew": true}, {"Color": "green", "Price": 20.01, "IsNew": false}],
            "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
            "Employees": {"jason": "manager", "dan": "clerk"},
        });
        let cases = [
            ("hello jsonpath", json!(null), "hello jsonpath"),
            ("{..}", json!([1, 2, 3]), "[1,2,3]"),
            ("{[?(@<5)]}", json!([2, 6, 3, 7]), "2 3"),
            (r#"{"{"}"#, json!(null), "{"),
            ("{[1,3,4]}", json!([0, 1, 2, 3, 4]), "1 3 4"),
            ("{[0:2]}", json!(["Monday", "Tudesday"]), "Monday Tudesday"),
            ("hello {.Name}", store.clone(), "hello jsonpath"),
            ("{$.Labels.web/html}", store.clone(), "15"),
            ("{$.Employees.jason}", store.clone(), "manager"),
            ("{.Labels.k8s-app}", store.clone(), "20"),
            ("{.Bicycle[*].Color}", store.clone(), "red green"),
            (
                "{.Book[*].Author}",
                store.clone(),
                "Nigel Rees Evelyn Waugh Herman Melville",
            ),
            // Upstream walks struct fields in declaration order; JSON maps go in key order here.
            ("{..Price}", store.clone(), "19.95 20.01 8.95 12.99 8.99"),
            ("{...Price}", store.clone(), "19.95 20.01 8.95 12.99 8.99"),
            (
                "{.Book[-1:]}",
                store.clone(),
                r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
            ),
            (
                "{..Book[2]}",
                store.clone(),
                r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#,
            ),
            (
                "{.Bicycle[?(@.IsNew==true)]}",
                store.clone(),
                r#"{"Color":"red","IsNew":true,"Price":19.95}"#,
            ),
        ];
        for (t, input, want) in cases {
            assert_eq!(run(t, &input, false).unwrap(), want, "{t}");
        }
        assert!(JsonPath::parse(
            "{............................................................Price}"
        )
        .is_err());
        assert_eq!(run("{.hello}", &store, true).unwrap(), "");
        assert_eq!(
            run("before-{.hello}after", &store, true).unwrap(),
            "before-after"
        );
        let fails = [
            ("{hello}", "unrecognized identifier hello"),
            ("{.hello}", "hello is not found"),
            ("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
            (
                "{range .Labels.*}{@}{end}{end}",
                "not in range, nothing to end",
            ),
        ];
        for (t, want) in fails {
            assert_eq!(run(t, &store, false).unwrap_err(), want, "{t}");
        }
        let points = json!([
            {"id": "i1", "x": 4, "y": -5}, {"id": "i2", "x": -2, "y": -5, "z": 1}, {"id": "i3", "x": 8, "y": 3},
            {"id": "i4", "x": -6, "y": -1}, {"id": "i5", "x": 0, "y": 2, "z": 1}, {"id": "i6", "x": 1, "y": 4},
            {"id": "i7", "x": null, "y": 4}]);
        assert_eq!(run("{[?(@.z)].id}", &points, false).unwrap(), "i2 i5");
        assert_eq!(run("{[0]['id']}", &points, false).unwrap(), "i1");
        assert_eq!(run("{[-1]['x']}", &points, false).unwrap(), "null");
    }

    #[test]
    fn kubernetes_cases() {
        let nodes = json!({
            "kind": "List",
            "items": [
                {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
                 "status": {"capacity": {"cpu": "4"}, "ready": true, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
                {"kind": "None", "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
                 "status": {"capacity": {"cpu": "8"}, "ready": false, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"}, {"type": "another", "address": "127.0.0.3"}]}}],
            "users": [{"name": "myself", "user": {}}, {"name": "e2e", "user": {"username": "admin", "password": "secret"}}],
        });
        let cases = [
            (
                "{range .items[*]}{.metadata.name}, {end}{.kind}",
                "127.0.0.1, 127.0.0.2, List",
            ),
            (
                r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#,
                "127.0.0.1\t127.0.0.2\t",
            ),
            (
                "{.items[*].status.addresses[*].address}",
                "127.0.0.1 127.0.0.2 127.0.0.3",
            ),
            (
                "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
                "127.0.0.1, 127.0.0.2, 127.0.0.3, ",
            ),
            ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
            (
                "{.items[*]['metadata.name', 'status.capacity']}",
                r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#,
            ),
            (
                "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
                r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#,
            ),
            (r#"{.users[?(@.name=="e2e")].user.password}"#, "secret"),
            (
                r"{.items[0].metadata.labels.kubernetes\.io/hostname}",
                "127.0.0.1",
            ),
            (
                r#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#,
                "None",
            ),
            ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
        ];
        for (t, want) in cases {
            assert_eq!(run(t, &nodes, false).unwrap(), want, "{t}");
        }
        let empty = json!({"items": []});
        assert_eq!(
            run("{range .items[*]}{.metadata.name}{end}", &empty, true).unwrap(),
            ""
        );
        let pods = json!({"items": [
            {"metadata": {"name": "pod1"}, "spec": {"containers": [{"name": "foo"}, {"name": "bar"}]}},
            {"metadata": {"name": "pod2"}, "spec": {"containers": [{"name": "baz"}]}}]});
        assert_eq!(
            run(r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#, &pods, false).unwrap(),
            "pod1:foo,bar,+pod2:baz,+"
        );
    }

    #[test]
    fn relaxed_paths() {
        assert_eq!(relaxed(".metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("{.metadata.name}").unwrap(), "{.metadata.name}");
        assert!(relaxed("{.metadata.name").is_err());
    }
}
