//! The Web Worker entry (Trunk: `data-type="worker"`): runs the control plane for the page.
fn main() {
    #[cfg(target_arch = "wasm32")]
    kplane_web::worker::start();
}
