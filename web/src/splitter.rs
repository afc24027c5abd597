//! Resizable panes: dragging `#splitter` (or pressing ← and → on it) sets the side panel's
//! width (`--side-width` on `.layout`). Plain DOM listeners on the document, so a drag
//! re-renders nothing.
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, PointerEvent};

const MIN_PX: f64 = 260.0;
const STEP_PX: f64 = 24.0;

fn layout() -> Option<HtmlElement> {
    gloo::utils::document()
        .query_selector(".layout")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
}

fn set_width(px: f64) {
    let Some(l) = layout() else { return };
    let max = f64::from(l.client_width()) - MIN_PX;
    let px = px.clamp(MIN_PX, max.max(MIN_PX));
    let _ = l
        .style()
        .set_property("--side-width", &format!("{px:.0}px"));
}

fn side_width() -> f64 {
    gloo::utils::document()
        .get_element_by_id("side")
        .map_or(420.0, |s| s.get_bounding_client_rect().width())
}

fn is_splitter(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<Element>().ok())
        .is_some_and(|e| e.id() == "splitter")
}

/// Installs the listeners (once, at start-up).
pub fn install() {
    let doc = gloo::utils::document();
    let dragging = Rc::new(Cell::new(false));
    let down = {
        let dragging = dragging.clone();
        Closure::<dyn FnMut(PointerEvent)>::new(move |e: PointerEvent| {
            if is_splitter(e.target()) {
                dragging.set(true);
                e.prevent_default();
            }
        })
    };
    let moved = {
        let dragging = dragging.clone();
        Closure::<dyn FnMut(PointerEvent)>::new(move |e: PointerEvent| {
            if dragging.get() {
                let left = layout().map_or(0.0, |l| l.get_bounding_client_rect().left());
                set_width(f64::from(e.client_x()) - left);
            }
        })
    };
    let up = Closure::<dyn FnMut(PointerEvent)>::new(move |_: PointerEvent| dragging.set(false));
    let key = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        if !is_splitter(e.target()) {
            return;
        }
        let delta = match e.key().as_str() {
            "ArrowLeft" => -STEP_PX,
            "ArrowRight" => STEP_PX,
            _ => return,
        };
        e.prevent_default();
        set_width(side_width() + delta);
    });
    for (name, f) in [
        ("pointerdown", &down),
        ("pointermove", &moved),
        ("pointerup", &up),
    ] {
        let _ = doc.add_event_listener_with_callback(name, f.as_ref().unchecked_ref());
    }
    let _ = doc.add_event_listener_with_callback("keydown", key.as_ref().unchecked_ref());
    down.forget();
    moved.forget();
    up.forget();
    key.forget();
}
