//! The learning curve of a local model: macro-F1 against the number of training examples.

use anyhow::anyhow;
use plotters::prelude::*;

/// A line with points of (training examples, macro-F1), on a logarithmic x axis.
pub fn learning_curve(points: &[(usize, f64)], title: &str) -> anyhow::Result<String> {
    super::svg((560, 280), title, |root| {
        let max_n = points.iter().map(|p| p.0).max().unwrap_or(1).max(2) as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d((1f64..max_n * 1.2).log_scale(), 0f64..1f64)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .x_desc("training examples")
            .y_desc("macro-F1")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        let line: Vec<(f64, f64)> = points.iter().map(|(n, f)| (*n as f64, *f)).collect();
        let blue = RGBColor(37, 99, 235);
        chart
            .draw_series(LineSeries::new(line.clone(), blue.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(line.iter().map(|p| Circle::new(*p, 4, blue.filled())))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(line.iter().map(|(x, y)| {
                Text::new(
                    format!("{y:.2}"),
                    (*x, (*y + 0.06).min(0.98)),
                    ("sans-serif", 12),
                )
            }))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_point_with_its_score() {
        let svg =
            learning_curve(&[(50, 0.41), (200, 0.55), (1600, 0.68)], "Learning curve").unwrap();
        assert!(svg.contains("<title>Learning curve</title>"));
        for label in ["0.41", "0.55", "0.68", "macro-F1", "training examples"] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert_eq!(svg.matches("<circle").count(), 3);
    }
}
