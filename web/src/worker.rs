//! The Web Worker's side of the messaging: takes commands from the page, runs them on the
//! [`Session`] and posts the reports back. Long work runs in slices (one op each) with a
//! return to the event loop every [`SLICE_MS`], so a Cancel from the page is read between two
//! slices; progress is posted every [`PROGRESS_MS`]. A panic posts [`Report::Crashed`] first
//! (the instance then traps; the page restarts the worker from the last good state).
use crate::protocol::{self, Command, Report};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Inbound {
    Run(Command),
    /// Stop the long work under way.
    Cancel,
    /// Trap the instance, as a bug would (`unreachable`): lets the browser tests check that
    /// the page catches it and restarts the worker (`kplaneTrapWorker()` on the page).
    Trap,
}

/// Real milliseconds of work before returning to the event loop.
const SLICE_MS: f64 = 40.0;
/// Real milliseconds between two progress updates during long work.
const PROGRESS_MS: f64 = 250.0;
/// Real milliseconds between two checkpoints sent to the page (a snapshot each).
const CHECKPOINT_MS: f64 = 2_000.0;

struct State {
    session: Session,
    queue: VecDeque<Command>,
    scheduled: bool,
    last_progress: f64,
    last_checkpoint: f64,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(report: &Report) {
    let _ = scope().post_message(&JsValue::from_str(&protocol::encode(report)));
}

/// Starts the worker: installs the message handler and says Ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| post(&Report::Crashed(info.to_string()))));
    let session = match Session::new(crate::SEED) {
        Ok(s) => s,
        Err(status) => {
            post(&Report::Crashed(status.message));
            return;
        }
    };
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            session,
            queue: VecDeque::new(),
            scheduled: false,
            last_progress: 0.0,
            last_checkpoint: 0.0,
        })
    });
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let Some(message) = e
            .data()
            .as_string()
            .and_then(|t| protocol::decode::<Inbound>(&t))
        else {
            return;
        };
        let reports = STATE.with(|s| {
            let mut s = s.borrow_mut();
            let st = s.as_mut()?;
            match message {
                Inbound::Run(c) => {
                    st.queue.push_back(c);
                    None
                }
                Inbound::Cancel => Some(st.session.cancel()),
                Inbound::Trap => trap(),
            }
        });
        for r in reports.unwrap_or_default() {
            post(&r);
        }
        schedule();
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&Report::Ready);
}

#[cfg(target_arch = "wasm32")]
fn trap() -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(not(target_arch = "wasm32"))]
fn trap() -> ! {
    std::process::abort()
}

fn schedule() {
    let already = STATE.with(|s| {
        s.borrow_mut()
            .as_mut()
            .map(|st| std::mem::replace(&mut st.scheduled, true))
            .unwrap_or(true)
    });
    if !already {
        gloo::timers::callback::Timeout::new(0, pump).forget();
    }
}

/// Runs work until a slice's time is up or nothing is left.
fn pump() {
    let started = js_sys::Date::now();
    STATE.with(|s| {
        if let Some(st) = s.borrow_mut().as_mut() {
            st.scheduled = false;
        }
    });
    loop {
        let step = STATE.with(|s| {
            let mut s = s.borrow_mut();
            let st = s.as_mut()?;
            if st.session.busy() {
                let mut out = st.session.work();
                let now = js_sys::Date::now();
                if st.session.busy() && now - st.last_progress > PROGRESS_MS {
                    st.last_progress = now;
                    out.push(st.session.progress());
                }
                return Some(out);
            }
            let command = st.queue.pop_front()?;
            post(&Report::Busy {
                label: Session::label(&command),
            });
            st.last_progress = js_sys::Date::now();
            let mut out = st.session.handle(command);
            let now = js_sys::Date::now();
            if !st.session.busy() && now - st.last_checkpoint > CHECKPOINT_MS {
                if let Some(c) = st.session.checkpoint() {
                    st.last_checkpoint = now;
                    out.push(c);
                }
            }
            Some(out)
        });
        let Some(reports) = step else {
            return;
        };
        for r in &reports {
            post(r);
        }
        if js_sys::Date::now() - started > SLICE_MS {
            schedule();
            return;
        }
    }
}
