//! Charts drawn with plotters into SVG strings on the server: pure functions of their data.

pub mod confusion;
pub mod curve;
pub mod heatmap;
pub mod line;
pub mod scatter;

/// Adds an accessible title and role to a plotters SVG document.
pub fn titled(svg: String, title: &str) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    match svg.find('>') {
        Some(end) if svg.starts_with("<svg") => {
            let (head, rest) = svg.split_at(end);
            format!(
                "{head} role=\"img\" aria-label=\"{escaped}\"><title>{escaped}</title>{}",
                &rest[1..]
            )
        }
        _ => svg,
    }
}
