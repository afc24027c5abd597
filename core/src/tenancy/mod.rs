//! Workspaces, KCP's logical clusters: paths ([`path`]), WorkspaceTypes and their parent/child
//! rules ([`types`]), phases and conditions ([`phase`]), and the `kubectl ws` plugin's argument
//! rules and printed lines ([`kubectl_ws`]). Pure rules; the server and the workspace
//! controller apply them.
pub mod kubectl_ws;
pub mod path;
pub mod phase;
pub mod types;

pub use path::WorkspacePath;
pub use types::{TypeRef, WorkspaceType};
