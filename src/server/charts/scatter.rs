//! The cluster scatter: tickets on the PCA plane, coloured by cluster, with a legend.

use anyhow::anyhow;
use plotters::prelude::*;

/// Colours of clusters 0, 1, ...; repeats after twelve (Tableau 20, darker half).
pub const PALETTE: [(u8, u8, u8); 12] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (57, 59, 121),
    (99, 121, 57),
];

/// The colour of cluster `idx` as CSS.
pub fn css_colour(idx: usize) -> String {
    let (r, g, b) = PALETTE[idx % PALETTE.len()];
    format!("rgb({r},{g},{b})")
}

/// A scatter of (cluster index, x, y) with one legend entry per cluster label.
pub fn clusters(
    points: &[(usize, f32, f32)],
    labels: &[String],
    title: &str,
) -> anyhow::Result<String> {
    super::svg((720, 480), title, |root| {
        if points.is_empty() {
            root.draw(&Text::new(
                "No clusters yet",
                (300, 230),
                ("sans-serif", 16),
            ))
            .map_err(|e| anyhow!("{e}"))?;
            return Ok(());
        }
        let range = |f: fn(&(usize, f32, f32)) -> f32| {
            let (lo, hi) = points
                .iter()
                .map(f)
                .fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
            let pad = ((hi - lo) * 0.05).max(1e-3);
            (lo - pad)..(hi + pad)
        };
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(range(|p| p.1), range(|p| p.2))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("first principal component")
            .y_desc("second principal component")
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (idx, label) in labels.iter().enumerate() {
            let (r, g, b) = PALETTE[idx % PALETTE.len()];
            let colour = RGBColor(r, g, b);
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.0 == idx)
                        .map(|p| Circle::new((p.1, p.2), 2, colour.mix(0.7).filled())),
                )
                .map_err(|e| anyhow!("{e}"))?
                .label(label.clone())
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_cluster_in_its_colour_with_a_legend() {
        let pts = vec![(0, 0.0, 0.0), (0, 0.1, 0.2), (1, 3.0, 3.0)];
        let svg = clusters(&pts, &["refunds".into(), "login".into()], "Clusters").unwrap();
        assert!(svg.contains("<title>Clusters</title>"));
        assert_eq!(svg.matches("<circle").count(), 3 + 2);
        assert!(svg.contains("refunds") && svg.contains("login"));
        assert!(svg.contains("#1F77B4") || svg.contains("31,119,180") || svg.contains("#1f77b4"));
    }

    #[test]
    fn says_so_when_empty() {
        assert!(clusters(&[], &[], "x").unwrap().contains("No clusters yet"));
    }
}
