//! Several labelled lines over time buckets, with a legend (the Trends page).

use anyhow::anyhow;
use chrono::NaiveDate;
use plotters::prelude::*;

/// Line colours, one per series (cycled).
const PALETTE: [RGBColor; 8] = [
    RGBColor(37, 99, 235),
    RGBColor(220, 38, 38),
    RGBColor(22, 163, 74),
    RGBColor(217, 119, 6),
    RGBColor(124, 58, 237),
    RGBColor(8, 145, 178),
    RGBColor(219, 39, 119),
    RGBColor(75, 85, 99),
];

/// One line per `(label, values)`, a value per bucket (None: no point there).
pub fn over_time(
    buckets: &[NaiveDate],
    series: &[(String, Vec<Option<f64>>)],
    y_desc: &str,
    label_format: &str,
    title: &str,
) -> anyhow::Result<String> {
    if buckets.is_empty() || series.is_empty() {
        return super::empty(960, 320, title);
    }
    super::svg((960, 320), title, |root| {
        let max = series
            .iter()
            .flat_map(|s| s.1.iter().flatten())
            .fold(0.0f64, |a, &b| a.max(b))
            .max(1.0);
        let last = buckets.len().saturating_sub(1).max(1) as i32;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d(0..last, 0.0..max * 1.1)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(buckets.len().min(12))
            .x_label_formatter(&|i| {
                buckets
                    .get(*i as usize)
                    .map(|d| d.format(label_format).to_string())
                    .unwrap_or_default()
            })
            .y_desc(y_desc)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (k, (label, values)) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let points: Vec<(i32, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i as i32, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                .map_err(|e| anyhow!("{e}"))?
                .label(label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(super::INK.mix(0.3))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_series_with_its_legend_label() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let buckets = [d("2026-01-05"), d("2026-01-12"), d("2026-01-19")];
        let series = vec![
            ("billing".to_string(), vec![Some(3.0), Some(5.0), None]),
            (
                "shipping".to_string(),
                vec![Some(1.0), Some(2.0), Some(8.0)],
            ),
        ];
        let svg = over_time(&buckets, &series, "tickets", "%d %b", "Tickets per week").unwrap();
        assert!(svg.contains("<title>Tickets per week</title>"));
        assert!(
            svg.contains("\nbilling\n</text>") && svg.contains("\nshipping\n</text>"),
            "legend labels"
        );
        assert!(svg.contains("12 Jan"), "bucket labels");
        // Each series' colour: its line and its legend mark.
        assert_eq!(svg.matches("stroke=\"#2563EB\"").count(), 2);
        assert_eq!(svg.matches("stroke=\"#DC2626\"").count(), 2);
    }

    #[test]
    fn says_so_when_empty() {
        let svg = over_time(&[], &[], "tickets", "%d %b", "Empty").unwrap();
        assert!(svg.contains("No tickets yet"));
    }
}
