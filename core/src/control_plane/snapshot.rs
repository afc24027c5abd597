//! Snapshots: the whole control plane as one versioned JSON document (`etcdctl snapshot
//! save`), and a restore that continues exactly as the original would.
use super::ControlPlane;
use crate::runtime::SavedRequeues;
use crate::scheduler;
use crate::server::status::Status;
use crate::server::{EventExpiry, Server};
use crate::sim::{Clock, Rng, Timers};
use crate::store::{Store, StoreSnapshot};
use serde::{Deserialize, Serialize};

/// The snapshot document's format version.
const SNAPSHOT_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    kind: String,
    version: u32,
    now: String,
    now_ms: i64,
    rng: Rng,
    timers: Vec<i64>,
    scheduler: scheduler::State,
    #[serde(default)]
    requeues: SavedRequeues,
    #[serde(default)]
    event_expiry: Vec<(i64, crate::store::Key)>,
    store: StoreSnapshot,
}

impl ControlPlane {
    /// The whole control plane as one versioned JSON document, like `etcdctl snapshot save`.
    /// 64-bit values are written as strings, so the document survives any JSON round trip.
    pub fn snapshot(&self) -> String {
        let s = Snapshot {
            kind: "KplaneSnapshot".into(),
            version: SNAPSHOT_VERSION,
            now: self.now(),
            now_ms: self.server.clock.now_ms(),
            rng: self.server.rng.clone(),
            timers: self.server.timers.all(),
            scheduler: self.scheduler_state().clone(),
            requeues: self.runtime.save(self.server.clock.now_ms()),
            event_expiry: self.server.event_expiry().all(),
            store: self.server.store.snapshot(),
        };
        serde_json::to_string(&s).unwrap_or_default()
    }

    /// Restores a snapshot; the restored control plane continues exactly as the original
    /// would. A document that is not a consistent snapshot is a 400, never a panic.
    pub fn restore(snapshot: &str) -> Result<ControlPlane, Status> {
        let s: Snapshot = serde_json::from_str(snapshot)
            .map_err(|e| Status::bad_request(format!("invalid snapshot: {e}")))?;
        if s.kind != "KplaneSnapshot" || s.version != SNAPSHOT_VERSION {
            return Err(Status::bad_request(format!(
                "unsupported snapshot: kind {:?} version {} (expected KplaneSnapshot version {SNAPSHOT_VERSION})",
                s.kind, s.version
            )));
        }
        if !(crate::sim::clock::MIN_MS..=crate::sim::clock::MAX_MS).contains(&s.now_ms) {
            return Err(Status::bad_request(format!(
                "invalid snapshot: time {} ms is out of range",
                s.now_ms
            )));
        }
        let store = Store::restore(s.store)
            .map_err(|e| Status::bad_request(format!("invalid snapshot: {e}")))?;
        check_workspaces(&store)?;
        let mut timers = Timers::default();
        for t in s.timers.into_iter().filter(|t| *t > s.now_ms) {
            timers.wake_at(t);
        }
        let server = Server::from_parts(
            store,
            Clock::at(s.now_ms),
            s.rng,
            timers,
            EventExpiry::from_all(s.event_expiry),
        );
        // Snapshots are taken at rest: every loop had seen every write.
        let seen = server.store.revision();
        let mut cp = ControlPlane::with_server(server, s.scheduler, seen);
        cp.runtime.load(s.requeues);
        Ok(cp)
    }
}

/// Every object of a snapshot lives in a workspace that exists: `root`, or a valid path whose
/// LogicalCluster and Workspace (in the parent) are in the snapshot. A document that puts objects anywhere else (a crafted
/// path, a workspace it does not create) is refused.
fn check_workspaces(store: &Store) -> Result<(), Status> {
    for w in store.workspaces() {
        if &**w == crate::server::ROOT {
            continue;
        }
        if let Err(e) = crate::tenancy::WorkspacePath::parse_rooted(w) {
            return Err(Status::bad_request(format!(
                "invalid snapshot: objects in workspace {w:?}: {}",
                e.message
            )));
        }
        if store
            .get(&crate::server::workspaces::logical_cluster_key(w))
            .is_none()
        {
            return Err(Status::bad_request(format!(
                "invalid snapshot: objects in workspace {w:?}, which has no LogicalCluster"
            )));
        }
        // A path exists only through Workspace nesting: its Workspace is in the parent.
        let made =
            crate::server::workspaces::workspace_key(w).is_some_and(|k| store.get(&k).is_some());
        if !made {
            return Err(Status::bad_request(format!(
                "invalid snapshot: objects in workspace {w:?}, which no Workspace in its parent makes"
            )));
        }
    }
    Ok(())
}
