//! `-o go-template=…`: the common subset of Go's text/template that kubectl templates use,
//! with kubectl's data model (cli-runtime printers/template.go): the object goes through
//! `json.Unmarshal` into `map[string]interface{}`, so every number is a float64 (`1e+06`),
//! a missing key prints `<no value>` (`missingkey=default`), and the extra functions
//! `exists` and `base64decode` are defined.
//!
//! Supported: text, `{{/* comments */}}`, `{{-`/`-}}` trimming, fields and chains (`.a.b`,
//! `$.a`, `$x.a`), variables (`$x := …`, `$x = …`), pipelines (`|`), parenthesised
//! pipelines, string/raw-string/number/bool/nil literals, `if`/`else if`/`else`, `range`
//! (with `$i, $e :=`, `else`, `break`, `continue`), `with`/`else`, and the functions `and`,
//! `or`, `not`, `len`, `index`, `slice`, `print`, `printf`, `println`, `eq`, `ne`, `lt`,
//! `le`, `gt`, `ge`, `exists`, `base64decode`.
use crate::api::Value;
use std::cmp::Ordering;

/// A template value.
#[derive(Debug, Clone)]
enum T {
    /// Decoded JSON data (numbers are float64 to Go).
    Data(Value),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// An invalid value: a missing key, `nil`; prints `<no value>`.
    Missing,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Vec<(Pipe, Vec<Node>)>, Vec<Node>),
    Range(Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
    Break,
    Continue,
}

#[derive(Debug, Clone)]
struct Pipe {
    decl: Vec<String>,
    assign: bool,
    cmds: Vec<Vec<Arg>>,
}

#[derive(Debug, Clone)]
enum Arg {
    Dot(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    Func(String),
    Sub(Box<Pipe>, Vec<String>),
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dot(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(String),
    Ident(String),
    Pipe,
    LParen,
    RParen(Vec<String>),
    Declare,
    Assign,
    Comma,
}

impl Template {
    /// Parses a template (`template.New("output").Parse`).
    pub fn parse(text: &str) -> Result<Template, String> {
        let items = split_actions(text)?;
        let mut pos = 0;
        let (nodes, end) = parse_list(&items, &mut pos)?;
        if let Some(e) = end {
            return Err(format!("template: output: unexpected {{{{{e}}}}}"));
        }
        Ok(Template { nodes })
    }

    /// Executes the template over an object (already as kubectl's generic map).
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut st = State {
            vars: vec![("$".to_string(), T::Data(data.clone()))],
            out: String::new(),
        };
        match st.walk(&self.nodes, &T::Data(data.clone())) {
            Ok(_) => Ok(st.out),
            Err(e) => Err(e),
        }
    }
}

/// One piece of template source: text, or the inside of an action.
enum Item {
    Text(String),
    Action(String),
}

fn split_actions(text: &str) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut rest = text;
    let mut trim_next = false;
    while let Some(i) = rest.find("{{") {
        let mut t = &rest[..i];
        if trim_next {
            t = t.trim_start();
        }
        let after = &rest[i + 2..];
        let trim_left =
            after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
        if trim_left {
            t = t.trim_end();
        }
        if !t.is_empty() {
            items.push(Item::Text(t.to_string()));
        }
        let body_start = if trim_left { &after[1..] } else { after };
        // Find the closing delimiter outside quotes.
        let close = find_close(body_start).ok_or("template: output: unclosed action")?;
        let mut body = &body_start[..close];
        let trim_right = body.ends_with(" -") || body.ends_with("\t-") || body.ends_with("\n-");
        if trim_right {
            body = &body[..body.len() - 1];
        }
        trim_next = trim_right;
        let b = body.trim();
        if !(b.starts_with("/*") && b.ends_with("*/")) {
            items.push(Item::Action(b.to_string()));
        }
        rest = &body_start[close + 2..];
    }
    let mut t = rest;
    if trim_next {
        t = t.trim_start();
    }
    if !t.is_empty() {
        items.push(Item::Text(t.to_string()));
    }
    Ok(items)
}

fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match quote {
            Some(q) => {
                if b[i] == b'\\' && q == b'"' {
                    i += 1;
                } else if b[i] == q {
                    quote = None;
                }
            }
            None => {
                if b[i] == b'"' || b[i] == b'`' || b[i] == b'\'' {
                    quote = Some(b[i]);
                } else if b[i..].starts_with(b"}}") {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// Parses nodes until `end`/`else` (returned as the terminator's text).
fn parse_list(items: &[Item], pos: &mut usize) -> Result<(Vec<Node>, Option<String>), String> {
    let mut nodes = Vec::new();
    while *pos < items.len() {
        let item = &items[*pos];
        *pos += 1;
        let action = match item {
            Item::Text(t) => {
                nodes.push(Node::Text(t.clone()));
                continue;
            }
            Item::Action(a) => a.as_str(),
        };
        let (word, rest) = match action.split_once(|c: char| c.is_whitespace()) {
            Some((w, r)) => (w, r.trim()),
            None => (action, ""),
        };
        match word {
            "end" => return Ok((nodes, Some("end".into()))),
            "else" => return Ok((nodes, Some(format!("else {rest}").trim().to_string()))),
            "break" => nodes.push(Node::Break),
            "continue" => nodes.push(Node::Continue),
            "if" => {
                let mut branches = vec![(parse_pipe(rest)?, Vec::new())];
                let mut otherwise = Vec::new();
                loop {
                    let (body, end) = parse_list(items, pos)?;
                    if let Some(last) = branches.last_mut() {
                        last.1 = body;
                    }
                    match end.as_deref() {
                        Some("end") => break,
                        Some("else") => {
                            let (body, end) = parse_list(items, pos)?;
                            otherwise = body;
                            if end.as_deref() != Some("end") {
                                return Err("template: output: expected end".into());
                            }
                            break;
                        }
                        Some(e) if e.starts_with("else if ") => {
                            branches.push((parse_pipe(&e["else if ".len()..])?, Vec::new()));
                        }
                        _ => return Err("template: output: unexpected EOF".into()),
                    }
                }
                nodes.push(Node::If(branches, otherwise));
            }
            "range" | "with" => {
                let pipe = parse_pipe(rest)?;
                let (body, end) = parse_list(items, pos)?;
                let otherwise = match end.as_deref() {
                    Some("end") => Vec::new(),
                    Some("else") => {
                        let (b, end) = parse_list(items, pos)?;
                        if end.as_deref() != Some("end") {
                            return Err("template: output: expected end".into());
                        }
                        b
                    }
                    _ => return Err("template: output: unexpected EOF".into()),
                };
                nodes.push(if word == "range" {
                    Node::Range(pipe, body, otherwise)
                } else {
                    Node::With(pipe, body, otherwise)
                });
            }
            _ => nodes.push(Node::Action(parse_pipe(action)?)),
        }
    }
    Ok((nodes, None))
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let fields = |chars: &[char], i: &mut usize| -> Vec<String> {
        let mut out = Vec::new();
        while *i < chars.len() && chars[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
                *i += 1;
            }
            out.push(chars[start..*i].iter().collect());
        }
        out
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                i += 1;
                let f = fields(&chars, &mut i);
                toks.push(Tok::RParen(f));
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            '.' => {
                let f = fields(&chars, &mut i);
                // A lone "." is the dot itself.
                let f: Vec<String> = f.into_iter().filter(|x| !x.is_empty()).collect();
                toks.push(Tok::Dot(f));
            }
            '$' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                let f = fields(&chars, &mut i);
                toks.push(Tok::Var(name, f));
            }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                let raw: String = chars[start..i.min(chars.len())].iter().collect();
                toks.push(Tok::Str(unquote(&raw)?));
            }
            '`' => {
                let start = i + 1;
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    i += 1;
                }
                toks.push(Tok::Str(chars[start..i.min(chars.len())].iter().collect()));
                i += 1;
            }
            '\'' => {
                // A character constant is an integer.
                let ch = chars.get(i + 1).copied().unwrap_or('\0');
                toks.push(Tok::Num((ch as u32).to_string()));
                i += 3;
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+')
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                toks.push(Tok::Num(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                toks.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            other => {
                return Err(format!(
                    "template: output:1: unexpected {other:?} in command"
                ))
            }
        }
    }
    Ok(toks)
}

fn unquote(raw: &str) -> Result<String, String> {
    let body = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or("template: output:1: unterminated quoted string")?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

fn parse_pipe(s: &str) -> Result<Pipe, String> {
    let toks = lex(s)?;
    let mut pos = 0;
    let p = pipe_from(&toks, &mut pos)?;
    if pos < toks.len() {
        return Err(format!(
            "template: output:1: unexpected {:?} in operand",
            toks[pos]
        ));
    }
    Ok(p)
}

fn pipe_from(toks: &[Tok], pos: &mut usize) -> Result<Pipe, String> {
    let mut decl = Vec::new();
    let mut assign = false;
    // `$x :=`, `$i, $e :=`, `$x =`.
    let mut look = *pos;
    let mut names = Vec::new();
    while let Some(Tok::Var(name, f)) = toks.get(look) {
        if !f.is_empty() {
            break;
        }
        names.push(name.clone());
        look += 1;
        match toks.get(look) {
            Some(Tok::Comma) => look += 1,
            _ => break,
        }
    }
    match toks.get(look) {
        Some(Tok::Declare) if !names.is_empty() => {
            decl = names;
            *pos = look + 1;
        }
        Some(Tok::Assign) if !names.is_empty() => {
            decl = names;
            assign = true;
            *pos = look + 1;
        }
        _ => {}
    }
    let mut cmds = Vec::new();
    let mut cmd = Vec::new();
    while let Some(t) = toks.get(*pos) {
        match t {
            Tok::Pipe => {
                *pos += 1;
                if cmd.is_empty() {
                    return Err("template: output:1: missing value for command".into());
                }
                cmds.push(std::mem::take(&mut cmd));
            }
            Tok::RParen(_) => break,
            Tok::LParen => {
                *pos += 1;
                let inner = pipe_from(toks, pos)?;
                match toks.get(*pos) {
                    Some(Tok::RParen(f)) => {
                        cmd.push(Arg::Sub(Box::new(inner), f.clone()));
                        *pos += 1;
                    }
                    _ => return Err("template: output:1: unclosed left paren".into()),
                }
            }
            Tok::Dot(f) => {
                cmd.push(Arg::Dot(f.clone()));
                *pos += 1;
            }
            Tok::Var(n, f) => {
                cmd.push(Arg::Var(n.clone(), f.clone()));
                *pos += 1;
            }
            Tok::Str(s) => {
                cmd.push(Arg::Str(s.clone()));
                *pos += 1;
            }
            Tok::Num(n) => {
                cmd.push(parse_number(n)?);
                *pos += 1;
            }
            Tok::Ident(id) => {
                cmd.push(match id.as_str() {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    "nil" => Arg::Nil,
                    f => Arg::Func(f.to_string()),
                });
                *pos += 1;
            }
            other => {
                return Err(format!(
                    "template: output:1: unexpected {other:?} in command"
                ))
            }
        }
    }
    if !cmd.is_empty() {
        cmds.push(cmd);
    }
    if cmds.is_empty() {
        return Err("template: output:1: missing value for command".into());
    }
    Ok(Pipe { decl, assign, cmds })
}

fn parse_number(n: &str) -> Result<Arg, String> {
    let clean = n.replace('_', "");
    if let Ok(i) = clean.parse::<i64>() {
        return Ok(Arg::Int(i));
    }
    if let Some(h) = clean.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Ok(Arg::Int(i));
        }
    }
    clean
        .parse::<f64>()
        .map(Arg::Float)
        .map_err(|_| format!("template: output:1: bad number syntax: {n:?}"))
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State {
    vars: Vec<(String, T)>,
    out: String,
}

impl State {
    fn walk(&mut self, nodes: &[Node], dot: &T) -> Result<Flow, String> {
        for n in nodes {
            match n {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(p) => {
                    let v = self.pipe(p, dot)?;
                    if p.decl.is_empty() {
                        let s = print(&v);
                        self.out.push_str(&s);
                    }
                }
                Node::If(branches, otherwise) => {
                    let mark = self.vars.len();
                    let mut taken = false;
                    for (cond, body) in branches {
                        if truth(&self.pipe(cond, dot)?) {
                            let f = self.walk(body, dot)?;
                            self.vars.truncate(mark);
                            if !matches!(f, Flow::Normal) {
                                return Ok(f);
                            }
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        let f = self.walk(otherwise, dot)?;
                        self.vars.truncate(mark);
                        if !matches!(f, Flow::Normal) {
                            return Ok(f);
                        }
                    }
                    self.vars.truncate(mark);
                }
                Node::With(p, body, otherwise) => {
                    let mark = self.vars.len();
                    let v = self.pipe(p, dot)?;
                    let f = if truth(&v) {
                        self.walk(body, &v)?
                    } else {
                        self.walk(otherwise, dot)?
                    };
                    self.vars.truncate(mark);
                    if !matches!(f, Flow::Normal) {
                        return Ok(f);
                    }
                }
                Node::Range(p, body, otherwise) => {
                    let mark = self.vars.len();
                    let mut bare = p.clone();
                    bare.decl.clear();
                    let v = self.pipe(&bare, dot)?;
                    let items: Vec<(T, T)> = match &v {
                        T::Data(Value::Array(a)) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (T::Int(i as i64), T::Data(x.clone())))
                            .collect(),
                        T::Data(Value::Object(m)) => {
                            let mut e: Vec<(&str, &Value)> =
                                m.iter().map(|(k, v)| (k.as_str(), v)).collect();
                            e.sort_by(|a, b| a.0.cmp(b.0));
                            e.into_iter()
                                .map(|(k, x)| (T::Str(k.to_string()), T::Data(x.clone())))
                                .collect()
                        }
                        T::Int(n) => (0..*n).map(|i| (T::Int(i), T::Int(i))).collect(),
                        T::Missing | T::Data(Value::Null) => vec![],
                        other => {
                            return Err(format!(
                                "template: output: range can't iterate over {}",
                                print(other)
                            ))
                        }
                    };
                    if items.is_empty() {
                        let f = self.walk(otherwise, dot)?;
                        self.vars.truncate(mark);
                        if !matches!(f, Flow::Normal) {
                            return Ok(f);
                        }
                        continue;
                    }
                    for (k, e) in items {
                        match p.decl.as_slice() {
                            [one] => self.vars.push((one.clone(), e.clone())),
                            [a, b] => {
                                self.vars.push((a.clone(), k));
                                self.vars.push((b.clone(), e.clone()));
                            }
                            _ => {}
                        }
                        let f = self.walk(body, &e)?;
                        self.vars.truncate(mark);
                        if matches!(f, Flow::Break) {
                            break;
                        }
                    }
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn pipe(&mut self, p: &Pipe, dot: &T) -> Result<T, String> {
        let mut value: Option<T> = None;
        for cmd in &p.cmds {
            value = Some(self.command(cmd, dot, value)?);
        }
        let v = value.unwrap_or(T::Missing);
        // "If the object has type interface{}, dig down one level": a JSON null is no value.
        let v = match v {
            T::Data(Value::Null) => T::Missing,
            other => other,
        };
        if p.assign {
            for name in &p.decl {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v.clone(),
                    None => return Err(format!("template: output: undefined variable: {name}")),
                }
            }
        } else {
            for name in &p.decl {
                self.vars.push((name.clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn command(&mut self, cmd: &[Arg], dot: &T, prev: Option<T>) -> Result<T, String> {
        let Some(first) = cmd.first() else {
            return Ok(T::Missing);
        };
        if let Arg::Func(name) = first {
            let mut args = Vec::new();
            for a in &cmd[1..] {
                args.push(self.arg(a, dot)?);
            }
            if let Some(p) = prev {
                args.push(p);
            }
            return call(name, args);
        }
        if cmd.len() > 1 || prev.is_some() {
            return Err(format!(
                "template: output: can't give argument to non-function {}",
                describe_arg(first)
            ));
        }
        self.arg(first, dot)
    }

    fn arg(&mut self, a: &Arg, dot: &T) -> Result<T, String> {
        Ok(match a {
            Arg::Dot(f) => chain(dot.clone(), f),
            Arg::Var(name, f) => {
                let v = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("template: output: undefined variable: {name}"))?;
                chain(v, f)
            }
            Arg::Str(s) => T::Str(s.clone()),
            Arg::Int(i) => T::Int(*i),
            Arg::Float(f) => T::Float(*f),
            Arg::Bool(b) => T::Bool(*b),
            Arg::Nil => T::Missing,
            Arg::Func(name) => call(name, vec![])?,
            Arg::Sub(p, f) => {
                let v = self.pipe(p, dot)?;
                chain(v, f)
            }
        })
    }
}

fn describe_arg(a: &Arg) -> String {
    match a {
        Arg::Str(s) => format!("{s:?}"),
        Arg::Int(i) => i.to_string(),
        Arg::Dot(f) => format!(".{}", f.join(".")),
        _ => "value".into(),
    }
}

/// Field lookups on a value: a missing key or a non-map gives no value.
fn chain(mut v: T, fields: &[String]) -> T {
    for f in fields {
        v = match v {
            T::Data(Value::Object(m)) => m.get(f).map_or(T::Missing, |x| T::Data(x.clone())),
            _ => T::Missing,
        };
    }
    v
}

/// text/template's truth: false, 0, nil, empty strings and collections are false.
fn truth(v: &T) -> bool {
    match v {
        T::Missing => false,
        T::Bool(b) => *b,
        T::Int(i) => *i != 0,
        T::Float(f) => *f != 0.0,
        T::Str(s) => !s.is_empty(),
        T::Data(d) => match d {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(m) => !m.is_empty(),
        },
    }
}

/// How `fmt.Print` prints a value.
fn print(v: &T) -> String {
    match v {
        T::Missing => "<no value>".into(),
        T::Int(i) => i.to_string(),
        T::Float(f) => super::yaml::go_format_g(*f),
        T::Str(s) => s.clone(),
        T::Bool(b) => b.to_string(),
        T::Data(d) => go_print(d),
    }
}

/// `fmt.Sprint` of a decoded JSON value (`map[k:v]`, `[a b]`, floats with `%v`).
fn go_print(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => super::yaml::go_format_g(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => s.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_print).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut e: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            e.sort_by(|a, b| a.0.cmp(b.0));
            format!(
                "map[{}]",
                e.iter()
                    .map(|(k, v)| format!("{k}:{}", go_print(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

#[derive(PartialEq, Debug)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
}

fn kind(v: &T) -> Result<Kind, String> {
    match v {
        T::Bool(_) | T::Data(Value::Bool(_)) => Ok(Kind::Bool),
        T::Int(_) => Ok(Kind::Int),
        T::Float(_) | T::Data(Value::Number(_)) => Ok(Kind::Float),
        T::Str(_) | T::Data(Value::String(_)) => Ok(Kind::Str),
        _ => Err("invalid type for comparison".into()),
    }
}

fn as_f64(v: &T) -> f64 {
    match v {
        T::Int(i) => *i as f64,
        T::Float(f) => *f,
        T::Data(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn as_str(v: &T) -> Option<String> {
    match v {
        T::Str(s) => Some(s.clone()),
        T::Data(Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

fn as_bool(v: &T) -> bool {
    matches!(v, T::Bool(true) | T::Data(Value::Bool(true)))
}

fn cmp(a: &T, b: &T) -> Result<Ordering, String> {
    let (ka, kb) = (kind(a)?, kind(b)?);
    if ka != kb {
        return Err("incompatible types for comparison".into());
    }
    Ok(match ka {
        Kind::Bool => as_bool(a).cmp(&as_bool(b)),
        Kind::Int | Kind::Float => as_f64(a).partial_cmp(&as_f64(b)).unwrap_or(Ordering::Equal),
        Kind::Str => as_str(a).cmp(&as_str(b)),
    })
}

fn call(name: &str, args: Vec<T>) -> Result<T, String> {
    let err = |m: &str| Err(format!("template: output: error calling {name}: {m}"));
    match name {
        "and" => Ok(args
            .iter()
            .find(|a| !truth(a))
            .or(args.last())
            .cloned()
            .unwrap_or(T::Missing)),
        "or" => Ok(args
            .iter()
            .find(|a| truth(a))
            .or(args.last())
            .cloned()
            .unwrap_or(T::Missing)),
        "not" => match args.as_slice() {
            [a] => Ok(T::Bool(!truth(a))),
            _ => err("wrong number of args for not: want 1"),
        },
        "len" => match args.as_slice() {
            [T::Str(s)] => Ok(T::Int(s.len() as i64)),
            [T::Data(Value::String(s))] => Ok(T::Int(s.len() as i64)),
            [T::Data(Value::Array(a))] => Ok(T::Int(a.len() as i64)),
            [T::Data(Value::Object(m))] => Ok(T::Int(m.len() as i64)),
            [_] => err("len of type"),
            _ => err("wrong number of args for len: want 1"),
        },
        "index" => {
            let mut it = args.into_iter();
            let mut v = it.next().unwrap_or(T::Missing);
            for i in it {
                v = match (&v, &i) {
                    (T::Data(Value::Object(m)), k) => match as_str(k) {
                        Some(k) => m.get(&k).map_or(T::Missing, |x| T::Data(x.clone())),
                        None => return err("value has type int; should be string"),
                    },
                    (T::Data(Value::Array(a)), T::Int(n)) => {
                        match usize::try_from(*n).ok().and_then(|n| a.get(n)) {
                            Some(x) => T::Data(x.clone()),
                            None => return err(&format!("index out of range: {n}")),
                        }
                    }
                    (T::Missing, _) | (T::Data(Value::Null), _) => {
                        return err("index of untyped nil")
                    }
                    _ => return err("can't index item"),
                };
            }
            Ok(v)
        }
        "slice" => {
            let mut it = args.into_iter();
            let v = it.next().unwrap_or(T::Missing);
            let idx: Vec<i64> = it.map(|a| as_f64(&a) as i64).collect();
            let bounds = |len: usize| -> Option<(usize, usize)> {
                let lo = idx.first().map_or(Some(0), |l| usize::try_from(*l).ok())?;
                let hi = idx.get(1).map_or(Some(len), |h| usize::try_from(*h).ok())?;
                (lo <= hi && hi <= len).then_some((lo, hi))
            };
            match &v {
                T::Data(Value::Array(a)) => match bounds(a.len()) {
                    Some((lo, hi)) => Ok(T::Data(Value::Array(a[lo..hi].to_vec().into()))),
                    None => err("index out of range"),
                },
                other => match as_str(other) {
                    Some(s) => match bounds(s.len()).and_then(|(lo, hi)| s.get(lo..hi)) {
                        Some(x) => Ok(T::Str(x.to_string())),
                        None => err("index out of range"),
                    },
                    None => err("can't slice item"),
                },
            }
        }
        "print" => {
            // fmt.Sprint: spaces between operands when neither is a string.
            let mut out = String::new();
            for (i, a) in args.iter().enumerate() {
                let is_str = |x: &T| matches!(x, T::Str(_) | T::Data(Value::String(_)));
                if i > 0 && !is_str(a) && !is_str(&args[i - 1]) {
                    out.push(' ');
                }
                out.push_str(&print(a));
            }
            Ok(T::Str(out))
        }
        "println" => Ok(T::Str(
            args.iter().map(print).collect::<Vec<_>>().join(" ") + "\n",
        )),
        "printf" => {
            let mut it = args.into_iter();
            let fmt = it.next().and_then(|f| as_str(&f)).unwrap_or_default();
            Ok(T::Str(sprintf(&fmt, &it.collect::<Vec<_>>())))
        }
        "eq" => {
            let mut it = args.iter();
            let Some(first) = it.next() else {
                return err("missing argument for comparison");
            };
            for b in it {
                if cmp(first, b).map_err(|e| format!("template: output: error calling eq: {e}"))?
                    == Ordering::Equal
                {
                    return Ok(T::Bool(true));
                }
            }
            Ok(T::Bool(false))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => match args.as_slice() {
            [a, b] => {
                let o = cmp(a, b)
                    .map_err(|e| format!("template: output: error calling {name}: {e}"))?;
                Ok(T::Bool(match name {
                    "ne" => o != Ordering::Equal,
                    "lt" => o == Ordering::Less,
                    "le" => o != Ordering::Greater,
                    "gt" => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }))
            }
            _ => err("wrong number of args"),
        },
        "exists" => {
            let mut it = args.into_iter();
            let mut v = it.next().unwrap_or(T::Missing);
            for i in it {
                v = match (&v, as_str(&i), &i) {
                    (T::Data(Value::Object(m)), Some(k), _) => {
                        m.get(&k).map_or(T::Missing, |x| T::Data(x.clone()))
                    }
                    (T::Data(Value::Array(a)), _, T::Int(n)) => usize::try_from(*n)
                        .ok()
                        .and_then(|n| a.get(n))
                        .map_or(T::Missing, |x| T::Data(x.clone())),
                    _ => return Ok(T::Bool(false)),
                };
            }
            Ok(T::Bool(!matches!(v, T::Missing | T::Data(Value::Null))))
        }
        "base64decode" => match args.as_slice() {
            [a] => {
                let s = as_str(a).unwrap_or_default();
                match crate::kubectl::base64::decode(&s) {
                    Some(bytes) => Ok(T::Str(String::from_utf8_lossy(&bytes).into_owned())),
                    None => err(&format!(
                        "base64 decode failed: illegal base64 data at input byte 0 {s:?}"
                    )),
                }
            }
            _ => err("wrong number of args for base64decode: want 1"),
        },
        other => Err(format!(
            "template: output:1: function {other:?} not defined"
        )),
    }
}

/// A subset of Go's `fmt.Sprintf`: `%v %s %d %q %f %t %x %%` with flags, width, precision.
fn sprintf(fmt: &str, args: &[T]) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut argi = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+# 0".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() {
                width.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() {
                    p.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(argi) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        argi += 1;
        let type_name = |a: &T| match a {
            T::Int(_) => "int",
            T::Float(_) | T::Data(Value::Number(_)) => "float64",
            T::Str(_) | T::Data(Value::String(_)) => "string",
            T::Bool(_) | T::Data(Value::Bool(_)) => "bool",
            T::Data(Value::Object(_)) => "map[string]interface {}",
            T::Data(Value::Array(_)) => "[]interface {}",
            T::Missing | T::Data(Value::Null) => "<nil>",
        };
        let body = match verb {
            'v' | 's' => match (verb, arg) {
                (
                    's',
                    T::Int(_)
                    | T::Float(_)
                    | T::Data(Value::Number(_))
                    | T::Bool(_)
                    | T::Data(Value::Bool(_)),
                ) => {
                    format!("%!s({}={})", type_name(arg), print(arg))
                }
                (_, T::Missing) => "<nil>".into(),
                _ => {
                    let s = print(arg);
                    match prec {
                        Some(p) if verb == 's' => s.chars().take(p).collect(),
                        _ => s,
                    }
                }
            },
            'd' => match arg {
                T::Int(i) => i.to_string(),
                other => format!("%!d({}={})", type_name(other), print(other)),
            },
            'q' => match as_str(arg) {
                Some(s) => format!("{s:?}"),
                None => format!("%!q({}={})", type_name(arg), print(arg)),
            },
            't' => match arg {
                T::Bool(b) => b.to_string(),
                T::Data(Value::Bool(b)) => b.to_string(),
                other => format!("%!t({}={})", type_name(other), print(other)),
            },
            'f' | 'F' => match arg {
                T::Float(_) | T::Data(Value::Number(_)) => {
                    format!("{:.*}", prec.unwrap_or(6), as_f64(arg))
                }
                other => format!("%!f({}={})", type_name(other), print(other)),
            },
            'x' => match arg {
                T::Int(i) => format!("{i:x}"),
                other => match as_str(other) {
                    Some(s) => s.bytes().map(|b| format!("{b:02x}")).collect(),
                    None => format!("%!x({}={})", type_name(other), print(other)),
                },
            },
            other => format!("%!{other}({}={})", type_name(arg), print(arg)),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.extend(std::iter::repeat_n(' ', pad));
            } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'x') {
                out.extend(std::iter::repeat_n('0', pad));
                out.push_str(&body);
            } else {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[argi..]
            .iter()
            .map(|a| {
                format!(
                    "{}={}",
                    match a {
                        T::Int(_) => "int",
                        T::Str(_) | T::Data(Value::String(_)) => "string",
                        _ => "float64",
                    },
                    print(a)
                )
            })
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(t: &str, data: &Value) -> String {
        Template::parse(t).unwrap().execute(data).unwrap()
    }

    /// The template shapes from kubectl's docs (kubernetes.io/docs/reference/kubectl) and
    /// cli-runtime's template_test.go.
    #[test]
    fn kubectl_template_shapes() {
        let pods = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"metadata": {"name": "a", "labels": {"app": "web"}}, "spec": {"replicas": 3, "containers": [{"name": "c1", "image": "nginx"}, {"name": "c2", "image": "redis"}]}},
            {"metadata": {"name": "b"}, "spec": {"replicas": 1000000, "containers": []}}]});
        assert_eq!(
            run(
                "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}",
                &pods
            ),
            "a\nb\n"
        );
        assert_eq!(run("{{(index .items 0).metadata.name}}", &pods), "a");
        assert_eq!(
            run("{{index .items 0 \"metadata\" \"labels\" \"app\"}}", &pods),
            "web"
        );
        assert_eq!(
            run("{{range .items}}{{.spec.replicas}} {{end}}", &pods),
            "3 1e+06 "
        );
        assert_eq!(
            run("{{range .items}}{{.metadata.labels.app}};{{end}}", &pods),
            "web;<no value>;"
        );
        assert_eq!(
            run(
                "{{range $i, $p := .items}}{{$i}}={{$p.metadata.name}} {{end}}",
                &pods
            ),
            "0=a 1=b "
        );
        assert_eq!(
            run(
                "{{range .items}}{{if .metadata.labels}}{{.metadata.name}}{{else}}-{{end}}{{end}}",
                &pods
            ),
            "a-"
        );
        assert_eq!(
            run("{{range .items}}{{range .spec.containers}}{{printf \"%s:%s \" .name .image}}{{end}}{{end}}", &pods),
            "c1:nginx c2:redis "
        );
        assert_eq!(run("{{len .items}}", &pods), "2");
        assert_eq!(run("{{.kind | printf \"%q\"}}", &pods), "\"List\"");
        assert_eq!(run("{{- .kind -}}  \n", &pods), "List");
        assert_eq!(run("{{/* a comment */}}{{.apiVersion}}", &pods), "v1");
        assert_eq!(run("{{with .nothing}}x{{else}}y{{end}}", &pods), "y");
        assert_eq!(
            run("{{if eq .kind \"List\" \"Other\"}}yes{{end}}", &pods),
            "yes"
        );
        assert_eq!(
            run("{{exists . \"items\"}} {{exists . \"nope\"}}", &pods),
            "true false"
        );
        assert_eq!(
            run("{{.items}}", &json!({"items": [1, "a", {"k": null}]})),
            "[1 a map[k:<nil>]]"
        );
        assert_eq!(
            run("{{base64decode .d}}", &json!({"d": "aGVsbG8="})),
            "hello"
        );
        // Data numbers are float64: comparing with an int literal fails as it does in Go.
        assert!(Template::parse("{{eq .n 3}}")
            .unwrap()
            .execute(&json!({"n": 3}))
            .is_err());
    }
}
