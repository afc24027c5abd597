//! The generators: `kubectl create deployment|service …|configmap|secret generic|namespace|
//! job|cronjob|priorityclass|quota|serviceaccount|poddisruptionbudget`, `kubectl run` and
//! `kubectl expose` (k8s.io/kubectl/pkg/cmd/create, run, expose). Objects are built with the
//! fields of the Go types in their declaration order (what `--dry-run=client -o json`
//! shows), then created as the field manager `kubectl-create` (`kubectl-run`,
//! `kubectl-expose`).
use super::apply::{save_config, validation};
use super::print::{self, Format};
use super::resources;
use super::{Ctx, DryRun, Error};
use crate::api::{object, Map, Value};
use crate::control_plane::{ApplyOptions, ControlPlane};
use crate::json;

/// `NameFromCommandArgs`: exactly one NAME before `--`.
fn name_arg(ctx: &Ctx<'_>) -> Result<String, Error> {
    let n = ctx.p.dash.unwrap_or(ctx.p.args.len());
    if n != 1 {
        return Err(ctx.usage(&format!("exactly one NAME is required, got {n}")));
    }
    Ok(ctx.p.args[0].clone())
}

/// The command after `--`.
fn command_args(ctx: &Ctx<'_>) -> Vec<String> {
    match ctx.p.dash {
        Some(d) => ctx.p.args[d..].to_vec(),
        None => ctx.p.args.iter().skip(1).cloned().collect(),
    }
}

/// cobra's `MarkFlagRequired` failure, printed through klog by kubectl 1.32 (the time is the
/// virtual clock's).
pub(super) fn required(ctx: &Ctx<'_>, flags: &[&str]) -> Result<(), Error> {
    let missing: Vec<String> = flags
        .iter()
        .filter(|f| !ctx.p.changed(f))
        .map(|f| format!("\\\"{f}\\\""))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let t = crate::sim::format_rfc3339(ctx.now());
    // 2026-01-01T00:00:00Z -> E0101 00:00:00.000000
    let (date, time) = t.split_once('T').unwrap_or(("", ""));
    let md: String = date.split('-').skip(1).collect();
    let time = time.trim_end_matches('Z');
    // cobra's error goes through klog (component-base cli.run), not CheckErr.
    Err(Error::Raw(format!(
        "E{md} {time}.000000       1 run.go:72] \"command failed\" err=\"required flag(s) {} not set\"",
        missing.join(", ")
    )))
}

/// The namespace a generated object names (only with an explicit `-n`).
fn meta(ctx: &Ctx<'_>, name: &str, labels: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("name", Value::from(name));
    if ctx.explicit_ns() {
        m.insert("namespace", Value::from(ctx.ns().as_str()));
    }
    m.insert("creationTimestamp", Value::Null);
    if let Some(l) = labels {
        m.insert("labels", l);
    }
    Value::Object(m)
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().collect())
}

/// `create <generator>`.
pub(super) fn generate(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let sub = ctx.path.trim_start_matches("create ").to_string();
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let object = match sub.as_str() {
        "deployment" => deployment(ctx)?,
        "service clusterip"
        | "service nodeport"
        | "service loadbalancer"
        | "service externalname" => service(ctx, &sub)?,
        "configmap" => configmap(ctx)?,
        "secret generic" => secret(ctx)?,
        "namespace" => {
            let name = name_arg(ctx)?;
            obj(vec![
                ("kind", "Namespace".into()),
                ("apiVersion", "v1".into()),
                ("metadata", meta_plain(&name)),
                ("spec", json!({})),
                ("status", json!({})),
            ])
        }
        "job" => job(ctx)?,
        "cronjob" => {
            required(ctx, &["image", "schedule"])?;
            let name = name_arg(ctx)?;
            let mut container = vec![
                ("name", Value::from(name.as_str())),
                ("image", Value::from(ctx.p.str("image").as_str())),
            ];
            let cmd = command_args(ctx);
            if !cmd.is_empty() {
                container.push(("command", Value::from(cmd)));
            }
            container.push(("resources", json!({})));
            let restart = match ctx.p.str("restart").as_str() {
                "" => "OnFailure".to_string(),
                r => r.to_string(),
            };
            obj(vec![
                ("kind", "CronJob".into()),
                ("apiVersion", "batch/v1".into()),
                ("metadata", meta(ctx, &name, None)),
                (
                    "spec",
                    obj(vec![
                        ("schedule", Value::from(ctx.p.str("schedule").as_str())),
                        (
                            "jobTemplate",
                            obj(vec![
                                (
                                    "metadata",
                                    obj(vec![
                                        ("name", Value::from(name.as_str())),
                                        ("creationTimestamp", Value::Null),
                                    ]),
                                ),
                                (
                                    "spec",
                                    obj(vec![(
                                        "template",
                                        obj(vec![
                                            ("metadata", json!({"creationTimestamp": null})),
                                            (
                                                "spec",
                                                obj(vec![
                                                    (
                                                        "containers",
                                                        Value::from(vec![obj(container)]),
                                                    ),
                                                    (
                                                        "restartPolicy",
                                                        Value::from(restart.as_str()),
                                                    ),
                                                ]),
                                            ),
                                        ]),
                                    )]),
                                ),
                            ]),
                        ),
                    ]),
                ),
                ("status", json!({})),
            ])
        }
        "priorityclass" => {
            let name = name_arg(ctx)?;
            let mut pairs = vec![
                ("kind", Value::from("PriorityClass")),
                ("apiVersion", Value::from("scheduling.k8s.io/v1")),
                ("metadata", meta_plain(&name)),
                ("value", Value::from(ctx.p.int("value"))),
            ];
            if ctx.p.bool("global-default") {
                pairs.push(("globalDefault", Value::from(true)));
            }
            let desc = ctx.p.str("description");
            if !desc.is_empty() {
                pairs.push(("description", Value::from(desc.as_str())));
            }
            pairs.push((
                "preemptionPolicy",
                Value::from(ctx.p.str("preemption-policy").as_str()),
            ));
            obj(pairs)
        }
        "quota" => {
            let name = name_arg(ctx)?;
            let mut spec = Vec::new();
            let hard = ctx.p.str("hard");
            if !hard.is_empty() {
                let mut m = Map::new();
                for stmt in hard.split(',') {
                    let parts: Vec<&str> = stmt.split('=').collect();
                    if parts.len() != 2 {
                        return Err(Error::msg(format!(
                            "error: Invalid argument syntax {stmt}, expected <resource>=<value>"
                        )));
                    }
                    crate::api::Quantity::parse(parts[1])
                        .map_err(|e| Error::msg(format!("error: {e}")))?;
                    m.insert(parts[0], Value::from(super::quantity::canonical(parts[1])));
                }
                spec.push(("hard", Value::Object(m)));
            }
            let scopes = ctx.p.str("scopes");
            if !scopes.is_empty() {
                let mut list = Vec::new();
                for s in scopes.split(',') {
                    if s.is_empty() {
                        return Err(Error::msg("error: invalid resource quota scope \"\""));
                    }
                    list.push(Value::from(s));
                }
                spec.push(("scopes", Value::from(list)));
            }
            obj(vec![
                ("kind", "ResourceQuota".into()),
                ("apiVersion", "v1".into()),
                ("metadata", meta(ctx, &name, None)),
                ("spec", obj(spec)),
                ("status", json!({})),
            ])
        }
        "serviceaccount" => {
            let name = name_arg(ctx)?;
            obj(vec![
                ("kind", "ServiceAccount".into()),
                ("apiVersion", "v1".into()),
                ("metadata", meta(ctx, &name, None)),
            ])
        }
        "poddisruptionbudget" => pdb(ctx)?,
        other => return Err(Error::msg(format!("error: unknown command \"{other}\""))),
    };
    let mut object = object;
    if ctx.p.bool("save-config") {
        save_config(&mut object);
    }
    let manager = ctx.p.str("field-manager");
    create_object(ctx, &fmt, dry, object, "created", &manager)
}

/// ObjectMeta of a cluster-scoped generated object (no namespace even with `-n`).
fn meta_plain(name: &str) -> Value {
    json!({"name": name, "creationTimestamp": null})
}

/// Creates (or, with `--dry-run=client`, only prints) a generated object.
pub(super) fn create_object(
    ctx: &mut Ctx<'_>,
    fmt: &Format,
    dry: DryRun,
    object: Value,
    op: &str,
    manager: &str,
) -> Result<(), Error> {
    if dry == DryRun::Client {
        return print::operation(ctx, fmt, &object, op, dry, false);
    }
    let opts = ApplyOptions {
        namespace: Some(ctx.ns()),
        field_validation: Some(validation(ctx).unwrap_or_default()),
        field_manager: Some(manager.to_string()),
        force: false,
        ..Default::default()
    };
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let cp: &mut ControlPlane = match shadow.as_mut() {
        Some(s) => s,
        None => &mut *ctx.cp,
    };
    let (created, warnings) = cp
        .create(&super::ws(cp), object, &opts)
        .map_err(Error::Status)?;
    for w in &warnings {
        ctx.warn(w);
    }
    print::operation(ctx, fmt, &created, op, dry, true)
}

/// A deterministic stand-in for `utilrand.String(5)` (kubectl draws it at random).
fn suffix(seed: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..5)
        .map(|i| char::from(ALPHABET[((h >> (i * 8)) % ALPHABET.len() as u64) as usize]))
        .collect()
}

fn deployment(ctx: &Ctx<'_>) -> Result<Value, Error> {
    required(ctx, &["image"])?;
    let name = name_arg(ctx)?;
    let images = ctx.p.list("image");
    let cmd = command_args(ctx);
    if images.len() > 1 && !cmd.is_empty() {
        return Err(Error::msg(
            "error: cannot specify multiple --image options and command",
        ));
    }
    let labels = json!({"app": name.as_str()});
    let mut containers = Vec::new();
    for (i, image) in images.iter().enumerate() {
        let mut n = image.rsplit('/').next().unwrap_or("").to_string();
        if let Some((a, _)) = n.split_once(':') {
            n = a.to_string();
        }
        if let Some((a, _)) = n.split_once('@') {
            n = a.to_string();
        }
        if n.contains(['_', '.']) {
            n = format!("{}-{}", n.replace(['_', '.'], "-"), suffix(image));
        }
        let mut c = vec![
            ("name", Value::from(n.as_str())),
            ("image", Value::from(image.as_str())),
        ];
        if !cmd.is_empty() {
            c.push(("command", Value::from(cmd.clone())));
        }
        let port = ctx.p.int("port");
        if i == 0 && port >= 0 {
            c.push(("ports", json!([{"containerPort": port}])));
        }
        c.push(("resources", json!({})));
        containers.push(obj(c));
    }
    Ok(obj(vec![
        ("kind", "Deployment".into()),
        ("apiVersion", "apps/v1".into()),
        ("metadata", meta(ctx, &name, Some(labels.clone()))),
        (
            "spec",
            obj(vec![
                ("replicas", Value::from(ctx.p.int("replicas"))),
                ("selector", json!({"matchLabels": labels.clone()})),
                (
                    "template",
                    obj(vec![
                        (
                            "metadata",
                            obj(vec![("creationTimestamp", Value::Null), ("labels", labels)]),
                        ),
                        ("spec", obj(vec![("containers", Value::from(containers))])),
                    ]),
                ),
                ("strategy", json!({})),
            ]),
        ),
        ("status", json!({})),
    ]))
}

fn service(ctx: &Ctx<'_>, sub: &str) -> Result<Value, Error> {
    let name = name_arg(ctx)?;
    let ty = match sub {
        "service clusterip" => "ClusterIP",
        "service nodeport" => "NodePort",
        "service loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    let cluster_ip = if ty == "ClusterIP" {
        ctx.p.str("clusterip")
    } else {
        String::new()
    };
    let tcp = ctx.p.list("tcp");
    if cluster_ip == "None" && ty != "ClusterIP" {
        return Err(Error::msg(
            "error: ClusterIP=None can only be used with ClusterIP service type",
        ));
    }
    if cluster_ip != "None" && tcp.is_empty() && ty != "ExternalName" {
        return Err(Error::msg(
            "error: at least one tcp port specifier must be provided",
        ));
    }
    if ty == "ExternalName" {
        required(ctx, &["external-name"])?;
    }
    let node_port = if ty == "NodePort" {
        ctx.p.int("node-port")
    } else {
        0
    };
    let mut ports = Vec::new();
    for t in &tcp {
        let mut parts = t.split(':');
        let port: i64 = parts
            .next()
            .unwrap_or("")
            .parse()
            .map_err(|_| Error::msg(format!("error: invalid port {t}")))?;
        let target = match parts.next() {
            None => Value::from(port),
            Some(tp) => match tp.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::from(tp),
            },
        };
        let mut p = vec![
            ("name", Value::from(t.replace(':', "-"))),
            ("protocol", Value::from("TCP")),
            ("port", Value::from(port)),
            ("targetPort", target),
        ];
        if node_port > 0 {
            p.push(("nodePort", Value::from(node_port)));
        }
        ports.push(obj(p));
    }
    let mut spec = Vec::new();
    if !ports.is_empty() {
        spec.push(("ports", Value::from(ports)));
    }
    spec.push(("selector", json!({"app": name.as_str()})));
    if !cluster_ip.is_empty() {
        spec.push(("clusterIP", Value::from(cluster_ip.as_str())));
    }
    spec.push(("type", Value::from(ty)));
    let external = ctx.p.str("external-name");
    if ty == "ExternalName" {
        spec.push(("externalName", Value::from(external.as_str())));
    }
    Ok(obj(vec![
        ("kind", "Service".into()),
        ("apiVersion", "v1".into()),
        (
            "metadata",
            meta(ctx, &name, Some(json!({"app": name.as_str()}))),
        ),
        ("spec", obj(spec)),
        ("status", json!({"loadBalancer": {}})),
    ]))
}

/// `--from-literal=key=value` pairs, sorted by key as Go maps marshal.
fn literals(ctx: &Ctx<'_>, what: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for lit in ctx.p.list("from-literal") {
        let (k, v) = lit
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| {
                Error::msg(format!(
                    "error: invalid literal source {lit}, expected key=value"
                ))
            })?;
        let v = v.trim_matches('"');
        if out.iter().any(|(x, _)| x == k) {
            return Err(Error::msg(match what {
                "ConfigMap" => format!("error: cannot add key {k:?}, another key by that name already exists in Data for ConfigMap {:?}", ctx.p.args.first().cloned().unwrap_or_default()),
                _ => format!("error: cannot add key {k}, another key by that name already exists"),
            }));
        }
        out.push((k.to_string(), v.to_string()));
    }
    out.sort();
    Ok(out)
}

fn configmap(ctx: &Ctx<'_>) -> Result<Value, Error> {
    let name = name_arg(ctx)?;
    let data = literals(ctx, "ConfigMap")?;
    let mut pairs = vec![
        ("kind", Value::from("ConfigMap")),
        ("apiVersion", Value::from("v1")),
        ("metadata", meta(ctx, &name, None)),
    ];
    if !data.is_empty() {
        let m: Map = data
            .iter()
            .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
            .collect();
        pairs.push(("data", Value::Object(m)));
    }
    let mut o = obj(pairs);
    if ctx.p.bool("append-hash") {
        append_hash(&mut o);
    }
    Ok(o)
}

fn secret(ctx: &Ctx<'_>) -> Result<Value, Error> {
    let name = name_arg(ctx)?;
    let data = literals(ctx, "Secret")?;
    let mut pairs = vec![
        ("kind", Value::from("Secret")),
        ("apiVersion", Value::from("v1")),
        ("metadata", meta(ctx, &name, None)),
    ];
    if !data.is_empty() {
        let m: Map = data
            .iter()
            .map(|(k, v)| (k.as_str(), Value::from(super::base64::encode(v.as_bytes()))))
            .collect();
        pairs.push(("data", Value::Object(m)));
    }
    let ty = ctx.p.str("type");
    if !ty.is_empty() {
        pairs.push(("type", Value::from(ty.as_str())));
    }
    let mut o = obj(pairs);
    if ctx.p.bool("append-hash") {
        append_hash(&mut o);
    }
    Ok(o)
}

/// `--append-hash`: the name gets `-<hash>` of the content (hash.ConfigMapHash / SecretHash:
/// sha256 of the encoded content, encoded into 10 safe characters). kplane uses a stable
/// FNV hash in the same alphabet.
fn append_hash(o: &mut Value) {
    let text = super::output::json::to_compact(&o["data"]);
    let h = suffix(&format!("{}{text}", object::kind(o))) + &suffix(&text);
    let name = format!("{}-{h}", object::name(o));
    object::set_path(o, &["metadata", "name"], Value::from(name));
}

fn job(ctx: &Ctx<'_>) -> Result<Value, Error> {
    let name = name_arg(ctx)?;
    let image = ctx.p.str("image");
    let from = ctx.p.str("from");
    if image.is_empty() == from.is_empty() {
        return Err(Error::msg(
            "error: either --image or --from must be specified",
        ));
    }
    let cmd = command_args(ctx);
    if !cmd.is_empty() && !from.is_empty() {
        return Err(Error::msg("error: cannot specify --from and command"));
    }
    if !from.is_empty() {
        let found = resources::visit(
            ctx.cp,
            &resources::Request {
                args: vec![from.clone()],
                namespace: ctx.ns(),
                ..Default::default()
            },
            "",
        )?;
        if let Some(e) = found.errors.into_iter().next() {
            return Err(e);
        }
        let Some(info) = found.infos.into_iter().next() else {
            return Err(Error::msg("error: from must be an existing cronjob"));
        };
        if info.kind.kind != "CronJob" {
            return Err(Error::msg(format!(
                "error: unknown object type *v1.{}",
                info.kind.kind
            )));
        }
        let cj = info.object;
        let mut ann = Map::new();
        ann.insert("cronjob.kubernetes.io/instantiate", Value::from("manual"));
        for (k, v) in cj["spec"]["jobTemplate"]["metadata"]["annotations"]
            .as_object()
            .into_iter()
            .flatten()
        {
            ann.insert(k.as_str(), v.clone());
        }
        let mut m = vec![("name", Value::from(name.as_str()))];
        if ctx.explicit_ns() {
            m.push(("namespace", Value::from(ctx.ns().as_str())));
        }
        m.push(("creationTimestamp", Value::Null));
        if let Some(l) = cj["spec"]["jobTemplate"]["metadata"]
            .get("labels")
            .filter(|l| !l.is_null())
        {
            m.push(("labels", l.clone()));
        }
        m.push(("annotations", Value::Object(ann)));
        m.push(("ownerReferences", json!([{
            "apiVersion": "batch/v1", "kind": "CronJob", "name": object::name(&cj), "uid": object::uid(&cj), "controller": true,
        }])));
        return Ok(obj(vec![
            ("kind", "Job".into()),
            ("apiVersion", "batch/v1".into()),
            ("metadata", obj(m)),
            ("spec", cj["spec"]["jobTemplate"]["spec"].clone()),
            ("status", json!({})),
        ]));
    }
    let mut container = vec![
        ("name", Value::from(name.as_str())),
        ("image", Value::from(image.as_str())),
    ];
    if !cmd.is_empty() {
        container.push(("command", Value::from(cmd)));
    }
    container.push(("resources", json!({})));
    Ok(obj(vec![
        ("kind", "Job".into()),
        ("apiVersion", "batch/v1".into()),
        ("metadata", meta(ctx, &name, None)),
        (
            "spec",
            obj(vec![(
                "template",
                obj(vec![
                    ("metadata", json!({"creationTimestamp": null})),
                    (
                        "spec",
                        obj(vec![
                            ("containers", Value::from(vec![obj(container)])),
                            ("restartPolicy", Value::from("Never")),
                        ]),
                    ),
                ]),
            )]),
        ),
        ("status", json!({})),
    ]))
}

fn pdb(ctx: &Ctx<'_>) -> Result<Value, Error> {
    let name = name_arg(ctx)?;
    let selector = ctx.p.str("selector");
    let (min, max) = (ctx.p.str("min-available"), ctx.p.str("max-unavailable"));
    if selector.is_empty() {
        return Err(Error::msg("error: a selector must be specified"));
    }
    if min.is_empty() && max.is_empty() {
        return Err(Error::msg(
            "error: one of min-available or max-unavailable must be specified",
        ));
    }
    if !min.is_empty() && !max.is_empty() {
        return Err(Error::msg(
            "error: min-available and max-unavailable cannot be both specified",
        ));
    }
    let ok = |s: &str| {
        let d = s.strip_suffix('%').unwrap_or(s);
        !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
    };
    if !min.is_empty() && !ok(&min) {
        return Err(Error::msg(
            "error: invalid format specified for min-available",
        ));
    }
    if !max.is_empty() && !ok(&max) {
        return Err(Error::msg(
            "error: invalid format specified for max-unavailable",
        ));
    }
    let int_or_str = |s: &str| match s.parse::<i64>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::from(s),
    };
    let mut spec = Vec::new();
    if !min.is_empty() {
        spec.push(("minAvailable", int_or_str(&min)));
    }
    let sel = label_selector(&selector)?;
    spec.push(("selector", sel));
    if !max.is_empty() {
        spec.push(("maxUnavailable", int_or_str(&max)));
    }
    Ok(obj(vec![
        ("kind", "PodDisruptionBudget".into()),
        ("apiVersion", "policy/v1".into()),
        ("metadata", meta(ctx, &name, None)),
        ("spec", obj(spec)),
        (
            "status",
            json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}),
        ),
    ]))
}

/// `metav1.ParseToLabelSelector` for `k=v,k2=v2` selectors.
fn label_selector(s: &str) -> Result<Value, Error> {
    let mut labels = Map::new();
    let mut exprs = Vec::new();
    for part in s.split(',') {
        if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            if let Some(k) = k.strip_suffix('!') {
                exprs.push(json!({"key": k, "operator": "NotIn", "values": [v]}));
            } else {
                labels.insert(k.trim(), Value::from(v.trim()));
            }
        } else if let Some(k) = part.strip_prefix('!') {
            exprs.push(json!({"key": k, "operator": "DoesNotExist"}));
        } else if !part.is_empty() {
            exprs.push(json!({"key": part, "operator": "Exists"}));
        }
    }
    let mut m = Map::new();
    if !labels.is_empty() {
        m.insert("matchLabels", Value::Object(labels));
    }
    if !exprs.is_empty() {
        m.insert("matchExpressions", Value::from(exprs));
    }
    Ok(Value::Object(m))
}

/// `key=value,key2=value2` into a map (`--labels`, `--annotations` items).
fn pairs_map(spec: &str, what: &str) -> Result<Map, Error> {
    let mut m = Map::new();
    for p in spec.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Error::msg(format!("error: unexpected {what} spec: {p}")))?;
        if k.is_empty() {
            return Err(Error::msg(format!("error: unexpected empty {what} key")));
        }
        m.insert(k, Value::from(v));
    }
    Ok(m)
}

/// `kubectl run NAME --image=IMAGE [--env] [--port] [--labels] [--expose] [-- COMMAND]`.
pub(super) fn run(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    required(ctx, &["image"])?;
    let n = ctx.p.dash.unwrap_or(ctx.p.args.len());
    if n < 1 {
        return Err(ctx.usage("NAME is required for run"));
    }
    let name = ctx.p.args[0].clone();
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let restart = match ctx.p.str("restart").as_str() {
        "" => "Always".to_string(),
        r @ ("Always" | "OnFailure" | "Never") => r.to_string(),
        other => {
            return Err(Error::msg(format!(
                "error: invalid restart policy: {other}"
            )))
        }
    };
    let port = ctx.p.str("port");
    if ctx.p.bool("expose") && port.is_empty() {
        return Err(ctx.usage("--port must be set when exposing a service"));
    }
    let labels_flag = ctx.p.str("labels");
    let labels = if labels_flag.is_empty() {
        json!({"run": name.as_str()})
    } else {
        Value::Object(pairs_map(&labels_flag, "label")?)
    };
    let mut m = vec![("name", Value::from(name.as_str()))];
    if ctx.explicit_ns() {
        m.push(("namespace", Value::from(ctx.ns().as_str())));
    }
    m.push(("creationTimestamp", Value::Null));
    m.push(("labels", labels.clone()));
    let annotations = ctx.p.list("annotations");
    if !annotations.is_empty() {
        let mut a = Map::new();
        for s in &annotations {
            let (k, v) = s
                .split_once('=')
                .ok_or_else(|| Error::msg(format!("error: unexpected annotation spec: {s}")))?;
            a.insert(k, Value::from(v));
        }
        m.push(("annotations", Value::Object(a)));
    }
    let args: Vec<String> = match ctx.p.dash {
        Some(d) => ctx.p.args[d..].to_vec(),
        None => ctx.p.args[1..].to_vec(),
    };
    let mut c = vec![
        ("name", Value::from(name.as_str())),
        ("image", Value::from(ctx.p.str("image").as_str())),
    ];
    if !args.is_empty() {
        let key = if ctx.p.bool("command") {
            "command"
        } else {
            "args"
        };
        c.push((key, Value::from(args)));
    }
    if !port.is_empty() {
        let p: i64 = port.parse().map_err(|_| {
            Error::msg(format!(
                "error: strconv.Atoi: parsing {port:?}: invalid syntax"
            ))
        })?;
        c.push(("ports", json!([{"containerPort": p}])));
    }
    let env = ctx.p.list("env");
    if !env.is_empty() {
        let mut list = Vec::new();
        for e in &env {
            let (k, v) = e
                .split_once('=')
                .ok_or_else(|| Error::msg(format!("error: invalid env: {e}")))?;
            list.push(json!({"name": k, "value": v}));
        }
        c.push(("env", Value::from(list)));
    }
    c.push(("resources", json!({})));
    let pull = ctx.p.str("image-pull-policy");
    if !pull.is_empty() {
        c.push(("imagePullPolicy", Value::from(pull.as_str())));
    }
    if ctx.p.bool("privileged") {
        c.push(("securityContext", json!({"privileged": true})));
    }
    let mut pod = obj(vec![
        ("kind", "Pod".into()),
        ("apiVersion", "v1".into()),
        ("metadata", obj(m)),
        (
            "spec",
            obj(vec![
                ("containers", Value::from(vec![obj(c)])),
                ("restartPolicy", Value::from(restart.as_str())),
                ("dnsPolicy", Value::from("ClusterFirst")),
            ]),
        ),
        ("status", json!({})),
    ]);
    let overrides = ctx.p.str("overrides");
    if !overrides.is_empty() {
        let patch = crate::server::decode::decode_value(&overrides)
            .map_err(|e| Error::msg(format!("error: {}", e.message)))?;
        merge_into(&mut pod, &patch);
    }
    let manager = ctx.p.str("field-manager");
    if ctx.p.bool("expose") {
        let port_num: i64 = port.parse().unwrap_or(0);
        let svc = obj(vec![
            ("kind", "Service".into()),
            ("apiVersion", "v1".into()),
            ("metadata", meta(ctx, &name, None)),
            (
                "spec",
                obj(vec![
                    (
                        "ports",
                        json!([{"protocol": "TCP", "port": port_num, "targetPort": port_num}]),
                    ),
                    ("selector", labels),
                ]),
            ),
            ("status", json!({"loadBalancer": {}})),
        ]);
        create_object(ctx, &fmt, dry, svc, "created", &manager)?;
        if matches!(fmt, Format::Yaml) {
            ctx.out.push_str("---\n---\n");
        }
    }
    create_object(ctx, &fmt, dry, pod, "created", &manager)
}

/// A JSON merge patch applied to a generated object (`--overrides`).
fn merge_into(target: &mut Value, patch: &Value) {
    let Some(pm) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::object();
    }
    for (k, v) in pm {
        if v.is_null() {
            if let Some(t) = target.as_object_mut() {
                t.shift_remove(k);
            }
            continue;
        }
        match target.get_mut(k) {
            Some(t) if v.is_object() && t.is_object() => merge_into(t, v),
            _ => {
                if let Some(t) = target.as_object_mut() {
                    t.insert(k.as_str(), v.clone());
                }
            }
        }
    }
}

/// `kubectl expose TYPE NAME --port=…`: a Service selecting the object's pods.
pub(super) fn expose(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let req = ctx.request(false);
    if !resources::has_resources(&req) {
        return Err(Error::msg("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    if let Some(e) = found.errors.into_iter().next() {
        return Err(e);
    }
    for info in found.infos {
        let o = &info.object;
        let (group, kind) = (info.kind.group, info.kind.kind);
        let selector: Map = match (group, kind) {
            ("", "Pod") => {
                let l = object::labels(o);
                if l.is_empty() {
                    return Err(Error::msg("error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed"));
                }
                l.iter()
                    .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
                    .collect()
            }
            ("", "Service") | ("", "ReplicationController") => {
                let s = object::string_map(o, &["spec", "selector"]);
                if s.is_empty() {
                    return Err(Error::msg("error: couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector set"));
                }
                s.iter()
                    .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
                    .collect()
            }
            ("apps", "Deployment") | ("apps", "ReplicaSet") => {
                if o["spec"]["selector"]["matchExpressions"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
                {
                    return Err(Error::msg("error: couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions to map-based selector format"));
                }
                object::string_map(o, &["spec", "selector", "matchLabels"])
                    .iter()
                    .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
                    .collect()
            }
            _ => {
                let gk = if group.is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind}.{group}")
                };
                return Err(Error::msg(format!("error: cannot expose a {gk}")));
            }
        };
        let selector = match ctx.p.str("selector") {
            s if !s.is_empty() => pairs_map(&s, "label")?,
            _ => selector,
        };
        // Ports: --port, else the object's own.
        let mut ports_spec = ctx.p.str("port");
        let mut protocols: Vec<(i64, String)> = Vec::new();
        let containers: Vec<Value> = match kind {
            "Pod" => object::array_at(o, &["spec", "containers"]).to_vec(),
            "Service" => vec![],
            _ => object::array_at(o, &["spec", "template", "spec", "containers"]).to_vec(),
        };
        let mut found_ports: Vec<i64> = Vec::new();
        if kind == "Service" {
            for p in object::array_at(o, &["spec", "ports"]) {
                let n = p["port"].as_i64().unwrap_or(0);
                found_ports.push(n);
                protocols.push((n, p["protocol"].as_str().unwrap_or("TCP").to_string()));
            }
        } else {
            for c in &containers {
                for p in c["ports"].as_array().into_iter().flatten() {
                    let n = p["containerPort"].as_i64().unwrap_or(0);
                    found_ports.push(n);
                    protocols.push((n, p["protocol"].as_str().unwrap_or("TCP").to_string()));
                }
            }
        }
        let headless = ctx.p.str("cluster-ip") == "None";
        if ports_spec.is_empty() {
            if found_ports.is_empty() && !headless {
                return Err(Error::msg(
                    "error: couldn't find port via --port flag or introspection",
                ));
            }
            ports_spec = found_ports
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",");
        }
        let protocol_flag = ctx.p.str("protocol");
        let parts: Vec<&str> = ports_spec.split(',').filter(|s| !s.is_empty()).collect();
        let target = ctx.p.str("target-port");
        let mut ports = Vec::new();
        for (i, ps) in parts.iter().enumerate() {
            let port: i64 = ps.parse().map_err(|_| {
                Error::msg(format!(
                    "error: strconv.Atoi: parsing {ps:?}: invalid syntax"
                ))
            })?;
            let protocol = if !protocol_flag.is_empty() {
                protocol_flag.clone()
            } else {
                protocols
                    .iter()
                    .find(|(p, _)| *p == port)
                    .map(|(_, pr)| pr.clone())
                    .unwrap_or_else(|| "TCP".into())
            };
            let mut p = Vec::new();
            if parts.len() > 1 {
                p.push(("name", Value::from(format!("port-{}", i + 1))));
            }
            p.push(("protocol", Value::from(protocol.as_str())));
            p.push(("port", Value::from(port)));
            let tp = if target.is_empty() {
                Value::from(port)
            } else {
                match target.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::from(target.as_str()),
                }
            };
            p.push(("targetPort", tp));
            ports.push(obj(p));
        }
        let name = match ctx.p.str("name") {
            n if !n.is_empty() => n,
            _ => info.name.chars().take(63).collect(),
        };
        let labels: Option<Value> = match ctx.p.str("labels") {
            l if !l.is_empty() => Some(Value::Object(pairs_map(&l, "label")?)),
            _ => {
                let l = object::labels(o);
                (!l.is_empty()).then(|| {
                    Value::Object(
                        l.iter()
                            .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
                            .collect(),
                    )
                })
            }
        };
        let mut m = vec![("name", Value::from(name.as_str()))];
        if ctx.explicit_ns() && dry == DryRun::Client {
            m.push(("namespace", Value::from(ctx.ns().as_str())));
        }
        m.push(("creationTimestamp", Value::Null));
        if let Some(l) = labels {
            m.push(("labels", l));
        }
        let mut spec = Vec::new();
        if !ports.is_empty() {
            spec.push(("ports", Value::from(ports)));
        }
        spec.push(("selector", Value::Object(selector)));
        let cip = ctx.p.str("cluster-ip");
        if !cip.is_empty() {
            spec.push(("clusterIP", Value::from(cip.as_str())));
        }
        let ty = ctx.p.str("type");
        if !ty.is_empty() {
            spec.push(("type", Value::from(ty.as_str())));
        }
        let ext = ctx.p.str("external-ip");
        if !ext.is_empty() {
            spec.push(("externalIPs", json!([ext])));
        }
        let affinity = ctx.p.str("session-affinity");
        if !affinity.is_empty() {
            if affinity != "None" && affinity != "ClientIP" {
                return Err(Error::msg(format!(
                    "error: unknown session affinity: {affinity}"
                )));
            }
            spec.push(("sessionAffinity", Value::from(affinity.as_str())));
        }
        if ty == "LoadBalancer" {
            let lb = ctx.p.str("load-balancer-ip");
            if !lb.is_empty() {
                spec.push(("loadBalancerIP", Value::from(lb.as_str())));
            }
        }
        let mut svc = obj(vec![
            ("kind", "Service".into()),
            ("apiVersion", "v1".into()),
            ("metadata", obj(m)),
            ("spec", obj(spec)),
            ("status", json!({"loadBalancer": {}})),
        ]);
        let overrides = ctx.p.str("overrides");
        if !overrides.is_empty() {
            let patch = crate::server::decode::decode_value(&overrides)
                .map_err(|e| Error::msg(format!("error: {}", e.message)))?;
            merge_into(&mut svc, &patch);
        }
        let manager = ctx.p.str("field-manager");
        create_object(ctx, &fmt, dry, svc, "exposed", &manager)?;
    }
    Ok(())
}
