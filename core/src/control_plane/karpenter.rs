//! The simulated cloud and Karpenter as the facade shows them: spot interruptions, what the
//! nodes cost, and why a node is or is not a consolidation candidate.
use super::ControlPlane;
use crate::api::object;
use crate::api::Value;
use crate::cloud::provider::SPOT_INTERRUPTION_ANNOTATION;
use crate::controllers::karpenter::{billing, explain, Karpenter, State};
use crate::controllers::kind;
use crate::json;
use crate::server::{status::Status, ROOT};

impl ControlPlane {
    /// Sends EC2's two-minute spot interruption notice for node `name`: Karpenter cordons and
    /// drains it (its NodeClaim is deleted, replacements are provisioned for its pods) and
    /// EC2 reclaims the instance two minutes later. 404 when there is no such node, 400 when it
    /// is not a spot instance (`karpenter.sh/capacity-type: spot`).
    pub fn spot_interrupt(&mut self, name: &str) -> Result<Value, Status> {
        let info = kind("v1", "Node");
        let Some(node) = self.server.get(ROOT, info, "", name).cloned() else {
            return Err(Status::not_found(info, name));
        };
        let ct = object::labels(&node)
            .get("karpenter.sh/capacity-type")
            .cloned()
            .unwrap_or_default();
        if ct != "spot" {
            return Err(Status::bad_request(format!(
                "node {name:?} is not a spot instance (karpenter.sh/capacity-type is {:?})",
                ct
            )));
        }
        if object::str_at(
            &node,
            &["metadata", "annotations", SPOT_INTERRUPTION_ANNOTATION],
        )
        .is_some()
        {
            return Ok(node);
        }
        let mut n = node;
        object::set_path(
            &mut n,
            &["metadata", "annotations", SPOT_INTERRUPTION_ANNOTATION],
            json!(self.server.clock.rfc3339()),
        );
        self.server.act_as("ec2");
        let out = self.server.update(ROOT, n)?;
        self.reconcile();
        Ok(out)
    }

    /// What the running nodes cost now ($/hour) and have cost so far, per node and per
    /// NodePool and capacity type.
    pub fn cost(&self) -> billing::CostReport {
        billing::report(&self.server, self.karpenter_state())
    }

    /// Why node `name` is or is not a consolidation candidate, and what consolidating it alone
    /// would do now. None when there is no such node (or NodeClaim).
    pub fn explain_node(&self, name: &str) -> Option<explain::NodeExplanation> {
        explain::explain(&self.server, self.karpenter_state(), name)
    }

    /// What Karpenter's disruption loop would do now if it ran (emptiness, drift, multi-node
    /// then single-node consolidation; the first command found), without waiting out the
    /// validation period or changing anything. None when it would disrupt nothing.
    pub fn disruption_plan(&self) -> Option<crate::controllers::karpenter::state::Command> {
        let mut cache = crate::controllers::karpenter::cluster::Cache::default();
        crate::controllers::karpenter::disruption::plan(
            &self.server,
            self.karpenter_state(),
            &mut cache,
        )
    }

    pub(super) fn karpenter_state(&self) -> &State {
        static EMPTY: std::sync::OnceLock<State> = std::sync::OnceLock::new();
        self.runtime
            .get::<Karpenter>()
            .map(|k| &k.state)
            .unwrap_or_else(|| EMPTY.get_or_init(State::default))
    }
}
