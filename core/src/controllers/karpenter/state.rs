//! What Karpenter keeps in memory between passes (upstream: `state.Cluster`, the
//! provisioner's `Batcher`, the disruption `Queue`, the events `Recorder`'s dedupe cache),
//! made serializable so that snapshots carry it and a restored control plane continues
//! exactly as the original would.
use crate::api::Value;
use crate::server::{EventType, Server};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `--batch-idle-duration` (1 s).
pub const BATCH_IDLE_MS: i64 = 1_000;
/// `--batch-max-duration` (10 s).
pub const BATCH_MAX_MS: i64 = 10_000;
/// `nominationWindow`: `max(2 × batch max, 10 s)`.
pub const NOMINATION_WINDOW_MS: i64 = 20_000;
/// The events recorder's default dedupe timeout (`pkg/events/recorder.go`: 2 minutes).
pub const EVENT_DEDUPE_MS: i64 = 120_000;
/// The component Karpenter's Events come from.
pub const COMPONENT: &str = "karpenter";

/// The provisioner's batch (`Batcher`): open from the first trigger until 1 s passes without
/// a new one, or 10 s in all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Batch {
    /// When the batch opened (None: no batch).
    pub start_ms: Option<i64>,
    /// The latest new trigger.
    pub last_ms: i64,
    /// The UIDs that triggered it (a repeated trigger does not extend the idle window).
    pub elems: BTreeSet<String>,
}

impl Batch {
    /// When the batch closes, if one is open.
    pub fn due(&self) -> Option<i64> {
        let start = self.start_ms?;
        Some((start + BATCH_MAX_MS).min(self.last_ms + BATCH_IDLE_MS))
    }
}

/// A node a disruption command acts on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CandidateRef {
    /// The Node.
    pub node: String,
    /// Its NodeClaim.
    pub claim: String,
    /// The NodeClaim's provider ID.
    pub provider_id: String,
    /// Its NodePool.
    pub nodepool: String,
}

/// A replacement NodeClaim to launch (a `scheduling.NodeClaim` reduced to what creating it
/// needs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplacementSpec {
    /// Its NodePool.
    pub nodepool: String,
    /// `spec.requirements` as written (node selector requirements with minValues).
    pub requirements: Value,
    /// The instance type options, cheapest first.
    pub instance_types: Vec<String>,
    /// `spec.resources.requests`.
    pub requests: Value,
    /// The NodeClaim's name once created.
    pub name: Option<String>,
    /// Its `Initialized` condition was seen True.
    pub initialized: bool,
}

/// A disruption command (`disruption.Command`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Command {
    /// A unique ID.
    pub id: String,
    /// `Empty`, `Drifted` or `Underutilized`.
    pub reason: String,
    /// `emptiness`, `drift`, `multi-node` or `single-node`.
    pub method: String,
    /// The nodes to remove.
    pub candidates: Vec<CandidateRef>,
    /// The nodes to launch first.
    pub replacements: Vec<ReplacementSpec>,
    /// When it was computed.
    pub created_ms: i64,
    /// When the 15 s validation ends (before then it is only proposed).
    pub validate_at_ms: i64,
    /// When it started executing (candidates tainted, replacements created).
    pub started_ms: Option<i64>,
    /// `EstimatedSavings` in $/hour.
    pub savings: f64,
}

impl Command {
    /// `Decision`: `delete`, `replace` (or `no-op`).
    pub fn decision(&self) -> &'static str {
        match (self.candidates.is_empty(), self.replacements.is_empty()) {
            (false, true) => "delete",
            (false, false) => "replace",
            _ => "no-op",
        }
    }

    /// `Command.String` without the ID: `delete: [a, b]` or `replace: [a] -> [1 replacement]`.
    pub fn summary(&self) -> String {
        let sources: Vec<&str> = self.candidates.iter().map(|c| c.node.as_str()).collect();
        let sources = sources.join(", ");
        match self.replacements.len() {
            0 => format!("{}: [{sources}]", self.decision()),
            1 => format!("{}: [{sources}] -> [1 replacement]", self.decision()),
            n => format!("{}: [{sources}] -> [{n} replacements]", self.decision()),
        }
    }

    /// `StringForNode`: the summary, or `decision: [node] (part of n-node consolidation)`.
    pub fn summary_for(&self, node: &str) -> String {
        if self.candidates.len() == 1 {
            self.summary()
        } else {
            format!(
                "{}: [{node}] (part of {}-node consolidation)",
                self.decision(),
                self.candidates.len()
            )
        }
    }
}

/// The latest disruption verdict about one node, for `explain`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Verdict {
    /// When.
    pub at_ms: i64,
    /// The Event reason (`Unconsolidatable`, `DisruptionBlocked`, `ConsolidationCandidate`, …).
    pub reason: String,
    /// The Event message.
    pub message: String,
}

/// The disruption controller's memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Disruption {
    /// When the methods last ran.
    pub last_run_ms: Option<i64>,
    /// A command waiting out its validation period.
    pub proposed: Option<Command>,
    /// Commands executing (`Queue.ProviderIDToCommand`).
    pub queue: Vec<Command>,
    /// Per method, the cluster fingerprint when it last found nothing (`markConsolidated`).
    /// Saved as hexadecimal strings: a 64-bit hash does not survive JavaScript's numbers.
    #[serde(with = "hex_fingerprints")]
    pub consolidated: BTreeMap<String, u64>,
    /// `PreviouslyUnseenNodePools` of single-node consolidation.
    pub unseen_pools: Vec<String>,
    /// The latest verdict per node name.
    pub verdicts: BTreeMap<String, Verdict>,
    /// Commands started so far (for IDs).
    pub started: u64,
}

impl Disruption {
    /// Whether a node's claim is in an executing command (`MarkedForDeletion`).
    pub fn marked(&self, claim: &str) -> bool {
        self.queue
            .iter()
            .any(|c| c.candidates.iter().any(|x| x.claim == claim))
    }
}

/// One instance's cost record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Running {
    /// Its NodePool.
    pub nodepool: String,
    /// `on-demand` or `spot`.
    pub capacity_type: String,
    /// The instance type.
    pub instance_type: String,
    /// The zone.
    pub zone: String,
    /// $/hour.
    pub price: f64,
    /// When it was launched.
    pub since_ms: i64,
}

/// What the instances Karpenter launched have cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Billing {
    /// Running instances by NodeClaim name.
    pub running: BTreeMap<String, Running>,
    /// Dollars spent by instances that have terminated, by `nodepool/capacity-type`.
    pub spent: BTreeMap<String, f64>,
    /// When billing began (the first launch).
    pub since_ms: Option<i64>,
}

impl Billing {
    /// An instance starts running.
    pub fn start(&mut self, claim: &str, r: Running) {
        self.since_ms.get_or_insert(r.since_ms);
        self.running.insert(claim.to_string(), r);
    }

    /// An instance stops: its cost so far is booked.
    pub fn stop(&mut self, claim: &str, now_ms: i64) {
        if let Some(r) = self.running.remove(claim) {
            let hours = (now_ms - r.since_ms).max(0) as f64 / 3_600_000.0;
            *self
                .spent
                .entry(format!("{}/{}", r.nodepool, r.capacity_type))
                .or_default() += hours * r.price;
        }
    }
}

/// Everything Karpenter remembers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct State {
    /// The provisioner's batch.
    pub batch: Batch,
    /// Nodes (or in-flight claims) a provisioning pass nominated for pending pods, until when.
    pub nominated: BTreeMap<String, i64>,
    /// Disruption.
    pub disruption: Disruption,
    /// Costs.
    pub billing: Billing,
    /// Events recently published (dedupe key → until when), as the recorder's cache.
    pub events: BTreeMap<String, i64>,
}

impl State {
    /// Publishes an Event unless one with the same reason, `dedupe` values and involved
    /// object went out less than `timeout_ms` ago (`events.Recorder.Publish` with
    /// `DedupeValues`/`DedupeTimeout`: the involved object's UID is always one of the values;
    /// the message is not, unless a caller passes it).
    #[allow(clippy::too_many_arguments)]
    pub fn publish(
        &mut self,
        s: &mut Server,
        involved: &Value,
        kind: EventType,
        reason: &str,
        message: &str,
        dedupe: &str,
        timeout_ms: i64,
    ) {
        let now = s.clock.now_ms();
        if self.events.len() > 4096 {
            self.events.retain(|_, until| *until > now);
        }
        let key = format!(
            "{reason}\u{0}{dedupe}\u{0}{}",
            crate::api::object::uid(involved)
        );
        if self.events.get(&key).is_some_and(|until| *until > now) {
            return;
        }
        self.events.insert(key, now + timeout_ms);
        s.event(
            crate::server::ROOT,
            involved,
            kind,
            reason,
            message,
            COMPONENT,
        );
    }

    /// Whether a node is nominated for pending pods now.
    pub fn is_nominated(&self, name: &str, now_ms: i64) -> bool {
        self.nominated.get(name).is_some_and(|t| *t > now_ms)
    }
}

/// `Disruption::consolidated` as `{method: "16 hex digits"}`, so a snapshot survives any JSON
/// round trip (as `sim::Rng` saves its state).
mod hex_fingerprints {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(m: &BTreeMap<String, u64>, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_map(m.iter().map(|(k, v)| (k, format!("{v:016x}"))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, u64>, D::Error> {
        BTreeMap::<String, String>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| Ok((k, u64::from_str_radix(&v, 16).map_err(D::Error::custom)?)))
            .collect()
    }
}
