//! The manifest editor: a plain textarea over a backdrop that highlights the lines the last
//! Apply had something to say about (with the message at the end of the line), and a gutter
//! of line numbers with markers. Its own component, so typing re-renders only the editor.
use crate::apply::{Marker, Severity};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

/// Pixels per line: the textarea, the backdrop and the gutter must agree (see style.css).
pub const LINE_PX: f64 = 20.0;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text the editor starts with (remount with a new `key` to replace it).
    pub initial: AttrValue,
    pub markers: Rc<Vec<Marker>>,
    /// Select and reveal this line; the second number changes to ask again.
    #[prop_or_default]
    pub jump: Option<(usize, u32)>,
    pub on_change: Callback<String>,
    /// Ctrl/Cmd+Enter.
    pub on_apply: Callback<()>,
}

/// The markers of one line, merged: the worst severity and every text.
struct LineMarks {
    line: usize,
    severity: Severity,
    texts: Vec<String>,
}

fn by_line(markers: &[Marker]) -> Vec<LineMarks> {
    let mut out: Vec<LineMarks> = Vec::new();
    for m in markers {
        match out.iter_mut().find(|l| l.line == m.line) {
            Some(l) => {
                if m.severity == Severity::Error {
                    l.severity = Severity::Error;
                }
                if !l.texts.contains(&m.text) {
                    l.texts.push(m.text.clone());
                }
            }
            None => out.push(LineMarks {
                line: m.line,
                severity: m.severity,
                texts: vec![m.text.clone()],
            }),
        }
    }
    out
}

/// The character offsets where line `line` (1-based) starts and ends.
fn line_span(text: &str, line: usize) -> (u32, u32) {
    let mut start = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count();
        if i + 1 == line {
            return (start as u32, (start + len) as u32);
        }
        start += len + 1;
    }
    (start as u32, start as u32)
}

#[function_component(Editor)]
pub fn editor(p: &EditorProps) -> Html {
    let text = use_state(|| p.initial.to_string());
    let area = use_node_ref();
    let gutter = use_node_ref();
    let backdrop = use_node_ref();

    let oninput = {
        let text = text.clone();
        let on_change = p.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            on_change.emit(value.clone());
            text.set(value);
        })
    };
    // Keep the gutter and the backdrop scrolled with the text (no re-render).
    let onscroll = {
        let (gutter, backdrop) = (gutter.clone(), backdrop.clone());
        Callback::from(move |e: Event| {
            let a = e.target_unchecked_into::<HtmlElement>();
            let (top, left) = (a.scroll_top(), a.scroll_left());
            if let Some(g) = gutter.cast::<HtmlElement>() {
                let _ = g
                    .style()
                    .set_property("transform", &format!("translateY({}px)", -top));
            }
            if let Some(b) = backdrop.cast::<HtmlElement>() {
                let _ = b
                    .style()
                    .set_property("transform", &format!("translate({}px, {}px)", -left, -top));
            }
        })
    };
    let onkeydown = {
        let text = text.clone();
        let (on_change, on_apply) = (p.on_change.clone(), p.on_apply.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_apply.emit(());
                return;
            }
            // Escape leaves the editor, so Tab moves focus again (WCAG 2.1.2, no keyboard trap).
            if e.key() == "Escape" {
                if let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    let _ = area.blur();
                    // To the spot right after the editor: Tab goes on from there.
                    if let Some(exit) = gloo::utils::document().get_element_by_id("editor-exit") {
                        if let Ok(exit) = exit.dyn_into::<HtmlElement>() {
                            let _ = exit.focus();
                        }
                    }
                }
                return;
            }
            // Tab indents (YAML needs spaces, not focus changes); Escape first to leave.
            if e.key() == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() && !e.meta_key()
            {
                let Some(area) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                else {
                    return;
                };
                e.prevent_default();
                let (Ok(Some(start)), Ok(Some(end))) =
                    (area.selection_start(), area.selection_end())
                else {
                    return;
                };
                if area
                    .set_range_text_with_start_and_end_and_mode("  ", start, end, "end")
                    .is_ok()
                {
                    on_change.emit(area.value());
                    text.set(area.value());
                }
            }
        })
    };
    {
        let area = area.clone();
        let text = text.clone();
        use_effect_with(p.jump, move |jump| {
            if let (Some((line, _)), Some(a)) = (jump, area.cast::<HtmlTextAreaElement>()) {
                let (start, end) = line_span(&text, *line);
                let _ = a.focus();
                let _ = a.set_selection_range(start, end);
                let top = (*line as f64 - 1.0) * LINE_PX - f64::from(a.client_height()) / 3.0;
                a.set_scroll_top(top.max(0.0) as i32);
            }
        });
    }

    let line_count = text.split('\n').count();
    let numbers: String = (1..=line_count).map(|i| format!("{i}\n")).collect();
    let marks = by_line(&p.markers);
    let source: Vec<&str> = text.split('\n').collect();
    let top = |line: usize| format!("top: {}px", (line as f64 - 1.0) * LINE_PX);
    let errors = marks
        .iter()
        .filter(|m| m.severity == Severity::Error)
        .count();
    html! {
        <div class="editor" data-lines={line_count.to_string()}>
            <div class="gutter" aria-hidden="true">
                <div class="gutter-inner" ref={gutter}>
                    <pre class="line-numbers">{ numbers }</pre>
                    { for marks.iter().filter(|m| m.line <= line_count).map(|m| html! {
                        <div class={classes!("gutter-marker", m.severity.class())} data-line={m.line.to_string()}
                            style={top(m.line)} title={m.texts.join("\n")}>{ m.line }</div>
                    }) }
                </div>
            </div>
            <div class="code">
                <div class="backdrop" aria-hidden="true">
                    <div class="backdrop-inner" ref={backdrop}>
                        { for marks.iter().filter(|m| m.line <= line_count).map(|m| html! {
                            <div class={classes!("marked-line", m.severity.class())} data-line={m.line.to_string()} style={top(m.line)}>
                                <span class="marked-text">{ source.get(m.line - 1).copied().unwrap_or("") }</span>
                                <span class={classes!("lens", m.severity.class())} data-line={m.line.to_string()}>
                                    { if m.severity == Severity::Error { "✖ " } else { "⚠ " } }{ m.texts.join(" · ") }
                                </span>
                            </div>
                        }) }
                    </div>
                </div>
                <textarea id="manifest" data-testid="manifest" ref={area} spellcheck="false" autocomplete="off"
                    wrap="off" aria-label="Manifests (YAML). Tab indents; press Escape to leave the editor."
                    aria-invalid={(errors > 0).then_some("true")}
                    value={(*text).clone()} {oninput} {onscroll} {onkeydown} />
            </div>
            <span id="editor-exit" tabindex="-1" class="sr-only">{ "Left the editor" }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_lines() {
        assert_eq!(line_span("ab\ncd\n", 1), (0, 2));
        assert_eq!(line_span("ab\ncd\n", 2), (3, 5));
        assert_eq!(line_span("ab\ncd\n", 3), (6, 6));
        assert_eq!(line_span("é\nx", 2), (2, 3));
    }

    #[test]
    fn markers_merge_per_line() {
        let m = |line, severity, text: &str| Marker {
            line,
            severity,
            text: text.into(),
        };
        let merged = by_line(&[
            m(3, Severity::Warning, "w"),
            m(3, Severity::Error, "e"),
            m(3, Severity::Error, "e"),
            m(9, Severity::Warning, "w2"),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].severity, Severity::Error);
        assert_eq!(merged[0].texts, vec!["w", "e"]);
    }
}
