//! A conversation's sentiment trajectory: one point per scored customer message, -1 to 1.

use anyhow::anyhow;
use plotters::prelude::*;

/// Customer message number (1-based) against its score, with the neutral line at 0.
pub fn trajectory(scores: &[f32], title: &str) -> anyhow::Result<String> {
    if scores.is_empty() {
        return super::empty(360, 140, title);
    }
    super::svg((360, 140), title, |root| {
        let n = scores.len() as i32;
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(20)
            .y_label_area_size(36)
            .build_cartesian_2d(0..(n + 1), -1.0f32..1.0f32)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels((n + 2).min(12) as usize)
            .x_label_formatter(&|i| {
                if (1..=n).contains(i) {
                    i.to_string()
                } else {
                    String::new()
                }
            })
            .y_labels(5)
            .y_label_formatter(&|v| format!("{v:+.1}"))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(LineSeries::new(
                [(0, 0.0), (n + 1, 0.0)],
                RGBColor(156, 163, 175),
            ))
            .map_err(|e| anyhow!("{e}"))?;
        let points = scores.iter().enumerate().map(|(i, s)| (i as i32 + 1, *s));
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                RGBColor(37, 99, 235).stroke_width(2),
            ))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(points.map(|p| {
                let colour = if p.1 < -0.2 {
                    RGBColor(220, 38, 38)
                } else if p.1 > 0.2 {
                    RGBColor(22, 163, 74)
                } else {
                    RGBColor(107, 114, 128)
                };
                Circle::new(p, 4, colour.filled())
            }))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_one_point_per_message() {
        let svg = trajectory(&[0.1, -0.6, -0.8], "Sentiment over the conversation").unwrap();
        assert!(svg.contains("<title>Sentiment over the conversation</title>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(trajectory(&[], "x").unwrap().contains("No"));
    }
}
