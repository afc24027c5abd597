//! The page's handle on the worker: starts it, queues commands until it says Ready, hands
//! its reports to the page and notices when it dies (a WebAssembly trap, out of memory).
use crate::protocol::{self, Command, Report};
use crate::worker::Inbound;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::Callback;

/// The worker script Trunk writes next to the page (relative: works under any sub-path).
pub const WORKER_URL: &str = "./kplane-worker_loader.js";

pub struct Client {
    worker: Worker,
    ready: bool,
    waiting: Vec<String>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(ErrorEvent)>,
}

impl Client {
    /// Starts a worker; `on_report` gets its reports, `on_error` the message of an
    /// uncaught error (a trap kills the instance: the page must start a new worker).
    pub fn spawn(
        on_report: Callback<Report>,
        on_error: Callback<String>,
    ) -> Result<Client, String> {
        let worker = Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(r) = e
                .data()
                .as_string()
                .and_then(|t| protocol::decode::<Report>(&t))
            {
                on_report.emit(r);
            }
        });
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            let message = e.message();
            on_error.emit(if message.is_empty() {
                "the worker stopped".to_string()
            } else {
                message
            });
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            ready: false,
            waiting: Vec::new(),
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }

    /// The worker said Ready: send what waited.
    pub fn set_ready(&mut self) {
        self.ready = true;
        for m in self.waiting.drain(..) {
            let _ = self.worker.post_message(&JsValue::from_str(&m));
        }
    }

    pub fn send(&mut self, command: Command) {
        self.post(Inbound::Run(command));
    }

    pub fn cancel(&mut self) {
        self.post(Inbound::Cancel);
    }

    /// Makes the worker trap (for the browser tests of the recovery).
    pub fn trap(&mut self) {
        self.post(Inbound::Trap);
    }

    fn post(&mut self, message: Inbound) {
        let text = protocol::encode(&message);
        if self.ready {
            let _ = self.worker.post_message(&JsValue::from_str(&text));
        } else {
            self.waiting.push(text);
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
