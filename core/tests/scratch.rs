use kplane::{ApplyOptions, ControlPlane, ListOptions, Options};
const NODEPOOL: &str = r#"
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements:
      - {key: node.kubernetes.io/instance-type, operator: In, values: [TYPES]}
      - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 0s
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  role: KarpenterNodeRole-kplane
  amiSelectorTerms: [{alias: al2023@latest}]
"#;
#[test]
fn scratch() {
    let mut cp = ControlPlane::new(Options {
        seed: 1,
        ..Default::default()
    })
    .unwrap();
    cp.apply(
        "root",
        &NODEPOOL.replace("TYPES", "c6i.large"),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.apply("root", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 30\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: c\n        image: pause\n        resources: {requests: {cpu: 1200m, memory: 512Mi}}\n", &ApplyOptions::default()).unwrap();
    cp.advance(90.0).unwrap();
    cp.apply(
        "root",
        &NODEPOOL.replace("TYPES", "c6i.large, c6i.xlarge"),
        &ApplyOptions::default(),
    )
    .unwrap();
    let nodes = cp
        .list_items(
            "root",
            &ListOptions {
                kind: "Node".into(),
                ..Default::default()
            },
        )
        .unwrap();
    eprintln!("{} nodes", nodes.len());
    let n = kplane::api::object::name(&nodes[0]).to_string();
    eprintln!("{:#?}", cp.explain_node(&n));
    eprintln!("{:?}", cp.disruption_plan());
}
