//! Workspaces, KCP's logical clusters: paths ([`path`]), WorkspaceTypes and their parent/child
//! rules ([`types`]), phases and conditions ([`phase`]), and the `kubectl ws` plugin's argument
//! rules and printed lines ([`kubectl_ws`]). Pure rules, applied by the server
//! (`server/workspaces.rs`: paths, admission, the data-plane rule), the workspace controllers
//! (`controllers/workspace.rs`, `controllers/workspace_initializer.rs`), API sharing
//! (`controllers/apis.rs`) and `kubectl ws` (`kubectl/ws.rs`).
pub mod kubectl_ws;
pub mod path;
pub mod phase;
pub mod types;

pub use path::WorkspacePath;
pub use types::{TypeRef, WorkspaceType};
