//! Charts drawn with plotters into SVG strings on the server: pure functions of their data.

pub mod confusion;
pub mod curve;
pub mod heatmap;
pub mod line;
pub mod lines;
pub mod scatter;
pub mod trajectory;

/// Text colour of chart labels.
pub const INK: plotters::style::RGBColor = plotters::style::RGBColor(31, 41, 55);

/// White for a share of 0, shading to blue for a share of 1 (heatmap cells).
pub fn shade(share: f64) -> plotters::style::RGBColor {
    let s = share.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * s).round() as u8;
    plotters::style::RGBColor(mix(255.0, 37.0), mix(255.0, 99.0), mix(255.0, 235.0))
}

/// Sans-serif text of `size` in `colour`, anchored horizontally at `h` and centred vertically.
pub fn label_style(
    size: i32,
    colour: plotters::style::RGBColor,
    h: plotters::style::text_anchor::HPos,
) -> plotters::style::TextStyle<'static> {
    use plotters::style::text_anchor::{Pos, VPos};
    use plotters::style::{Color, IntoFont};
    ("sans-serif", size)
        .into_font()
        .color(&colour.to_rgba())
        .pos(Pos::new(h, VPos::Center))
}

/// The area a chart draws on.
pub type Area<'a> =
    plotters::drawing::DrawingArea<plotters::backend::SVGBackend<'a>, plotters::coord::Shift>;

/// Draws a `size` SVG on white with `draw`, and titles it for screen readers.
pub fn svg(
    size: (u32, u32),
    title: &str,
    draw: impl FnOnce(&Area) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    use plotters::prelude::*;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
        draw(&root)?;
        root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(titled(svg, title))
}

/// A `width` × `height` chart that only says there is nothing to draw yet.
pub fn empty(width: u32, height: u32, title: &str) -> anyhow::Result<String> {
    svg((width, height), title, |root| {
        let at = (width as i32 / 2 - 60, height as i32 / 2 - 10);
        let text = plotters::element::Text::new("No tickets yet", at, ("sans-serif", 16));
        root.draw(&text).map_err(|e| anyhow::anyhow!("{e}"))
    })
}

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
