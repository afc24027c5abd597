//! Commands that keep printing as virtual time passes: `get -w`/`--watch`, `get --watch-only`
//! (get.go `watch`) and `logs -f` (logs.go with `Follow`).
//!
//! kubectl prints such a command's output as the server streams it, until interrupted. kplane
//! prints what is there when the command runs ([`super::run`] stops there), and a
//! [`KubectlStream`] prints the rest: [`KubectlStream::poll`] what happened since the last call
//! (a caller that moves the clock itself, like the playground), [`KubectlStream::advance`]
//! while moving virtual time, each change at the instant it happens.
//!
//! `get -w` prints through one tab writer that remembers its column widths across flushes
//! (kubectl's `RememberWidths`): the list, then each watch event as one row (the header when
//! the first row is printed). A watch of one named object skips the watch's first (synthetic)
//! `ADDED` event, as kubectl does. `logs -f` prints the new lines of each followed container
//! until its run ends.
use super::get::{table_cells, TableOptions};
use super::logs::{self, Target};
use super::output::custom_columns;
use super::print::{self, Format};
use super::resources::{self, Info};
use super::tabwriter::TableWriter;
use super::waiting::Watcher;
use super::{Ctx, Error};
use crate::api::{object, KindInfo, Value};
use crate::control_plane::{ControlPlane, KubectlOutput, LogOptions, WatchOptions};
use crate::server::rbac::UserInfo;
use crate::server::status::Status;

/// What a streaming command needs to go on printing.
pub(crate) enum State {
    Watch(Box<GetWatch>),
    Follow(LogFollow),
}

/// A kubectl command that goes on printing as virtual time passes (see the module docs).
pub struct KubectlStream {
    state: State,
    /// Who ran the command (`--as`): the stream reads as them.
    user: UserInfo,
    /// The workspace the command ran in.
    workspace: String,
    done: bool,
}

impl std::fmt::Debug for KubectlStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubectlStream")
            .field("workspace", &self.workspace)
            .field("done", &self.done)
            .finish()
    }
}

impl KubectlStream {
    pub(crate) fn new(state: State, user: UserInfo, workspace: String) -> KubectlStream {
        KubectlStream {
            state,
            user,
            workspace,
            done: false,
        }
    }

    /// Whether the stream has ended (every followed container stopped, or an error); a watch
    /// goes on until dropped.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// What the command printed since the last call, without moving the clock.
    pub fn poll(&mut self, cp: &mut ControlPlane) -> KubectlOutput {
        let mut out = KubectlOutput {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 0,
        };
        if self.done {
            return out;
        }
        let previous = cp.user().clone();
        cp.set_user(self.user.clone());
        let result = match &mut self.state {
            State::Watch(w) => w.poll(cp, &self.workspace, &mut out.stdout),
            State::Follow(f) => f.poll(cp, &self.workspace, &mut out.stdout),
        };
        cp.set_user(previous);
        match result {
            Ok(true) => {}
            Ok(false) => self.done = true,
            Err(e) => {
                self.done = true;
                let mut t = e.text();
                if !t.ends_with('\n') {
                    t.push('\n');
                }
                out.stderr.push_str(&t);
                out.exit_code = 1;
            }
        }
        out
    }

    /// Moves virtual time forward by `seconds` (as [`ControlPlane::advance`]), printing each
    /// change at the instant it happens; stops early when the stream ends.
    pub fn advance(
        &mut self,
        cp: &mut ControlPlane,
        seconds: f64,
    ) -> Result<KubectlOutput, Status> {
        let until = cp.instant_after(seconds)?;
        // One call: the steps share one work budget.
        cp.within_budget(|cp| {
            let mut all = self.poll(cp);
            while !self.done && cp.now_ms() < until {
                let next = cp.next_wake_up(until).unwrap_or(until);
                cp.advance((next - cp.now_ms()) as f64 / 1000.0)?;
                let more = self.poll(cp);
                all.stdout.push_str(&more.stdout);
                all.stderr.push_str(&more.stderr);
                all.exit_code = all.exit_code.max(more.exit_code);
            }
            Ok(all)
        })
    }
}

/// `get --watch`: the watch, the printer and what it printed so far.
pub(crate) struct GetWatch {
    kind: &'static KindInfo,
    watcher: Watcher,
    fmt: Format,
    wide: bool,
    with_ns: bool,
    no_headers: bool,
    label_columns: Vec<String>,
    show_labels: bool,
    /// `--output-watch-events`.
    events: bool,
    writer: TableWriter,
    printed_headers: bool,
    /// Objects printed so far (YAML separates documents with `---`).
    printed: usize,
    /// A watch of one object: its first (synthetic `ADDED`) event is not printed.
    skip_first: bool,
}

impl GetWatch {
    /// Prints one object (or watch event) as the printer kubectl's watch builds does.
    fn print(
        &mut self,
        cp: &ControlPlane,
        obj: &Value,
        event: &str,
        out: &mut String,
    ) -> Result<(), Error> {
        match &self.fmt {
            Format::Default | Format::Wide => {
                let info = Info {
                    kind: self.kind,
                    namespace: object::namespace(obj).to_string(),
                    name: object::name(obj).to_string(),
                    object: obj.clone(),
                    source: None,
                };
                let opts = TableOptions {
                    wide: self.wide,
                    with_kind: false,
                    with_ns: self.with_ns,
                    no_headers: self.no_headers || self.printed_headers,
                    label_columns: &self.label_columns,
                    show_labels: self.show_labels,
                    now: cp.now_ms(),
                };
                let label = self.events.then(|| event_column(event));
                let text = table_cells(
                    self.kind,
                    &[&info],
                    &opts,
                    super::columns::custom(cp, self.kind),
                    label,
                );
                self.printed_headers = true;
                out.push_str(&self.writer.flush(&text));
            }
            Format::CustomColumns(spec) => {
                let cols = custom_columns::parse(spec).map_err(Error::msg)?;
                let no_headers = self.no_headers || self.printed_headers;
                let text = custom_columns::rows(&cols, std::slice::from_ref(obj), no_headers)
                    .map_err(Error::msg)?;
                self.printed_headers = true;
                out.push_str(&self.writer.flush(&text));
            }
            fmt => {
                let mut o = obj.clone();
                print::strip_managed(&mut o);
                if self.events {
                    o = crate::json!({"type": event, "object": o});
                }
                if matches!(fmt, Format::Yaml) && self.printed > 0 {
                    out.push_str("---\n");
                }
                out.push_str(&print::render(fmt, &o, true)?);
            }
        }
        self.printed += 1;
        Ok(())
    }

    /// Prints the events since the last poll; the watch never ends by itself.
    fn poll(
        &mut self,
        cp: &ControlPlane,
        _workspace: &str,
        out: &mut String,
    ) -> Result<bool, Error> {
        let events = self.watcher.poll(cp)?;
        for e in events {
            if std::mem::take(&mut self.skip_first) && e.kind == "ADDED" {
                continue;
            }
            if e.kind == "BOOKMARK" {
                continue;
            }
            self.print(cp, &e.object, &e.kind, out)?;
        }
        Ok(true)
    }
}

/// `formatEventType`: the EVENT column, padded to eight characters.
fn event_column(event: &str) -> &str {
    match event {
        "ADDED" => "ADDED   ",
        "MODIFIED" => "MODIFIED",
        "DELETED" => "DELETED ",
        "ERROR" => "ERROR   ",
        other => other,
    }
}

/// `kubectl get --watch|--watch-only` (get.go `watch`): prints the current objects (not with
/// `--watch-only`) and leaves the watch in `ctx.stream`.
pub(super) fn watch_get(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let watch_only = ctx.p.bool("watch-only");
    if !ctx.p.str("sort-by").is_empty() {
        ctx.err.push_str(if watch_only {
            "warning: --watch-only requested, --sort-by will be ignored\n"
        } else {
            "warning: --watch requested, --sort-by will be ignored for watch events received\n"
        });
    }
    let fmt = print::format(ctx, true)?;
    if let Format::CustomColumns(spec) = &fmt {
        custom_columns::parse(spec).map_err(Error::msg)?;
    }
    let req = ctx.request(true);
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if !found.errors.is_empty() {
        return Err(Error::Many(found.errors));
    }
    let kind = match found.infos.first() {
        Some(i) => i.kind,
        None => {
            let first = req.args.first().map(String::as_str).unwrap_or("");
            let ty = first.split(['/', ',']).next().unwrap_or("");
            resources::resolve_type_in(ctx.cp, ty)?
        }
    };
    let several_types = found.infos.iter().any(|i| !std::ptr::eq(i.kind, kind))
        || req
            .args
            .first()
            .is_some_and(|a| a.contains(',') || a == "all");
    if several_types {
        return Err(Error::msg("error: watch is only supported on individual resources and resource collections - more than 1 resource was found"));
    }
    let named: Vec<&Info> = if found.single_item_implied || req.args.len() > 1 {
        found.infos.iter().collect()
    } else {
        Vec::new()
    };
    let ws = super::ws(ctx.cp);
    let mut options = WatchOptions {
        api_version: Some(kind.api_version()),
        kind: Some(kind.kind.to_string()),
        namespace: (kind.namespaced && !req.all_namespaces).then(|| ctx.ns()),
        label_selector: req.label_selector.clone(),
        field_selector: req.field_selector.clone(),
        resource_version: None,
    };
    let single = named.len() == 1;
    if single {
        options.field_selector = Some(format!("metadata.name={}", named[0].name));
    } else {
        // A list's watch starts at the list's revision and sends no initial events.
        options.resource_version = Some(ctx.cp.server().store.revision().to_string());
    }
    let mut w = GetWatch {
        kind,
        watcher: Watcher::new(ws, options),
        wide: matches!(fmt, Format::Wide),
        fmt,
        with_ns: ctx.p.bool("all-namespaces") && kind.namespaced,
        no_headers: ctx.p.bool("no-headers"),
        label_columns: ctx.p.list("label-columns"),
        show_labels: ctx.p.bool("show-labels"),
        events: ctx.p.bool("output-watch-events"),
        writer: TableWriter::default(),
        printed_headers: false,
        printed: 0,
        skip_first: single,
    };
    if !watch_only {
        let cp: &ControlPlane = ctx.cp;
        for info in &found.infos {
            let mut o = info.object.clone();
            if !ctx.p.bool("show-managed-fields") {
                print::strip_managed(&mut o);
            }
            w.print(cp, &o, "ADDED", &mut ctx.out)?;
        }
    }
    if named.len() > 1 {
        return Err(Error::msg(
            "error: you may only watch a single resource or type of resource at a time",
        ));
    }
    ctx.stream = Some(State::Watch(Box::new(w)));
    Ok(())
}

/// `logs -f`: each followed container's run and how many of its lines were printed.
pub(crate) struct LogFollow {
    targets: Vec<Followed>,
    options: LogOptions,
}

struct Followed {
    target: Target,
    /// The run being followed (its container ID).
    container_id: String,
    printed: usize,
    done: bool,
}

impl LogFollow {
    /// Prints the new lines of every followed run; `false` once every run has ended.
    fn poll(
        &mut self,
        cp: &ControlPlane,
        workspace: &str,
        out: &mut String,
    ) -> Result<bool, Error> {
        for f in self.targets.iter_mut().filter(|f| !f.done) {
            let mut o = LogOptions {
                container: Some(f.target.container.clone()),
                timestamps: self.options.timestamps,
                ..Default::default()
            };
            let mut run = cp.log_lines(workspace, &f.target.namespace, &f.target.pod, &o);
            if run
                .as_ref()
                .is_ok_and(|(r, _)| r.container_id != f.container_id)
            {
                // Restarted: the followed run is now the previous one.
                o.previous = true;
                run = cp.log_lines(workspace, &f.target.namespace, &f.target.pod, &o);
            }
            let Some((r, query)) = run.ok().filter(|(r, _)| r.container_id == f.container_id)
            else {
                // The pod or the run is gone: kubectl's stream ends with it.
                f.done = true;
                continue;
            };
            let new = r.lines.get(f.printed..).unwrap_or(&[]);
            out.push_str(&logs::prefixed(
                &crate::kubelet::logs::text(new, &query),
                &f.target.prefix,
            ));
            f.printed = r.lines.len();
            if !r.running {
                f.done = true;
            }
        }
        Ok(self.targets.iter().any(|f| !f.done))
    }
}

/// Starts following the targets `logs -f` printed: from the end of each run's full log.
pub(super) fn follow_logs(ctx: &mut Ctx<'_>, targets: &[Target], options: &LogOptions) {
    let ws = super::ws(ctx.cp);
    let mut followed = Vec::new();
    for t in targets {
        let o = LogOptions {
            container: Some(t.container.clone()),
            previous: options.previous,
            ..Default::default()
        };
        let Ok((r, _)) = ctx.cp.log_lines(&ws, &t.namespace, &t.pod, &o) else {
            continue;
        };
        // `--previous` reads a run that has ended: nothing more comes.
        if options.previous || !r.running {
            continue;
        }
        followed.push(Followed {
            target: t.clone(),
            container_id: r.container_id,
            printed: r.lines.len(),
            done: false,
        });
    }
    if !followed.is_empty() {
        ctx.stream = Some(State::Follow(LogFollow {
            targets: followed,
            options: options.clone(),
        }));
    }
}
