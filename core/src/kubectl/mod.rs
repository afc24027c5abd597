//! A kubectl emulator: the commands people know, printing what kubectl 1.32 prints.
//!
//! `run(cp, "kubectl get pods -o wide", stdin)` parses the line as kubectl does
//! ([`cmdline`]), runs the command against the control plane's public API, and returns what
//! kubectl would write on stdout and stderr with its exit code.
mod apply;
pub mod auth;
mod autoscale;
mod base64;
mod cmdline;
pub(crate) mod columns;
mod create;
mod delete;
mod describe;
mod diff;
mod discovery;
mod drain;
mod events;
pub(crate) mod explain;
mod get;
mod gosort;
mod label;
mod logs;
pub mod output;
mod patch;
mod print;
pub(crate) mod printers;
mod quantity;
mod reach;
pub(crate) mod resources;
mod rollout;
mod scale;
mod session;
mod set;
mod stream;
pub mod table;
pub mod tabwriter;
mod taint;
mod top;
mod wait;
mod waiting;
pub mod ws;

#[cfg(test)]
mod tests;

use crate::control_plane::{ControlPlane, KubectlOutput};
use crate::server::status::Status;
pub use cmdline::split_words;
use cmdline::Parsed;
pub use printers::{node_status, pod_status};
pub use rollout::status_line as rollout_status_line;
pub(crate) use session::ws;
pub use stream::KubectlStream;

/// An error as kubectl's `cmdutil.CheckErr` prints it.
#[derive(Debug, Clone)]
pub(crate) enum Error {
    /// A client-side error; printed with an `error: ` prefix unless it has one.
    Msg(String),
    /// An API error: `Error from server (Reason): message`.
    Status(Status),
    /// Several errors, one per line (`utilerrors.Aggregate`).
    Many(Vec<Error>),
    /// Exit with this code; everything was already printed.
    Exit(i32),
    /// Printed as it is (errors that do not go through `CheckErr`, e.g. cobra's via klog).
    Raw(String),
}

impl Error {
    pub(crate) fn msg(s: impl Into<String>) -> Error {
        Error::Msg(s.into())
    }

    /// The text `CheckErr` prints.
    pub(crate) fn text(&self) -> String {
        match self {
            Error::Msg(m) => {
                if m.starts_with("error: ")
                    || m.starts_with("Error from server")
                    || m.starts_with("The ")
                {
                    m.clone()
                } else {
                    format!("error: {m}")
                }
            }
            Error::Status(s) if s.reason == "Invalid" => invalid_text(s),
            Error::Status(s) => standard_message(s),
            Error::Many(errs) => {
                let flat = flatten(errs);
                match flat.as_slice() {
                    [one] => one.text(),
                    many => many
                        .iter()
                        .map(|e| match e {
                            Error::Status(s) => standard_message(s),
                            Error::Msg(m) => m.strip_prefix("error: ").unwrap_or(m).to_string(),
                            other => other.text(),
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                }
            }
            Error::Exit(_) => String::new(),
            Error::Raw(m) => m.clone(),
        }
    }
}

fn flatten(errs: &[Error]) -> Vec<Error> {
    let mut out = Vec::new();
    for e in errs {
        match e {
            Error::Many(inner) => out.extend(flatten(inner)),
            other => out.push(other.clone()),
        }
    }
    out
}

/// `StandardErrorMessage` for an API status.
pub(crate) fn standard_message(s: &Status) -> String {
    if s.reason.is_empty() {
        format!("Error from server: {}", s.message)
    } else {
        format!("Error from server ({}): {}", s.reason, s.message)
    }
}

/// `checkErr` for an `Invalid` status: `The Deployment "x" is invalid: field: message`.
fn invalid_text(s: &Status) -> String {
    let Some(d) = &s.details else {
        return if s.message.is_empty() {
            "The request is invalid".into()
        } else {
            format!("The request is invalid: {}", s.message)
        };
    };
    let head = if !d.kind.is_empty() || !d.name.is_empty() {
        format!("The {} {:?} is invalid", d.kind, d.name)
    } else if !s.message.is_empty() && d.causes.is_empty() {
        format!("The request is invalid: {}", s.message)
    } else {
        "The request is invalid".into()
    };
    match d.causes.as_slice() {
        [] => head,
        [c] => format!("{head}: {}: {}", c.field, c.message),
        causes => {
            let mut t = format!("{head}: \n");
            for c in causes {
                t.push_str(&format!("* {}: {}\n", c.field, c.message));
            }
            t
        }
    }
}

/// What a command works with: the control plane, stdin, its parsed flags, and its output.
pub(crate) struct Ctx<'a> {
    pub cp: &'a mut ControlPlane,
    pub stdin: &'a str,
    /// The command path (`get`, `create deployment`).
    pub path: &'static str,
    pub p: Parsed,
    pub out: String,
    pub err: String,
    /// What a streaming command (`get -w`, `logs -f`) keeps printing as time passes.
    pub stream: Option<stream::State>,
}

impl Ctx<'_> {
    /// The namespace: `-n`, else `default`.
    pub fn ns(&self) -> String {
        let n = self.p.str("namespace");
        if n.is_empty() {
            "default".into()
        } else {
            n
        }
    }

    /// Whether `-n` was given.
    pub fn explicit_ns(&self) -> bool {
        self.p.changed("namespace") && !self.p.str("namespace").is_empty()
    }

    /// The virtual time (ms).
    pub fn now(&self) -> i64 {
        self.cp.now_ms()
    }

    /// `Warning: …` on stderr.
    pub fn warn(&mut self, msg: &str) {
        self.err.push_str(&format!("Warning: {msg}\n"));
    }

    /// A usage error (`cmdutil.UsageErrorf`).
    pub fn usage(&self, msg: &str) -> Error {
        Error::msg(format!(
            "error: {msg}\nSee 'kubectl {} -h' for help and examples",
            self.path
        ))
    }

    /// The builder request of this command line (arguments, namespace, selectors, files).
    pub fn request(&self, allow_empty_selector: bool) -> resources::Request {
        let allow_empty_selector = allow_empty_selector
            || (self.p.bool("all") && !matches!(self.path, "delete" | "taint"));
        let opt = |name: &str| self.p.changed(name).then(|| self.p.str(name));
        resources::Request {
            args: self.p.args.clone(),
            namespace: self.ns(),
            explicit_namespace: self.explicit_ns(),
            all_namespaces: self.p.bool("all-namespaces"),
            label_selector: opt("selector"),
            field_selector: opt("field-selector"),
            // `--all` is the builder's SelectAllParam for delete and taint; elsewhere it only
            // lets a bare type select everything (`ResourceTypeOrNameArgs(all, …)`).
            select_all: self.p.bool("all") && matches!(self.path, "delete" | "taint"),
            allow_empty_selector,
            filenames: self.p.list("filename"),
            latest: true,
            validate: matches!(self.path, "apply" | "create" | "replace" | "diff")
                && !matches!(self.p.str("validate").as_str(), "false" | "ignore"),
        }
    }

    /// `--dry-run`: `none`, `client` or `server`.
    pub fn dry_run(&self) -> Result<DryRun, Error> {
        match self.p.str("dry-run").as_str() {
            "" | "none" | "false" => Ok(DryRun::None),
            "client" | "true" => Ok(DryRun::Client),
            "server" => Ok(DryRun::Server),
            other => Err(Error::msg(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ))),
        }
    }
}

/// `--dry-run` strategies (cmdutil.DryRunStrategy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// The suffix kubectl adds to operation messages: ` (dry run)`, ` (server dry run)`.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// A client-side failure (exit code 1); a newline is added when missing.
pub(crate) fn fail(mut stderr: String) -> KubectlOutput {
    if !stderr.ends_with('\n') {
        stderr.push('\n');
    }
    failure(stderr, 1)
}

/// Success with `stdout`.
pub(crate) fn out(stdout: String) -> KubectlOutput {
    success(stdout)
}

/// An API error as kubectl prints it, exit code 1.
pub(crate) fn server_error(s: &Status) -> KubectlOutput {
    fail(Error::Status(s.clone()).text())
}

/// Runs one kubectl command line (`kubectl get pods -o wide`; the leading `kubectl` is optional)
/// in kubectl's current workspace. A streaming command (`get -w`, `logs -f`) prints what there
/// is now and returns, as if interrupted at once; [`start`] keeps following it.
pub fn run(cp: &mut ControlPlane, line: &str, stdin: &str) -> KubectlOutput {
    start(cp, line, stdin).0
}

/// Runs a command line like [`run`]; for a streaming command (`get -w`, `get --watch-only`,
/// `logs -f`) also the stream that prints what happens next ([`KubectlStream::poll`],
/// [`KubectlStream::advance`]).
pub fn start(
    cp: &mut ControlPlane,
    line: &str,
    stdin: &str,
) -> (KubectlOutput, Option<KubectlStream>) {
    let words = match split_words(line) {
        Ok(w) => w,
        Err(e) => return (failure(format!("error: {e}\n"), 1), None),
    };
    let mut words: Vec<String> = match words.first().map(String::as_str) {
        Some("kubectl") | Some("k") => words[1..].to_vec(),
        _ => words,
    };
    // `--as`/`--as-group`: the rest of the command runs as that user (impersonation).
    let previous = cp.user().clone();
    let (out, state) = match session::impersonation(cp, &mut words) {
        Ok(Some(user)) => {
            cp.set_user(user);
            run_words(cp, &words, stdin)
        }
        Ok(None) => run_words(cp, &words, stdin),
        Err(e) => (e, None),
    };
    let stream = state.map(|s| KubectlStream::new(s, cp.user().clone(), ws(cp)));
    cp.set_user(previous);
    (out, stream)
}

fn run_words(
    cp: &mut ControlPlane,
    words: &[String],
    stdin: &str,
) -> (KubectlOutput, Option<stream::State>) {
    let mut stream = None;
    let out = run_command(cp, words, stdin, &mut stream);
    // A command that failed streams nothing.
    let stream = stream.filter(|_| out.exit_code == 0);
    (out, stream)
}

fn run_command(
    cp: &mut ControlPlane,
    words: &[String],
    stdin: &str,
    stream: &mut Option<stream::State>,
) -> KubectlOutput {
    // KCP's `kubectl ws` plugin and `kubectl auth`.
    match words.first().map(String::as_str) {
        Some("ws") | Some("workspace") => return ws::ws(cp, &words[1..]),
        Some("auth") => return session::auth(cp, &words[1..]),
        _ => {}
    }
    // kplane's own commands (a kubectl plugin by its name).
    if words.first().map(String::as_str) == Some("sim") {
        return top::sim(cp, &words[1..]);
    }
    // `kubectl help [command]`.
    if words.first().map(String::as_str) == Some("help") {
        let path = words[1..].join(" ");
        return match cmdline::command(&path).or_else(|| cmdline::command(&resolve_alias(&path))) {
            Some(c) => success(c.help.to_string()),
            None => failure(format!("Unknown help topic [`{path}`]\n"), 1),
        };
    }
    let inv = match cmdline::parse(words) {
        Ok(i) => i,
        Err(e) => return failure(e.0, 1),
    };
    if inv.parsed.bool("help") || inv.command.path.is_empty() || inv.command.path == "options" {
        return success(inv.command.help.to_string());
    }
    let mut ctx = Ctx {
        cp,
        stdin,
        path: inv.command.path,
        p: inv.parsed,
        out: String::new(),
        err: String::new(),
        stream: None,
    };
    let result = dispatch(&mut ctx);
    *stream = ctx.stream.take();
    let code = match result {
        Ok(()) => 0,
        Err(Error::Exit(code)) => code,
        Err(e) => {
            let mut t = e.text();
            if !t.ends_with('\n') {
                t.push('\n');
            }
            ctx.err.push_str(&t);
            1
        }
    };
    KubectlOutput {
        stdout: ctx.out,
        stderr: ctx.err,
        exit_code: code,
    }
}

/// The command path for an alias path (`help create deploy`).
fn resolve_alias(path: &str) -> String {
    match cmdline::parse(&split_words(path).unwrap_or_default()) {
        Ok(inv) => inv.command.path.to_string(),
        Err(_) => path.to_string(),
    }
}

fn success(stdout: String) -> KubectlOutput {
    KubectlOutput {
        stdout,
        stderr: String::new(),
        exit_code: 0,
    }
}

fn failure(stderr: String, code: i32) -> KubectlOutput {
    KubectlOutput {
        stdout: String::new(),
        stderr,
        exit_code: code,
    }
}

/// Warns about ambiguous short names in the type arguments of the commands that resolve them.
fn shortcut_warnings(ctx: &mut Ctx<'_>) {
    const MAPPED: &[&str] = &[
        "get",
        "describe",
        "delete",
        "label",
        "annotate",
        "scale",
        "autoscale",
        "patch",
        "explain",
        "wait",
        "set image",
        "set env",
        "set resources",
    ];
    if !MAPPED.contains(&ctx.path) && !ctx.path.starts_with("rollout ") {
        return;
    }
    let Some(first) = ctx.p.args.first().cloned() else {
        return;
    };
    let types: Vec<String> = if ctx.path == "explain" {
        vec![first.split('.').next().unwrap_or("").to_string()]
    } else if first.contains('/') {
        ctx.p
            .args
            .iter()
            .filter_map(|a| a.split_once('/').map(|(t, _)| t.to_string()))
            .collect()
    } else {
        first.split(',').map(String::from).collect()
    };
    let mut done: Vec<String> = Vec::new();
    for t in types {
        if done.contains(&t) {
            continue;
        }
        for w in resources::shortcut_warnings(&t) {
            ctx.warn(&w);
        }
        done.push(t);
    }
}

fn dispatch(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    shortcut_warnings(ctx);
    match ctx.path {
        // Parent commands without a subcommand print their help (cobra's behaviour).
        "set" | "rollout" | "top" | "config" | "create service" | "create secret" => {
            unreachable_parent(ctx)
        }
        "get" => get::get(ctx),
        "describe" => describe::describe(ctx),
        "apply" => apply::apply(ctx),
        "create" => apply::create(ctx),
        "replace" => apply::replace(ctx),
        "delete" => delete::delete(ctx),
        "patch" => patch::patch(ctx),
        "label" | "annotate" => label::label(ctx),
        "taint" => taint::taint(ctx),
        "scale" => scale::scale(ctx),
        "autoscale" => autoscale::autoscale(ctx),
        "set image" | "set env" | "set resources" => set::set(ctx),
        "run" => create::run(ctx),
        "expose" => create::expose(ctx),
        p if p.starts_with("create ") => create::generate(ctx),
        "api-resources" => discovery::api_resources(ctx),
        "api-versions" => discovery::api_versions(ctx),
        "version" => discovery::version(ctx),
        "config current-context" | "config get-contexts" => discovery::config(ctx),
        "explain" => explain::explain(ctx),
        "events" => events::events(ctx),
        "logs" => logs::logs(ctx),
        "diff" => diff::diff(ctx),
        "wait" => wait::wait(ctx),
        p if p.starts_with("rollout ") => rollout::rollout(ctx),
        "drain" => drain::drain(ctx),
        "cordon" | "uncordon" => drain::cordon(ctx),
        "top pod" | "top node" => top::top(ctx),
        other => Err(Error::msg(format!("error: unknown command \"{other}\""))),
    }
}

fn unreachable_parent(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if let Some(first) = ctx.p.args.first() {
        return Err(Error::msg(format!(
            "error: unknown command \"{first}\"\nSee 'kubectl {} -h' for help and examples",
            ctx.path
        )));
    }
    // cobra prints the help of a command that cannot run and exits 1 (`rollout` on stdout).
    if let Some(c) = cmdline::command(ctx.path) {
        if ctx.path == "rollout" {
            ctx.out.push_str(c.help);
        } else {
            ctx.err.push_str(c.help);
        }
    }
    Err(Error::Exit(1))
}
