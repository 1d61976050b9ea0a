//! The fictional company's product catalogue and issue categories, with their ticket volumes.

/// Issue categories, in a fixed order that the weight tables below follow.
pub const CATEGORIES: &[&str] = &[
    "billing",
    "refund",
    "shipping",
    "account access",
    "connectivity",
    "hardware defect",
    "software bug",
    "setup",
    "feature request",
    "cancellation",
];

/// Indexes in [`CATEGORIES`] of the categories that the code treats specially.
pub(crate) mod cat {
    pub const BILLING: usize = 0;
    pub const REFUND: usize = 1;
    pub const SHIPPING: usize = 2;
}

/// One product: its line, relative ticket volume and list price in dollars.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Product {
    pub name: &'static str,
    pub line: usize,
    pub weight: f64,
    pub price: f64,
}

/// A product line and the share of each category (in [`CATEGORIES`] order) among its tickets.
pub(crate) struct Line {
    pub name: &'static str,
    pub category_weights: [f64; 10],
    /// Whether products are subscriptions (cancel a "subscription") or goods (cancel an "order").
    pub subscription: bool,
}

pub(crate) const LINES: &[Line] = &[
    Line {
        name: "Smart Home",
        category_weights: [5.0, 7.0, 10.0, 7.0, 22.0, 11.0, 11.0, 16.0, 7.0, 4.0],
        subscription: false,
    },
    Line {
        name: "Audio",
        category_weights: [5.0, 10.0, 12.0, 3.0, 20.0, 20.0, 7.0, 8.0, 8.0, 4.0],
        subscription: false,
    },
    Line {
        name: "Wearables",
        category_weights: [5.0, 9.0, 11.0, 6.0, 13.0, 15.0, 17.0, 9.0, 10.0, 5.0],
        subscription: false,
    },
    Line {
        name: "Computing",
        category_weights: [6.0, 10.0, 12.0, 6.0, 10.0, 20.0, 17.0, 10.0, 6.0, 3.0],
        subscription: false,
    },
    Line {
        name: "Mobile",
        category_weights: [8.0, 10.0, 14.0, 8.0, 14.0, 18.0, 12.0, 7.0, 5.0, 4.0],
        subscription: false,
    },
    Line {
        name: "Software & Subscriptions",
        category_weights: [24.0, 13.0, 0.0, 18.0, 8.0, 0.0, 15.0, 6.0, 7.0, 9.0],
        subscription: true,
    },
];

const fn p(name: &'static str, line: usize, weight: f64, price: f64) -> Product {
    Product {
        name,
        line,
        weight,
        price,
    }
}

/// Thirty products; the weights are deliberately skewed (a few best-sellers get most tickets).
pub(crate) const PRODUCTS: &[Product] = &[
    p("Lumen Hub 2", 0, 9.0, 129.0),
    p("Lumen Bulb Color", 0, 5.0, 24.99),
    p("Sentry Cam 360", 0, 6.0, 89.0),
    p("Thermo Smart T3", 0, 3.0, 199.0),
    p("Lumen Plug Mini", 0, 1.5, 19.99),
    p("Aria Buds Pro", 1, 10.0, 179.0),
    p("Aria Buds Lite", 1, 4.0, 79.0),
    p("Aria Max Headphones", 1, 3.0, 329.0),
    p("Echoform Soundbar", 1, 2.5, 449.0),
    p("Aria Speaker Go", 1, 1.5, 99.0),
    p("Pulse Watch 3", 2, 8.0, 249.0),
    p("Pulse Band Fit", 2, 4.0, 69.0),
    p("Pulse Ring", 2, 1.2, 299.0),
    p("Pulse Watch Kids", 2, 1.5, 119.0),
    p("Orbit Glasses", 2, 0.8, 379.0),
    p("Nova Laptop 14", 3, 6.0, 1099.0),
    p("Nova Laptop 16 Pro", 3, 3.0, 1899.0),
    p("Nova Tab 11", 3, 4.0, 549.0),
    p("Keystone Keyboard", 3, 1.2, 89.0),
    p("Glide Mouse X", 3, 1.3, 59.0),
    p("Vega Phone 12", 4, 9.0, 899.0),
    p("Vega Phone 12 Mini", 4, 4.0, 699.0),
    p("Vega Charger 65W", 4, 2.0, 39.0),
    p("Vega Case Armor", 4, 0.8, 29.0),
    p("Vega Power Bank", 4, 1.2, 49.0),
    p("StreamPass Premium", 5, 8.0, 14.99),
    p("Nimbus Cloud Backup", 5, 5.0, 9.99),
    p("Lumen Home Plus", 5, 3.0, 4.99),
    p("GuardNet VPN", 5, 3.0, 11.99),
    p("Pulse Coach+", 5, 2.0, 7.99),
];

/// Product lines with their product names, in catalogue order.
pub fn product_lines() -> Vec<(&'static str, Vec<&'static str>)> {
    LINES
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let products = PRODUCTS.iter().filter(|p| p.line == i).map(|p| p.name);
            (line.name, products.collect())
        })
        .collect()
}

/// Index of a product by name.
pub(crate) fn product_index(name: &str) -> Option<usize> {
    PRODUCTS.iter().position(|p| p.name == name)
}

/// Index of a category by name.
pub(crate) fn category_index(name: &str) -> Option<usize> {
    CATEGORIES.iter().position(|c| *c == name)
}

/// Expected share of all tickets that are about `product` and `category` (before seasonality).
pub(crate) fn share(product: usize, category: usize) -> f64 {
    let total: f64 = PRODUCTS.iter().map(|p| p.weight).sum();
    let prod = &PRODUCTS[product];
    let weights = &LINES[prod.line].category_weights;
    let line_total: f64 = weights.iter().sum();
    prod.weight / total * weights[category] / line_total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_thirty_products_in_six_lines() {
        let lines = product_lines();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines.iter().map(|(_, p)| p.len()).sum::<usize>(), 30);
        assert!(lines.iter().all(|(_, p)| p.len() == 5));
        assert_eq!(CATEGORIES.len(), LINES[0].category_weights.len());
    }

    #[test]
    fn shares_sum_to_one() {
        let total: f64 = (0..PRODUCTS.len())
            .flat_map(|p| (0..CATEGORIES.len()).map(move |c| share(p, c)))
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
