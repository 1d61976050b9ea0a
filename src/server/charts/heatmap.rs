//! A labelled heatmap as SVG: plotters draws the grid, labels and legend; each cell then becomes a link with a `<title>` for hover.

use super::{label_style, shade, INK};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const LEFT: i32 = 170;
const TOP: i32 = 16;
const BOTTOM: i32 = 96;
const RIGHT: i32 = 24;
const LEGEND_HEIGHT: i32 = 14;

/// What one heatmap shows.
pub struct Heatmap<'a> {
    pub title: &'a str,
    pub rows: &'a [String],
    pub columns: &'a [String],
    /// `values[row][column]`; None: no tickets there (drawn grey).
    pub values: &'a [Vec<Option<f64>>],
    /// How a value is written in its cell and title.
    pub format: &'a dyn Fn(f64) -> String,
    /// What a value means, for the legend ("tickets", "negative share").
    pub measure: &'a str,
    /// Where clicking a cell leads.
    pub link: &'a dyn Fn(usize, usize) -> String,
    pub cell: (i32, i32),
    /// Values either side of zero (a change): red below, blue above, white at zero.
    pub diverging: bool,
}

/// The colour of a cell worth `share` of the largest magnitude, below zero when `negative`.
fn tint(share: f64, negative: bool) -> RGBColor {
    if !negative {
        return shade(share);
    }
    let s = share.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * s).round() as u8;
    RGBColor(mix(255.0, 220.0), mix(255.0, 38.0), mix(255.0, 38.0))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Distinct row or column keys in order of their summed counts, largest first (ties by name).
pub fn by_volume<'a>(cells: impl Iterator<Item = (&'a str, i64)>) -> Vec<String> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (key, n) in cells {
        match totals.iter_mut().find(|t| t.0 == key) {
            Some(t) => t.1 += n,
            None => totals.push((key.to_string(), n)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals.into_iter().map(|t| t.0).collect()
}

/// The SVG document of `map`.
pub fn heatmap_svg(map: &Heatmap) -> String {
    let (cw, ch) = map.cell;
    let (nr, nc) = (map.rows.len() as i32, map.columns.len() as i32);
    let size = (
        (LEFT + nc.max(1) * cw + RIGHT) as u32,
        (TOP + nr.max(1) * ch + BOTTOM) as u32,
    );
    let max = map
        .values
        .iter()
        .flatten()
        .flatten()
        .fold(0f64, |m, v| m.max(if map.diverging { v.abs() } else { *v }));
    let mut svg = String::new();
    // Drawing into a String cannot fail for I/O reasons; a drawing error leaves a partial chart.
    let _ = draw(&mut svg, size, map, max);
    super::titled(link_cells(svg, map), map.title)
}

fn cell_origin(map: &Heatmap, r: usize, c: usize) -> (i32, i32) {
    (LEFT + c as i32 * map.cell.0, TOP + r as i32 * map.cell.1)
}

fn draw(
    svg: &mut String,
    size: (u32, u32),
    map: &Heatmap,
    max: f64,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    if map.rows.is_empty() || map.columns.is_empty() {
        root.draw(&Text::new(
            "No tickets in this selection",
            (LEFT, TOP + 30),
            label_style(16, INK, HPos::Left),
        ))?;
        return root.present();
    }
    let (cw, ch) = map.cell;
    for (r, name) in map.rows.iter().enumerate() {
        for c in 0..map.columns.len() {
            let (x, y) = cell_origin(map, r, c);
            let value = map
                .values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .flatten();
            let share = value.map_or(0.0, |v| if max > 0.0 { v.abs() / max } else { 0.0 });
            let fill = match value {
                Some(v) => tint(share, v < 0.0),
                None => RGBColor(243, 244, 246),
            };
            root.draw(&Rectangle::new([(x, y), (x + cw, y + ch)], fill.filled()))?;
            root.draw(&Rectangle::new(
                [(x, y), (x + cw, y + ch)],
                WHITE.stroke_width(1),
            ))?;
            if let (Some(v), true) = (value, cw >= 40) {
                let ink = if share > 0.55 { WHITE } else { INK };
                root.draw(&Text::new(
                    (map.format)(v),
                    (x + cw / 2, y + ch / 2),
                    label_style(12, ink, HPos::Center),
                ))?;
            }
        }
        root.draw(&Text::new(
            name.clone(),
            (LEFT - 8, TOP + r as i32 * ch + ch / 2),
            label_style(13, INK, HPos::Right),
        ))?;
    }
    let bottom = TOP + map.rows.len() as i32 * ch;
    let rotated = ("sans-serif", 12)
        .into_font()
        .transform(FontTransform::Rotate270)
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (c, name) in map.columns.iter().enumerate() {
        let x = LEFT + c as i32 * cw + cw / 2;
        root.draw(&Text::new(name.clone(), (x, bottom + 6), rotated.clone()))?;
    }
    // Legend: a bar from 0 (or minus the largest magnitude) to the largest value.
    let legend_y = size.1 as i32 - LEGEND_HEIGHT - 8;
    let legend_x = LEFT;
    let width = 200;
    for i in 0..width {
        let s = i as f64 / width as f64;
        let colour = if map.diverging {
            tint((2.0 * s - 1.0).abs(), s < 0.5)
        } else {
            shade(s)
        };
        root.draw(&Rectangle::new(
            [
                (legend_x + i, legend_y),
                (legend_x + i + 1, legend_y + LEGEND_HEIGHT),
            ],
            colour.filled(),
        ))?;
    }
    root.draw(&Text::new(
        (map.format)(if map.diverging { -max } else { 0.0 }),
        (legend_x - 6, legend_y + LEGEND_HEIGHT / 2),
        label_style(12, INK, HPos::Right),
    ))?;
    root.draw(&Text::new(
        format!("{} {}", (map.format)(max), map.measure),
        (legend_x + width + 6, legend_y + LEGEND_HEIGHT / 2),
        label_style(12, INK, HPos::Left),
    ))?;
    root.present()
}

/// Wraps each cell's filled rectangle in a link and gives it a `<title>`: plotters writes every
/// rectangle as `<rect x=".." y=".." width=".." height=".." .../>`, the cell's fill first.
fn link_cells(mut svg: String, map: &Heatmap) -> String {
    let (cw, ch) = map.cell;
    for (r, row) in map.rows.iter().enumerate() {
        for (c, column) in map.columns.iter().enumerate() {
            let (x, y) = cell_origin(map, r, c);
            let key = format!("<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{ch}\"");
            let Some(start) = svg.find(&key) else {
                continue;
            };
            let Some(len) = svg[start..].find("/>") else {
                continue;
            };
            let value = map
                .values
                .get(r)
                .and_then(|v| v.get(c))
                .copied()
                .flatten()
                .map_or_else(
                    || "no tickets".to_string(),
                    |v| format!("{} {}", (map.format)(v), map.measure),
                );
            let title = escape(&format!("{row} × {column}: {value}"));
            let href = escape(&(map.link)(r, c));
            let rect = &svg[start..start + len];
            let linked = format!("<a href=\"{href}\">{rect}><title>{title}</title></rect></a>");
            svg.replace_range(start..start + len + 2, &linked);
        }
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_links_to_its_tickets_with_a_title() {
        let rows = vec!["Aero Buds".to_string(), "Nova <Phone>".to_string()];
        let columns = vec![
            "billing".to_string(),
            "shipping".to_string(),
            "login".to_string(),
        ];
        let values = vec![
            vec![Some(12.0), Some(3.0), None],
            vec![Some(0.0), Some(40.0), Some(7.0)],
        ];
        let svg = heatmap_svg(&Heatmap {
            title: "Product × category",
            rows: &rows,
            columns: &columns,
            values: &values,
            format: &|v| format!("{v:.0}"),
            measure: "tickets",
            link: &|r, c| format!("/tickets?row={r}&col={c}"),
            cell: (64, 28),
            diverging: false,
        });
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Product × category</title>"));
        assert_eq!(svg.matches("<a href=").count(), 6, "one link per cell");
        assert!(svg.contains("<a href=\"/tickets?row=1&amp;col=1\">"));
        assert!(svg.contains("<title>Nova &lt;Phone&gt; × shipping: 40 tickets</title>"));
        assert!(svg.contains("<title>Aero Buds × login: no tickets</title>"));
        assert!(svg.contains("40 tickets"), "legend names the largest value");
    }

    #[test]
    fn an_empty_selection_says_so() {
        let svg = heatmap_svg(&Heatmap {
            title: "t",
            rows: &[],
            columns: &[],
            values: &[],
            format: &|v| format!("{v}"),
            measure: "tickets",
            link: &|_, _| String::new(),
            cell: (40, 20),
            diverging: false,
        });
        assert!(svg.contains("No tickets in this selection"));
    }

    #[test]
    fn a_diverging_map_colours_falls_red_and_rises_blue() {
        let rows = vec!["billing".to_string()];
        let columns = vec!["Ann".to_string(), "Bo".to_string()];
        let values = vec![vec![Some(-0.5), Some(0.25)]];
        let svg = heatmap_svg(&Heatmap {
            title: "Shift",
            rows: &rows,
            columns: &columns,
            values: &values,
            format: &|v| format!("{v:+.2}"),
            measure: "mean change",
            link: &|_, _| String::new(),
            cell: (64, 28),
            diverging: true,
        });
        let fill = |c: RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        assert!(
            svg.contains(&fill(tint(1.0, true))),
            "the largest fall at full red"
        );
        assert!(
            svg.contains(&fill(tint(0.5, false))),
            "a rise half as large"
        );
        assert!(
            svg.contains("-0.50 "),
            "the legend runs from minus the largest magnitude"
        );
        assert!(svg.contains("+0.50 mean change"));
    }
}
