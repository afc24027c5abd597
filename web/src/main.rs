//! The kplane playground: the control plane runs in the page, on a virtual clock.
//! Edit manifests, apply them, press play and watch pods schedule onto nodes.

mod app;
mod apply;
mod console;
mod editor;
mod fleet;
mod format;
mod inspect;
mod lines;
mod scenario;
mod view;
mod why;

fn main() {
    install_panic_banner();
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}

/// A panic poisons the WebAssembly instance: say so on the page (and in the console)
/// instead of freezing silently. Any panic is a bug. (Set through Yew, which would
/// otherwise replace it with its own hook when rendering.)
fn install_panic_banner() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("kplane playground panicked: {message}"));
        if let Some(banner) = gloo::utils::document().get_element_by_id("panic") {
            banner.set_text_content(Some(&format!(
                "The playground crashed (this is a bug; please report it). Reload the page to start over.\n\n{message}"
            )));
            let _ = banner.set_attribute("data-visible", "true");
        }
    }));
}
