//! The confusion matrix as an SVG heatmap (counts or row-normalised).
