//! `kubectl autoscale` (k8s.io/kubectl/pkg/cmd/autoscale, kubectl 1.32): an `autoscaling/v1`
//! HorizontalPodAutoscaler for each Deployment, ReplicaSet, StatefulSet or
//! ReplicationController named (`horizontalpodautoscaler.autoscaling/web autoscaled`); the
//! API server converts it to v2 for the controller (`targetCPUUtilizationPercentage` becomes a
//! CPU Utilization metric, 80% when not given).
use super::print;
use super::resources;
use super::{Ctx, Error};
use crate::api::Value;
use crate::json;

pub(super) fn autoscale(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let (min, max, cpu) = (ctx.p.int("min"), ctx.p.int("max"), ctx.p.int("cpu-percent"));
    // AutoscaleOptions.Validate.
    if max < 1 {
        return Err(Error::msg(format!(
            "error: --max=MAXPODS is required and must be at least 1, max: {max}"
        )));
    }
    if max < min {
        return Err(Error::msg(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        )));
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let req = ctx.request(false);
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if let Some(e) = found.errors.into_iter().next() {
        return Err(e);
    }
    if found.infos.is_empty() {
        return Err(Error::msg("error: no objects passed to autoscale"));
    }
    let manager = ctx.p.str("field-manager");
    for info in found.infos {
        let k = info.kind;
        if !matches!(
            (k.group, k.kind),
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") | ("", "ReplicationController")
        ) {
            return Err(Error::msg(format!(
                "error: cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
                k.kind, k.group, k.version, k.plural
            )));
        }
        let name = match ctx.p.str("name") {
            n if !n.is_empty() => n,
            _ => info.name.clone(),
        };
        // createHorizontalPodAutoscaler (autoscaling/v1).
        let mut spec = json!({
            "scaleTargetRef": {"kind": k.kind, "name": info.name.as_str(), "apiVersion": k.api_version()},
        });
        if min > 0 {
            spec["minReplicas"] = json!(min);
        }
        spec["maxReplicas"] = json!(max);
        if cpu >= 0 {
            spec["targetCPUUtilizationPercentage"] = json!(cpu);
        }
        let hpa: Value = json!({
            "kind": "HorizontalPodAutoscaler",
            "apiVersion": "autoscaling/v1",
            "metadata": {"name": name, "creationTimestamp": null},
            "spec": spec,
            "status": {"currentReplicas": 0, "desiredReplicas": 0},
        });
        super::create::create_object(ctx, &fmt, dry, hpa, "autoscaled", &manager)?;
    }
    Ok(())
}
