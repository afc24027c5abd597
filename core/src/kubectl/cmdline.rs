//! kubectl's command line: the commands kplane serves and pflag's parsing rules.
//!
//! Each command's help text is kubectl 1.32's own (`kubectl <command> --help`), trimmed to the
//! flags kplane supports; the flags a command accepts are read from its help text's `Options:`
//! section (`-o, --output='':` is a string flag with shorthand `o`, `--all=false:` a bool,
//! `--replicas=1:` an int, `--image=[]:` a list), so help and parsing cannot disagree.
//! Parsing follows spf13/pflag (flag.go): `--name=value`, `--name value`, `-n value`, `-nvalue`,
//! `-n=value`, grouped bool shorthands (`-Ai`), `--` ends the flags; flags and arguments may
//! come in any order (cobra's interspersed mode).
use std::collections::HashMap;
use std::sync::OnceLock;

/// A kubectl command: its path below `kubectl` (`create deployment`) and its help text.
pub(crate) struct CommandDef {
    pub path: &'static str,
    pub help: &'static str,
}

macro_rules! commands {
    ($( $path:literal => $file:literal ),* $(,)?) => {
        /// Every command kplane serves, in kubectl's order (cobra suggests in this order).
        pub(crate) const COMMANDS: &[CommandDef] = &[
            $( CommandDef { path: $path, help: include_str!(concat!("help/", $file, ".txt")) }, )*
        ];
    };
}

commands! {
    "" => "kubectl",
    "create" => "create",
    "create configmap" => "create_configmap",
    "create cronjob" => "create_cronjob",
    "create deployment" => "create_deployment",
    "create job" => "create_job",
    "create namespace" => "create_namespace",
    "create poddisruptionbudget" => "create_poddisruptionbudget",
    "create priorityclass" => "create_priorityclass",
    "create quota" => "create_quota",
    "create secret" => "create_secret",
    "create secret generic" => "create_secret_generic",
    "create service" => "create_service",
    "create service clusterip" => "create_service_clusterip",
    "create service externalname" => "create_service_externalname",
    "create service loadbalancer" => "create_service_loadbalancer",
    "create service nodeport" => "create_service_nodeport",
    "create serviceaccount" => "create_serviceaccount",
    "expose" => "expose",
    "run" => "run",
    "set" => "set",
    "set env" => "set_env",
    "set image" => "set_image",
    "set resources" => "set_resources",
    "explain" => "explain",
    "get" => "get",
    "delete" => "delete",
    "rollout" => "rollout",
    "rollout history" => "rollout_history",
    "rollout pause" => "rollout_pause",
    "rollout restart" => "rollout_restart",
    "rollout resume" => "rollout_resume",
    "rollout status" => "rollout_status",
    "rollout undo" => "rollout_undo",
    "scale" => "scale",
    "autoscale" => "autoscale",
    "top" => "top",
    "top node" => "top_node",
    "top pod" => "top_pod",
    "cordon" => "cordon",
    "uncordon" => "uncordon",
    "drain" => "drain",
    "taint" => "taint",
    "describe" => "describe",
    "logs" => "logs",
    "events" => "events",
    "diff" => "diff",
    "apply" => "apply",
    "patch" => "patch",
    "replace" => "replace",
    "wait" => "wait",
    "label" => "label",
    "annotate" => "annotate",
    "api-resources" => "api-resources",
    "api-versions" => "api-versions",
    "config" => "config",
    "config current-context" => "config_current-context",
    "config get-contexts" => "config_get-contexts",
    "version" => "version",
    "options" => "options",
}

/// How a flag takes values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlagKind {
    Bool,
    Str,
    Int,
    /// `StringSlice`: repeatable, each value split on commas (`-L a,b -L c`).
    Slice,
    /// `StringArray`: repeatable, values kept whole (`--from-literal=k=a,b`).
    Array,
}

/// One flag of a command.
#[derive(Debug, Clone)]
pub(crate) struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub default: &'static str,
    pub kind: FlagKind,
}

/// Flags whose `[]` values are `StringArray`s (no comma splitting) in kubectl.
const ARRAY_FLAGS: &[&str] = &["from-literal", "annotations", "env"];

/// Parses the `Options:` section of a help text.
fn parse_flags(help: &'static str) -> Vec<Flag> {
    let mut out = Vec::new();
    for line in help.lines() {
        let Some(rest) = line.strip_prefix("    ") else {
            continue;
        };
        let Some(spec) = rest.strip_suffix(':') else {
            continue;
        };
        let (short, spec) = match spec.strip_prefix('-') {
            Some(s) if !s.starts_with('-') => {
                let mut chars = s.chars();
                let c = chars.next();
                (c, chars.as_str().trim_start_matches(", "))
            }
            _ => (None, spec),
        };
        let Some(spec) = spec.strip_prefix("--") else {
            continue;
        };
        let Some((long, default)) = spec.split_once('=') else {
            continue;
        };
        if long.is_empty() || !long.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        let (kind, default) = if default == "true" || default == "false" {
            (FlagKind::Bool, default)
        } else if default == "[]" {
            let kind = if ARRAY_FLAGS.contains(&long) {
                FlagKind::Array
            } else {
                FlagKind::Slice
            };
            (kind, "")
        } else if let Some(s) = default
            .strip_prefix('\'')
            .and_then(|d| d.strip_suffix('\''))
        {
            (FlagKind::Str, s)
        } else if default.parse::<i64>().is_ok() {
            (FlagKind::Int, default)
        } else {
            (FlagKind::Str, default)
        };
        out.push(Flag {
            long,
            short,
            default,
            kind,
        });
    }
    out
}

/// The flags of each command (its own, then the global ones), parsed once.
fn flag_table() -> &'static HashMap<&'static str, Vec<Flag>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<Flag>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let global = parse_flags(command("options").map_or("", |c| c.help));
        COMMANDS
            .iter()
            .map(|c| {
                let mut flags = parse_flags(c.help);
                if c.path == "options" {
                    flags.clear();
                }
                flags.extend(global.iter().cloned());
                flags.push(Flag {
                    long: "help",
                    short: Some('h'),
                    default: "false",
                    kind: FlagKind::Bool,
                });
                (c.path, flags)
            })
            .collect()
    })
}

/// The command at `path`.
pub(crate) fn command(path: &str) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.path == path)
}

/// A command's aliases (its help's `Aliases:` line, e.g. `deployment, deploy`).
fn aliases(c: &CommandDef) -> Vec<&'static str> {
    let mut lines = c.help.lines();
    while let Some(l) = lines.next() {
        if l == "Aliases:" {
            return lines
                .next()
                .unwrap_or("")
                .split(", ")
                .map(str::trim)
                .collect();
        }
    }
    vec![]
}

/// The direct subcommands of `parent` (their last path word and definition).
fn children(parent: &str) -> impl Iterator<Item = (&'static str, &'static CommandDef)> + '_ {
    COMMANDS.iter().filter_map(move |c| {
        let rest = if parent.is_empty() {
            Some(c.path)
        } else {
            c.path
                .strip_prefix(parent)
                .and_then(|r| r.strip_prefix(' '))
        }?;
        (!rest.is_empty() && !rest.contains(' ')).then_some((rest, c))
    })
}

/// The subcommand of `parent` named `word` (or one of its aliases).
fn child(parent: &str, word: &str) -> Option<&'static CommandDef> {
    children(parent).find_map(|(name, c)| (name == word || aliases(c).contains(&word)).then_some(c))
}

/// The parsed flags and arguments of one invocation.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    flags: &'static [Flag],
    values: Vec<(&'static str, String)>,
    /// The positional arguments, in order.
    pub args: Vec<String>,
    /// How many arguments came before `--` (cobra's `ArgsLenAtDash`), if there was one.
    pub dash: Option<usize>,
}

impl Parsed {
    fn def(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.long == name)
    }

    /// Whether the flag was given.
    pub fn changed(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _)| *n == name)
    }

    /// A string flag's value (its last occurrence, else its default).
    pub fn str(&self, name: &str) -> String {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.def(name).map(|f| f.default.to_string()))
            .unwrap_or_default()
    }

    /// A bool flag's value.
    pub fn bool(&self, name: &str) -> bool {
        parse_bool(&self.str(name)).unwrap_or(false)
    }

    /// An int flag's value (validated while parsing).
    pub fn int(&self, name: &str) -> i64 {
        self.str(name).parse().unwrap_or(0)
    }

    /// A list flag's values, comma-split for `StringSlice` flags.
    pub fn list(&self, name: &str) -> Vec<String> {
        let split = self.def(name).is_some_and(|f| f.kind == FlagKind::Slice);
        self.values
            .iter()
            .filter(|(n, _)| *n == name)
            .flat_map(|(_, v)| {
                if split {
                    v.split(',').map(str::to_string).collect::<Vec<_>>()
                } else {
                    vec![v.clone()]
                }
            })
            .collect()
    }
}

/// `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A command line resolved to its command, with its flags parsed.
pub(crate) struct Invocation {
    pub command: &'static CommandDef,
    pub parsed: Parsed,
}

/// Why a command line could not be parsed; the text is what kubectl prints on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(pub String);

/// Resolves the command path (skipping flags, as cobra's `Find` does) and parses the flags.
pub(crate) fn parse(words: &[String]) -> Result<Invocation, ParseError> {
    let globals = flag_table().get("options").map_or(&[][..], Vec::as_slice);
    let mut path = String::new();
    let mut used = vec![false; words.len()];
    let mut i = 0;
    let mut current = command("").ok_or_else(|| ParseError("no commands".into()))?;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            break;
        }
        if w.starts_with('-') && w.len() > 1 {
            // Skip the flag and its separate value, if it takes one.
            let known = flag_table()
                .get(current.path)
                .map_or(globals, Vec::as_slice);
            if takes_separate_value(w, known) {
                i += 1;
            }
            i += 1;
            continue;
        }
        match child(&path, w) {
            Some(c) => {
                used[i] = true;
                current = c;
                path = c.path.to_string();
                i += 1;
            }
            None if path.is_empty() => {
                return Err(ParseError(unknown_command(w)));
            }
            None => break,
        }
    }
    let rest: Vec<String> = words
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(w, _)| w.clone())
        .collect();
    let flags = flag_table()
        .get(current.path)
        .map_or(&[][..], Vec::as_slice);
    let parsed = parse_args(&rest, flags).map_err(|e| {
        ParseError(format!(
            "Error: {e}\nSee 'kubectl {} --help' for usage.\n",
            current.path
        ))
    })?;
    Ok(Invocation {
        command: current,
        parsed,
    })
}

/// Whether `word` (a flag) consumes the next word as its value.
fn takes_separate_value(word: &str, flags: &[Flag]) -> bool {
    if word.contains('=') {
        return false;
    }
    let f = if let Some(long) = word.strip_prefix("--") {
        flags.iter().find(|f| f.long == long)
    } else {
        let shorts = &word[1..];
        // The last shorthand takes the next word only if nothing follows it in this word.
        let mut chars = shorts.chars();
        let mut found = None;
        while let Some(c) = chars.next() {
            let f = flags.iter().find(|f| f.short == Some(c));
            match f {
                Some(f) if f.kind != FlagKind::Bool => {
                    if chars.as_str().is_empty() {
                        found = Some(f);
                    }
                    break;
                }
                _ => {}
            }
        }
        found
    };
    f.is_some_and(|f| f.kind != FlagKind::Bool)
}

/// pflag's `Parse` over one command's flags.
pub(crate) fn parse_args(words: &[String], flags: &'static [Flag]) -> Result<Parsed, String> {
    let mut p = Parsed {
        flags,
        values: Vec::new(),
        args: Vec::new(),
        dash: None,
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            p.dash = Some(p.args.len());
            p.args.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(f) = flags.iter().find(|f| f.long == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match (inline, f.kind) {
                (Some(v), _) => v,
                (None, FlagKind::Bool) => "true".to_string(),
                (None, _) => {
                    let v = words
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: --{name}"))?;
                    i += 1;
                    v.clone()
                }
            };
            set_value(&mut p, f, value)?;
        } else if w.starts_with('-') && w.len() > 1 {
            let mut rest = &w[1..];
            while let Some(c) = rest.chars().next() {
                rest = &rest[c.len_utf8()..];
                let Some(f) = flags.iter().find(|f| f.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {w}"));
                };
                if let Some(v) = rest.strip_prefix('=') {
                    set_value(&mut p, f, v.to_string())?;
                    break;
                }
                if f.kind == FlagKind::Bool {
                    set_value(&mut p, f, "true".to_string())?;
                    continue;
                }
                let value = if !rest.is_empty() {
                    rest.to_string()
                } else {
                    let v = words
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?;
                    i += 1;
                    v.clone()
                };
                set_value(&mut p, f, value)?;
                break;
            }
        } else {
            p.args.push(w.clone());
        }
    }
    Ok(p)
}

fn set_value(p: &mut Parsed, f: &'static Flag, value: String) -> Result<(), String> {
    let name = match f.short {
        Some(s) => format!("-{s}, --{}", f.long),
        None => format!("--{}", f.long),
    };
    match f.kind {
        FlagKind::Bool if parse_bool(&value).is_none() => {
            return Err(format!(
                "invalid argument {value:?} for {name:?} flag: strconv.ParseBool: parsing {value:?}: invalid syntax"
            ))
        }
        FlagKind::Int if value.parse::<i64>().is_err() => {
            let why = if value.trim_start_matches('-').chars().all(|c| c.is_ascii_digit())
                && !value.trim_start_matches('-').is_empty()
            {
                "value out of range"
            } else {
                "invalid syntax"
            };
            return Err(format!(
                "invalid argument {value:?} for {name:?} flag: strconv.ParseInt: parsing {value:?}: {why}"
            ));
        }
        _ => {}
    }
    p.values.push((f.long, value));
    Ok(())
}

/// `Error: unknown command "x" for "kubectl"` with cobra's suggestions (Levenshtein distance
/// at most 2, or a prefix; `get` also answers to `list` and `ps`).
fn unknown_command(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut suggestions: Vec<&str> = children("")
        .map(|(name, _)| name)
        .filter(|name| *name != "options")
        .filter(|name| levenshtein(&lower, name) <= 2 || name.starts_with(&lower))
        .collect();
    if matches!(lower.as_str(), "list" | "ps") && !suggestions.contains(&"get") {
        suggestions.push("get");
    }
    let mut s = format!("Error: unknown command {word:?} for \"kubectl\"\n");
    if suggestions.is_empty() {
        s.push_str("Run 'kubectl --help' for usage.\n");
    } else {
        s.push_str("\nDid you mean this?\n");
        for name in suggestions {
            s.push_str(&format!("\t{name}\n"));
        }
        s.push('\n');
    }
    s
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Splits a command line as a POSIX shell would for plain words and '…' / "…" quoting.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => cur.extend(chars.next()),
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            words("get pods -l 'app in (a, b)'"),
            vec!["get", "pods", "-l", "app in (a, b)"]
        );
        assert_eq!(words("a \"b c\" d\\ e"), vec!["a", "b c", "d e"]);
        assert!(split_words("'open").is_err());
    }

    #[test]
    fn every_help_text_defines_its_flags() {
        let get = &flag_table()["get"];
        let output = get.iter().find(|f| f.long == "output").unwrap();
        assert_eq!((output.short, output.kind), (Some('o'), FlagKind::Str));
        let all = get.iter().find(|f| f.long == "all-namespaces").unwrap();
        assert_eq!((all.short, all.kind), (Some('A'), FlagKind::Bool));
        assert!(get
            .iter()
            .any(|f| f.long == "namespace" && f.short == Some('n')));
        let deploy = &flag_table()["create deployment"];
        let replicas = deploy.iter().find(|f| f.long == "replicas").unwrap();
        assert_eq!(
            (replicas.short, replicas.default, replicas.kind),
            (Some('r'), "1", FlagKind::Int)
        );
        let image = deploy.iter().find(|f| f.long == "image").unwrap();
        assert_eq!(image.kind, FlagKind::Slice);
        for c in COMMANDS {
            assert!(!flag_table()[c.path].is_empty(), "{}", c.path);
        }
    }

    /// The command path is found around flags, as cobra does; flags may follow arguments.
    #[test]
    fn finds_commands_and_flags_anywhere() {
        let inv = parse(&words("-n kube-system get pods -o wide --show-labels")).unwrap();
        assert_eq!(inv.command.path, "get");
        assert_eq!(inv.parsed.args, vec!["pods"]);
        assert_eq!(inv.parsed.str("namespace"), "kube-system");
        assert_eq!(inv.parsed.str("output"), "wide");
        assert!(inv.parsed.bool("show-labels"));
        let inv = parse(&words("create deploy web --image=nginx -r 3 -- sleep 10")).unwrap();
        assert_eq!(inv.command.path, "create deployment");
        assert_eq!(inv.parsed.args, vec!["web", "sleep", "10"]);
        assert_eq!(inv.parsed.dash, Some(1));
        assert_eq!(inv.parsed.int("replicas"), 3);
        let inv = parse(&words("get pods -Ao=name -L app,tier -L zone")).unwrap();
        assert!(inv.parsed.bool("all-namespaces"));
        assert_eq!(inv.parsed.str("output"), "name");
        assert_eq!(
            inv.parsed.list("label-columns"),
            vec!["app", "tier", "zone"]
        );
        let inv = parse(&words("create configmap c --from-literal=a=1,2")).unwrap();
        assert_eq!(inv.parsed.list("from-literal"), vec!["a=1,2"]);
        let inv = parse(&words("get pods -nkube-system")).unwrap();
        assert_eq!(inv.parsed.str("namespace"), "kube-system");
    }

    /// Errors as kubectl 1.32 prints them (checked against `kubectl` itself).
    #[test]
    fn errors_as_kubectl_prints_them() {
        let err = |s: &str| parse(&words(s)).err().unwrap().0;
        assert_eq!(
            err("get pods --foo"),
            "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods -x"),
            "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("get pods -o"),
            "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("scale deploy x --replicas=abc"),
            "Error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl scale --help' for usage.\n"
        );
        assert_eq!(
            err("get pods -A=maybe"),
            "Error: invalid argument \"maybe\" for \"-A, --all-namespaces\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nSee 'kubectl get --help' for usage.\n"
        );
        assert_eq!(
            err("foo"),
            "Error: unknown command \"foo\" for \"kubectl\"\n\nDid you mean this?\n\ttop\n\n"
        );
        assert_eq!(
            err("gett pods"),
            "Error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n\n"
        );
    }
}
