//! Line charts of counts over days.

use anyhow::anyhow;
use chrono::NaiveDate;
use plotters::prelude::*;

/// A line chart of one count per day, labelled with months.
pub fn daily_volume(points: &[(NaiveDate, i64)], title: &str) -> anyhow::Result<String> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return super::empty(960, 280, title);
    };
    super::svg((960, 280), title, |root| {
        let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
        let span = (last.0 - first.0).num_days().max(1) as i32;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(0..span, 0..(max + max / 10 + 1))
            .map_err(|e| anyhow!("{e}"))?;
        let start = first.0;
        // Day labels for up to three months, month labels beyond.
        let label_format = if span <= 92 { "%d %b" } else { "%b %Y" };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(12)
            .x_label_formatter(&|d| {
                (start + chrono::Duration::days(i64::from(*d)))
                    .format(label_format)
                    .to_string()
            })
            .y_desc("tickets")
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        let series = points
            .iter()
            .map(|(d, n)| ((*d - start).num_days() as i32, *n));
        chart
            .draw_series(LineSeries::new(
                series,
                RGBColor(37, 99, 235).stroke_width(2),
            ))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_titled_line() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let pts: Vec<_> = (0..60)
            .map(|i| (d + chrono::Duration::days(i), i * 2))
            .collect();
        let svg = daily_volume(&pts, "Tickets per day").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Tickets per day</title>"));
        assert!(svg.contains("<polyline") || svg.contains("<path"));
        assert!(svg.contains("01 Jan"), "day labels for two months");
        let year: Vec<_> = (0..365)
            .map(|i| (d + chrono::Duration::days(i), i))
            .collect();
        let svg = daily_volume(&year, "Tickets per day").unwrap();
        assert!(svg.contains("Jan 2025"), "month labels for a year");
    }

    #[test]
    fn says_so_when_empty() {
        let svg = daily_volume(&[], "x").unwrap();
        assert!(svg.contains("No tickets yet"));
    }
}
