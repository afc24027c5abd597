//! The kplane playground's page: a Yew app that talks to the worker running the control
//! plane (see the crate docs).

fn main() {
    install_panic_banner();
    kplane_web::splitter::install();
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            // The static loading note makes way for the app.
            root.set_inner_html("");
            yew::Renderer::<kplane_web::app::App>::with_root(root).render()
        }
        None => yew::Renderer::<kplane_web::app::App>::new().render(),
    };
}

/// A panic on the page poisons its WebAssembly instance: say so on the page (and in the
/// console) instead of freezing silently. Any panic is a bug. (Set through Yew, which would
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
