//! `-o yaml` as kubectl prints it: `sigs.k8s.io/yaml.JSONToYAML`, i.e. the object as JSON
//! decoded into generic maps and re-encoded by go-yaml v2 (gopkg.in/yaml.v2 encode.go, with
//! the libyaml emitter in emitterc.go): keys in go-yaml's `keyList` order, block style,
//! sequences not indented under their key, strings quoted only when a plain scalar would read
//! back as something else (`"80"`, `"true"`, `"2026-01-01T00:00:00Z"`), multi-line strings as
//! `|` literals, and long plain or quoted strings folded at column 80.
use crate::api::Value;
use std::cmp::Ordering;

/// `yaml.Marshal` of a JSON value, ending with a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::default();
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(v, 0, false),
        Value::Array(a) if !a.is_empty() => e.sequence(v, 0, false),
        _ => {
            e.scalar(v, 0);
            e.out.push('\n');
        }
    }
    e.out
}

/// libyaml's `best_width`.
const BEST_WIDTH: usize = 80;
/// libyaml's `best_indent`.
const INDENT: usize = 2;

#[derive(Default)]
struct Emitter {
    out: String,
    /// Characters written since the last line break.
    column: usize,
}

impl Emitter {
    fn put(&mut self, s: &str) {
        match s.rfind('\n') {
            Some(i) => self.column = s[i + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
        self.out.push_str(s);
    }

    fn newline_indent(&mut self, indent: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.column = indent;
    }

    /// A block mapping whose keys start at `indent`; `inline` when the first key follows a
    /// `- ` already written on this line.
    fn mapping(&mut self, v: &Value, indent: usize, inline: bool) {
        let Some(m) = v.as_object() else { return };
        let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
        entries.sort_by(|a, b| key_order(a.0, b.0));
        for (i, (k, val)) in entries.into_iter().enumerate() {
            if i > 0 || !inline {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                    self.column = 0;
                }
                self.out.extend(std::iter::repeat_n(' ', indent));
                self.column = indent;
            }
            self.key(k);
            self.put(":");
            self.value(val, indent);
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
            self.column = 0;
        }
    }

    /// A block sequence whose `- ` markers start at `indent`.
    fn sequence(&mut self, v: &Value, indent: usize, inline: bool) {
        let Some(a) = v.as_array() else { return };
        for (i, item) in a.iter().enumerate() {
            if i > 0 || !inline {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                    self.column = 0;
                }
                self.out.extend(std::iter::repeat_n(' ', indent));
                self.column = indent;
            }
            self.put("-");
            match item {
                Value::Object(m) if !m.is_empty() => {
                    self.put(" ");
                    self.mapping(item, indent + INDENT, true);
                }
                Value::Array(x) if !x.is_empty() => {
                    self.put(" ");
                    self.sequence(item, indent + INDENT, true);
                }
                _ => {
                    self.put(" ");
                    self.scalar(item, indent + INDENT);
                }
            }
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
            self.column = 0;
        }
    }

    /// The value after `key:` (the key at `indent`).
    fn value(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                self.out.push('\n');
                self.column = 0;
                self.mapping(v, indent + INDENT, false);
            }
            Value::Array(a) if !a.is_empty() => {
                self.out.push('\n');
                self.column = 0;
                self.sequence(v, indent, false);
            }
            _ => {
                self.put(" ");
                self.scalar(v, indent + INDENT);
            }
        }
    }

    /// A mapping key, in simple-key context (never a literal, never folded).
    fn key(&mut self, k: &str) {
        let style = fallback(string_style(k), &analyze(k), true);
        self.write_string(k, style, 0, false);
    }

    /// A scalar (or an empty collection) whose continuation lines are indented to `indent`.
    fn scalar(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.put("null"),
            Value::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let s = number(n);
                self.put(&s)
            }
            Value::String(s) => {
                let a = analyze(s);
                let style = fallback(string_style(s), &a, false);
                self.write_string(s, style, indent, true);
            }
            Value::Array(_) => self.put("[]"),
            Value::Object(_) => self.put("{}"),
        }
    }

    fn write_string(&mut self, s: &str, style: Style, indent: usize, allow_breaks: bool) {
        match style {
            Style::Plain => self.write_plain(s, indent, allow_breaks),
            Style::Single => self.write_single(s, indent, allow_breaks),
            Style::Double => self.write_double(s, indent, allow_breaks),
            Style::Literal => self.write_literal(s, indent),
        }
    }

    /// `yaml_emitter_write_plain_scalar`.
    fn write_plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.newline_indent(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
    }

    /// `yaml_emitter_write_single_quoted_scalar`.
    fn write_single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.push_char('\'');
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let n = chars.len();
        let mut i = 0;
        while i < n {
            let c = chars[i];
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != n - 1
                    && !next_space
                {
                    self.newline_indent(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.out.push('\n');
                    self.column = 0;
                }
                self.out.push('\n');
                self.column = 0;
                breaks = true;
            } else {
                if breaks {
                    self.out.extend(std::iter::repeat_n(' ', indent));
                    self.column = indent;
                }
                if c == '\'' {
                    self.push_char('\'');
                }
                self.push_char(c);
                spaces = false;
                breaks = false;
            }
            i += 1;
        }
        self.push_char('\'');
    }

    /// `yaml_emitter_write_double_quoted_scalar`.
    fn write_double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.push_char('"');
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                let esc = match c {
                    '\0' => "\\0".to_string(),
                    '\u{7}' => "\\a".to_string(),
                    '\u{8}' => "\\b".to_string(),
                    '\t' => "\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\u{b}' => "\\v".to_string(),
                    '\u{c}' => "\\f".to_string(),
                    '\r' => "\\r".to_string(),
                    '\u{1b}' => "\\e".to_string(),
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\u{85}' => "\\N".to_string(),
                    '\u{a0}' => "\\_".to_string(),
                    '\u{2028}' => "\\L".to_string(),
                    '\u{2029}' => "\\P".to_string(),
                    c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                self.put(&esc);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != n - 1 {
                    self.newline_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.push_char('\\');
                    }
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
        self.push_char('"');
    }

    /// `yaml_emitter_write_literal_scalar` with its block scalar hints.
    fn write_literal(&mut self, s: &str, indent: usize) {
        self.push_char('|');
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.put(&INDENT.to_string());
        }
        let chars: Vec<char> = s.chars().collect();
        let chomp = match chars.len() {
            0 => Some('-'),
            n if !is_break(chars[n - 1]) => Some('-'),
            1 => Some('+'),
            n if is_break(chars[n - 2]) => Some('+'),
            _ => None,
        };
        if let Some(c) = chomp {
            self.push_char(c);
        }
        self.out.push('\n');
        self.column = 0;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.out.push('\n');
                self.column = 0;
                breaks = true;
            } else {
                if breaks {
                    self.out.extend(std::iter::repeat_n(' ', indent));
                    self.column = indent;
                    breaks = false;
                }
                self.push_char(c);
            }
        }
        // The block ends with a line break (added by the caller when missing).
        if self.out.ends_with('\n') {
            self.column = 0;
        }
    }

    fn push_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The style go-yaml's `stringv` asks for: literal for multi-line strings, plain when the
/// plain scalar reads back as the same string, double-quoted otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// What `yaml_emitter_analyze_scalar` finds out about a scalar.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ') | Some('\t'))
}

/// libyaml's `is_printable`.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
        || (0x10000..=0x10ffff).contains(&u)
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_whitespace = next.is_none() || is_blank(next) || next.is_some_and(is_break);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// `yaml_emitter_select_scalar_style` (block context, no tags).
fn fallback(style: Style, a: &Analysis, simple_key: bool) -> Style {
    let mut style = style;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && !a.block_plain_allowed {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

/// Whether go-yaml's `resolve` reads the plain scalar `s` back as a string.
fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    match first {
        'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~' => !SPECIAL.contains(&s),
        '.' => !SPECIAL.contains(&s) && parse_go_float(s).is_none(),
        '+' | '-' | '0'..='9' => {
            if SPECIAL.contains(&s) || is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if parse_go_int(&plain) || is_yaml_float(&plain) {
                return false;
            }
            let bin = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"));
            !bin.is_some_and(|b| !b.is_empty() && b.chars().all(|c| c == '0' || c == '1'))
        }
        _ => true,
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint` succeeds.
fn parse_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, radix) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (h, 16)
        } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (o, 8)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (b, 2)
        } else if body.len() > 1 && body.starts_with('0') {
            (&body[1..], 8)
        } else {
            (body, 10)
        };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let mant_ok = if let Some(frac) = mant.strip_prefix('.') {
        digits(frac)
    } else {
        match mant.split_once('.') {
            Some((i, f)) => digits(i) && (f.is_empty() || digits(f)),
            None => digits(mant),
        }
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mant_ok && exp_ok
}

fn parse_go_float(s: &str) -> Option<f64> {
    if is_yaml_float(s) {
        s.parse().ok()
    } else {
        None
    }
}

/// go-yaml's `parseTimestamp`: `YYYY-M-D` optionally with a time (`T`, `t` or space).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some((rest.as_bytes()[i], &rest[i + 1..]))),
        None => (rest, None),
    };
    let Some((m, d)) = date.split_once('-') else {
        return false;
    };
    let num = |x: &str, max: u32| {
        (1..=2).contains(&x.len())
            && x.chars().all(|c| c.is_ascii_digit())
            && x.parse::<u32>().is_ok_and(|v| v >= 1 && v <= max)
    };
    if !num(m, 12) || !num(d, 31) {
        return false;
    }
    match time {
        None => true,
        Some((sep, t)) => {
            // "15:4:5.999999999" then "Z07:00" (for T/t) or nothing (for a space).
            let (clock, zone) = match t.find(['Z', '+', '-']) {
                Some(i) => (&t[..i], &t[i..]),
                None => (t, ""),
            };
            let parts: Vec<&str> = clock.split(':').collect();
            if parts.len() != 3 {
                return false;
            }
            let small = |x: &str, max: u32| {
                (1..=2).contains(&x.len())
                    && x.chars().all(|c| c.is_ascii_digit())
                    && x.parse::<u32>().is_ok_and(|v| v <= max)
            };
            let (sec, frac) = match parts[2].split_once('.') {
                Some((s, f)) => (s, Some(f)),
                None => (parts[2], None),
            };
            if !small(parts[0], 23)
                || !small(parts[1], 59)
                || !small(sec, 59)
                || frac.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()))
            {
                return false;
            }
            match (sep, zone) {
                (b' ', "") => true,
                (b' ', _) => false,
                (_, "Z") => true,
                (_, z) => {
                    let z = &z[1..];
                    z.len() == 5
                        && z.as_bytes()[2] == b':'
                        && small(&z[..2], 23)
                        && small(&z[3..], 59)
                }
            }
        }
    }
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match b.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (b, None),
    };
    if frac.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit() || c == '_')) {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    if !head.starts_with(|c: char| c.is_ascii_digit())
        || !head.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            let p = p.as_bytes();
            match p.len() {
                1 => p[0].is_ascii_digit(),
                2 => (b'0'..=b'5').contains(&p[0]) && p[1].is_ascii_digit(),
                _ => false,
            }
        })
}

/// A JSON number as it comes back out of go-yaml: integers as integers, floats through Go's
/// JSON text (integral floats become integers) and `strconv.FormatFloat(f, 'g', -1, 64)`.
fn number(n: &crate::api::value::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let json = super::json::go_float(f);
    if json.parse::<i64>().is_ok() {
        return json;
    }
    go_format_g(f)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits, in exponent form when the
/// decimal exponent is below -4 or at least 6.
pub(crate) fn go_format_g(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.unsigned_abs());
    }
    format!("{f}")
}

/// go-yaml's `keyList.Less` for string keys: letters compare as runes, a non-letter sorts
/// before a letter, and runs of digits compare as numbers.
fn key_order(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if less(a, b) {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// `kubectl create configmap c --from-literal=... --dry-run=client -o yaml` (kubectl 1.32).
    #[test]
    fn scalars_as_kubectl_prints_them() {
        let long = format!("{}end", "word ".repeat(30));
        let longq = format!("it's {}end", "word ".repeat(25));
        let pairs: &[(&str, &str)] = &[
            ("plain", "hello"),
            ("empty", ""),
            ("num", "0755"),
            ("hex", "0x1F"),
            ("float", "1.5"),
            ("exp", "1e3"),
            ("dot", ".5"),
            ("yes", "yes"),
            ("No", "No"),
            ("tilde", "~"),
            ("null", "null"),
            ("ts", "2026-01-01T00:00:00Z"),
            ("date", "2026-01-01"),
            ("b60", "12:30"),
            ("colon", "a: b"),
            ("colon2", "a:b"),
            ("hash", "a #b"),
            ("hash2", "a#b"),
            ("star", "*x"),
            ("dash", "- x"),
            ("dash2", "-x"),
            ("lead", " x"),
            ("trail", "x "),
            ("quote", "it's"),
            ("dq", "say \"hi\""),
            ("tab", "a\tb"),
            ("ml", "a\nb\n"),
            ("ml2", "a\n\nb\n\n"),
            ("ml3", "  indented\nx"),
            ("mlsp", "a \nb"),
            ("unicode", "héllo ✓"),
            ("brace", "{a}"),
            ("at", "@x"),
            ("pct", "%x"),
            ("q", "?x"),
            ("q2", "? x"),
            ("under", "1_000"),
            ("plus", "+5"),
            ("neg", "-5"),
            ("on", "on"),
            ("Y", "Y"),
            ("inf", ".inf"),
            ("merge", "<<"),
            ("dashes", "---"),
            ("bang", "!x"),
            ("amp", "&x"),
            ("pipe", "|x"),
            ("gt", ">x"),
            ("bt", "`x"),
            ("comma", ",x"),
            ("brk", "[x]"),
            ("long", &long),
            ("longnospace", &"x".repeat(100)),
            ("cr", "a\rb"),
            ("longq", &longq),
        ];
        let data: crate::api::Map = pairs.iter().map(|(k, v)| (*k, Value::from(*v))).collect();
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"creationTimestamp": null, "name": "c"}, "data": data});
        let want = r#"apiVersion: v1
data:
  "No": "No"
  "Y": "Y"
  amp: '&x'
  at: '@x'
  b60: "12:30"
  bang: '!x'
  brace: '{a}'
  brk: '[x]'
  bt: '`x'
  colon: 'a: b'
  colon2: a:b
  comma: ',x'
  cr: "a\rb"
  dash: '- x'
  dash2: -x
  dashes: '---'
  date: "2026-01-01"
  dot: ".5"
  dq: say "hi"
  empty: ""
  exp: "1e3"
  float: "1.5"
  gt: '>x'
  hash: 'a #b'
  hash2: a#b
  hex: "0x1F"
  inf: ".inf"
  lead: ' x'
  long: word word word word word word word word word word word word word word word
    word word word word word word word word word word word word word word word end
  longnospace: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  longq: it's word word word word word word word word word word word word word word
    word word word word word word word word word word word end
  merge: <<
  ml: |
    a
    b
  ml2: |+
    a

    b

  ml3: |2-
      indented
    x
  mlsp: "a \nb"
  neg: "-5"
  "null": "null"
  num: "0755"
  "on": "on"
  pct: '%x'
  pipe: '|x'
  plain: hello
  plus: "+5"
  q: ?x
  q2: '? x'
  quote: it's
  star: '*x'
  tab: "a\tb"
  tilde: "~"
  trail: 'x '
  ts: "2026-01-01T00:00:00Z"
  under: "1_000"
  unicode: héllo ✓
  "yes": "yes"
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: c
"#;
        assert_eq!(to_yaml(&cm), want);
    }

    /// `kubectl create -f pod.yaml --dry-run=client -o yaml` and `kubectl run x --image=nginx
    /// --env=A=1 --labels=a=b,c=d --port=80 --dry-run=client -o yaml -- sh -c 'echo hi'`.
    #[test]
    fn collections_as_kubectl_prints_them() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"annotations": {"a": "x"}, "name": "p", "namespace": "default"},
            "spec": {"containers": [{"args": [], "command": ["sh", "-c", "echo hello\nsleep 10\n"], "env": [{"name": "A", "value": "1"}], "image": "nginx", "name": "c", "resources": {}}],
                     "tolerations": [{"key": "k", "operator": "Exists"}]}});
        assert_eq!(
            to_yaml(&pod),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a: x\n  name: p\n  namespace: default\nspec:\n  containers:\n  - args: []\n    command:\n    - sh\n    - -c\n    - |\n      echo hello\n      sleep 10\n    env:\n    - name: A\n      value: \"1\"\n    image: nginx\n    name: c\n    resources: {}\n  tolerations:\n  - key: k\n    operator: Exists\n"
        );
        let nested =
            json!({"a": [[1, 2], [], {"b": [3]}], "n": 1.5, "m": 2.0, "t": true, "z": null});
        assert_eq!(
            to_yaml(&nested),
            "a:\n- - 1\n  - 2\n- []\n- b:\n  - 3\nm: 2\n\"n\": 1.5\nt: true\nz: null\n"
        );
    }

    /// go-yaml's key order (sorter.go `keyList.Less`).
    #[test]
    fn keys_in_go_yaml_order() {
        let mut keys = vec!["b", "a10", "a9", "a", "B", "_x", "x-1", "x1", "xa"];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(
            keys,
            vec!["_x", "B", "a", "a9", "a10", "b", "x-1", "x1", "xa"]
        );
    }
}
