//! The kplane playground: a Yew page (`main.rs`) and a Web Worker (`bin/worker.rs`) that
//! runs the control plane on a virtual clock. The page never calls the core: it sends
//! commands to the worker and draws the compact updates it gets back (see [`protocol`]).
//!
//! Worker side: [`session`] (the control plane, its timeline and diffs), [`history`],
//! [`apply`], [`inspect`], [`fleet`] (cloud and Karpenter on node cards), [`workloads`], [`workspaces`] (the tree), [`series`] (samplers),
//! [`limits`].
//! Page side: [`app`] (the component), [`client`] (the worker's handle), [`view`],
//! [`panels`], [`why`], [`editor`], [`chart`], [`share`] (links), [`console`].
//! [`protocol`] says how to add a view.

pub mod app;
pub mod apply;
pub mod chart;
pub mod client;
pub mod console;
pub mod editor;
pub mod fleet;
pub mod format;
pub mod history;
pub mod inspect;
pub mod limits;
pub mod lines;
pub mod panels;
pub mod protocol;
pub mod scenario;
pub mod series;
pub mod session;
pub mod share;
pub mod splitter;
pub mod view;
pub mod why;
pub mod worker;
pub mod workloads;
pub mod workspaces;

/// The seed of a new cluster (names, UIDs, tie-breaks): fixed, so a scenario replays the
/// same way every time.
pub const SEED: u64 = 1;
