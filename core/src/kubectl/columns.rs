//! The columns `kubectl get` prints for kinds served through CRD-style printer columns: the
//! `additionalPrinterColumns` of a workspace's custom kinds (their CRD or bound schema), and
//! KCP's own kinds as their CRDs declare them (`Workspace`: TYPE, REGION, PHASE, URL, AGE;
//! `APIBinding`: AGE, READY; kcp `sdk/apis/*/types_*.go` printcolumn markers).
use super::table::human_duration;
use crate::api::{KindInfo, Value};
use crate::control_plane::ControlPlane;
use crate::server::crd::printer::{self, PrinterColumn};

fn column(name: &str, type_: &str, json_path: &str) -> PrinterColumn {
    PrinterColumn {
        name: name.into(),
        type_: type_.into(),
        format: String::new(),
        priority: 0,
        json_path: json_path.into(),
    }
}

/// The printer columns of `info` in `workspace`, when it has CRD-style columns.
fn printer_columns(
    cp: &ControlPlane,
    workspace: &str,
    info: &KindInfo,
) -> Option<Vec<PrinterColumn>> {
    if let Some(c) = cp.server().custom_kind(workspace, info) {
        return Some(c.version().columns.clone());
    }
    match (info.group, info.kind) {
        ("tenancy.kcp.io", "Workspace") => Some(vec![
            column("Type", "string", ".spec.type.name"),
            column("Region", "string", ".metadata.labels['region']"),
            column("Phase", "string", ".status.phase"),
            column("URL", "string", ".spec.URL"),
            column("Age", "date", ".metadata.creationTimestamp"),
        ]),
        ("apis.kcp.io", "APIBinding") => Some(vec![
            column("Age", "date", ".metadata.creationTimestamp"),
            column(
                "Ready",
                "string",
                r#".status.conditions[?(@.type=="Ready")].status"#,
            ),
        ]),
        _ => None,
    }
}

/// The printer for `info` in kubectl's current workspace, when it has CRD-style columns.
pub(super) fn custom(cp: &ControlPlane, info: &KindInfo) -> Option<super::printers::Printer> {
    custom_in(cp, &super::ws(cp), info)
}

/// The printer for `info` in `workspace`, when it has CRD-style columns (the name, then every
/// column; `-o wide` shows those of priority 1 too).
pub(crate) fn custom_in(
    cp: &ControlPlane,
    workspace: &str,
    info: &KindInfo,
) -> Option<super::printers::Printer> {
    let cols = printer_columns(cp, workspace, info)?;
    let names: Vec<String> = std::iter::once("Name".to_string())
        .chain(cols.iter().map(|c| c.name.clone()))
        .collect();
    let spec: Vec<(&str, u8)> = std::iter::once(0)
        .chain(cols.iter().map(|c| u8::from(c.priority != 0)))
        .zip(names.iter())
        .map(|(p, n)| (n.as_str(), p))
        .collect();
    Some(super::printers::printer(
        &spec,
        move |o: &Value, now: i64| printer::row(&cols, o, true, now, &human_duration),
    ))
}
