//! Controllers: each reads through the store, writes through the server and reports through
//! status and Events. They are level-triggered: each reconcile looks at the state of one key
//! and moves it one step towards the desired state. No controller calls another. [`all`] is
//! the table of control loops, in the order they run at each instant.
pub mod apis;
pub mod cloud_node;
pub mod crd;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod ec2;
pub mod endpoints;
pub mod endpointslice;
pub mod gc;
#[cfg(test)]
pub(crate) mod harness;
pub mod hpa;
pub mod job;
pub mod karpenter;
pub mod keda;
pub mod namespace;
pub mod node_lifecycle;
pub mod replicaset;
pub mod replication_controller;
pub mod resource_quota;
pub mod root_ca;
pub mod service;
pub mod serviceaccount;
pub mod simulation;
pub mod statefulset;
#[cfg(test)]
pub(crate) mod testing;
pub mod volume;
pub mod vpa;
pub mod workload;
pub mod workspace;
pub mod workspace_initializer;

use crate::runtime::Controller;

/// The field manager of kube-controller-manager's loops.
pub(crate) const KCM: &str = "kube-controller-manager";

/// Every control loop of a control plane, in the order they run at each instant.
pub fn all() -> Vec<Box<dyn Controller>> {
    vec![
        // KCP: workspaces and their initialization, then the kinds workspaces define or bind.
        Box::new(workspace::WorkspaceController),
        Box::new(workspace_initializer::UniversalInitializer),
        Box::new(crd::CrdController),
        Box::new(apis::ApiExportController),
        Box::new(apis::ApiBindingController),
        Box::new(serviceaccount::ServiceAccountController),
        Box::new(root_ca::RootCaPublisher),
        Box::new(namespace::NamespaceController),
        Box::new(gc::GarbageCollector),
        Box::new(deployment::DeploymentController),
        Box::new(replicaset::ReplicaSetController),
        Box::new(replication_controller::ReplicationManager),
        Box::new(statefulset::StatefulSetController),
        Box::new(daemonset::DaemonSetController),
        Box::new(cronjob::CronJobController),
        Box::new(job::JobController),
        Box::new(disruption::DisruptionController),
        Box::new(endpoints::EndpointSliceController),
        Box::new(endpoints::EndpointsController),
        Box::new(service::ServiceController),
        Box::new(resource_quota::ResourceQuotaController),
        Box::new(volume::controller::PersistentVolumeController),
        Box::new(volume::provisioner::ExternalProvisioner::default()),
        Box::new(volume::attach_detach::AttachDetachController),
        Box::new(node_lifecycle::NodeLifecycleController),
        // The simulated demand, then the autoscalers that read it.
        Box::new(simulation::LoadProfileController),
        Box::new(simulation::QueueController),
        Box::new(keda::KedaOperator::default()),
        Box::new(hpa::HorizontalController::default()),
        Box::new(vpa::VpaController::default()),
        Box::new(crate::scheduler::Scheduler::default()),
        Box::new(karpenter::Karpenter::default()),
        Box::new(ec2::Ec2Controller),
        // Before the node agent: a Node naming an instance type gets its capacity first.
        Box::new(cloud_node::CloudNodeController),
        Box::new(crate::kubelet::Kubelet::default()),
    ]
}

pub(crate) use crate::api::kinds::builtin as kind;

pub(crate) use crate::api::pod::{is_active as is_pod_active, is_ready as is_pod_ready};
