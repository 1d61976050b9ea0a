//! The confusion matrix as an SVG heatmap (counts or row-normalised).

use super::{label_style, shade, INK};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const CELL: i32 = 88;
const LEFT: i32 = 130;
const TOP: i32 = 16;
const BOTTOM: i32 = 60;
const RIGHT: i32 = 16;

/// Draws `matrix` (rows = gold class, columns = predicted class, both in `classes` order).
///
/// Each cell shows its count, or with `normalised` its share of the gold row as a percentage;
/// the colour always follows the row share. Cells missing from a ragged matrix count as 0.
pub fn confusion_svg(
    classes: &[&str],
    matrix: &[Vec<u64>],
    normalised: bool,
    title: &str,
) -> String {
    let n = classes.len() as i32;
    let size = (
        (LEFT + n.max(2) * CELL + RIGHT) as u32,
        (TOP + n.max(1) * CELL + BOTTOM) as u32,
    );
    let mut svg = String::new();
    // Drawing into a String cannot fail for I/O reasons; a drawing error leaves a partial chart.
    let _ = draw(&mut svg, size, classes, matrix, normalised);
    super::titled(svg, title)
}

fn draw(
    svg: &mut String,
    size: (u32, u32),
    classes: &[&str],
    matrix: &[Vec<u64>],
    normalised: bool,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let n = classes.len() as i32;
    if n == 0 {
        root.draw(&Text::new(
            "No data",
            (LEFT, TOP + 40),
            label_style(16, INK, HPos::Left),
        ))?;
        return root.present();
    }
    let count = |g: usize, p: usize| matrix.get(g).and_then(|row| row.get(p)).copied();
    let grid_bottom = TOP + n * CELL;
    for (g, gold) in classes.iter().enumerate() {
        let row_total: u64 = (0..classes.len()).filter_map(|p| count(g, p)).sum();
        let y = TOP + g as i32 * CELL;
        for p in 0..classes.len() {
            let value = count(g, p).unwrap_or(0);
            let share = if row_total == 0 {
                0.0
            } else {
                value as f64 / row_total as f64
            };
            let x = LEFT + p as i32 * CELL;
            root.draw(&Rectangle::new(
                [(x, y), (x + CELL, y + CELL)],
                shade(share).filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x, y), (x + CELL, y + CELL)],
                WHITE.stroke_width(2),
            ))?;
            let label = if normalised {
                format!("{:.1}%", share * 100.0)
            } else {
                value.to_string()
            };
            let ink = if share > 0.55 { WHITE } else { INK };
            let centre = (x + CELL / 2, y + CELL / 2);
            root.draw(&Text::new(
                label,
                centre,
                label_style(18, ink, HPos::Center),
            ))?;
        }
        let name = (*gold).to_string();
        root.draw(&Text::new(
            name,
            (LEFT - 8, y + CELL / 2),
            label_style(15, INK, HPos::Right),
        ))?;
    }
    for (p, predicted) in classes.iter().enumerate() {
        let x = LEFT + p as i32 * CELL + CELL / 2;
        let name = (*predicted).to_string();
        root.draw(&Text::new(
            name,
            (x, grid_bottom + 14),
            label_style(15, INK, HPos::Center),
        ))?;
    }
    let across = (LEFT + n * CELL / 2, grid_bottom + 42);
    root.draw(&Text::new(
        "Predicted",
        across,
        label_style(16, INK, HPos::Center),
    ))?;
    let rotated = ("sans-serif", 16)
        .into_font()
        .transform(FontTransform::Rotate270)
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new("Gold", (16, TOP + n * CELL / 2), rotated))?;
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSES: [&str; 3] = ["negative", "neutral", "positive"];

    fn matrix() -> Vec<Vec<u64>> {
        vec![vec![37, 9, 4], vec![12, 61, 7], vec![3, 8, 59]]
    }

    #[test]
    fn shows_counts_names_and_title() {
        let svg = confusion_svg(&CLASSES, &matrix(), false, "Lexicon on TweetEval");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Lexicon on TweetEval</title>"));
        for row in matrix() {
            for v in row {
                assert!(svg.contains(&format!("\n{v}\n")), "count {v} missing");
            }
        }
        for name in CLASSES {
            assert!(svg.contains(&format!("\n{name}\n")), "{name} missing");
        }
        assert!(svg.contains("\nPredicted\n") && svg.contains("\nGold\n"));
        assert!(svg.contains("rotate(270"));
        assert!(!svg.contains('%'));
    }

    #[test]
    fn normalised_cells_show_row_percentages() {
        let svg = confusion_svg(&CLASSES, &matrix(), true, "t");
        // negative row: 37 / 50 = 74%, 9 / 50 = 18%, 4 / 50 = 8%; neutral 61 / 80 = 76.25%.
        for pct in ["74.0%", "18.0%", "8.0%", "76.2%"] {
            assert!(svg.contains(pct), "{pct} missing");
        }
        assert!(!svg.contains("\n37\n"));
    }

    #[test]
    fn colour_follows_the_row_share() {
        assert_eq!(shade(0.0), RGBColor(255, 255, 255));
        assert_eq!(shade(1.0), RGBColor(37, 99, 235));
        // The full-share cell of a one-item row gets the darkest fill.
        let svg = confusion_svg(&["a", "b"], &[vec![0, 1], vec![0, 0]], false, "t");
        assert!(svg.contains("#2563EB") || svg.contains("#2563eb"));
    }

    #[test]
    fn copes_with_empty_and_ragged_input() {
        assert!(confusion_svg(&[], &[], false, "t").contains("No data"));
        let svg = confusion_svg(&CLASSES, &[vec![5]], true, "t");
        assert!(svg.contains("100.0%") && svg.contains("0.0%"));
    }
}
