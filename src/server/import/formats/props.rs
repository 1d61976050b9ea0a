//! Property tests: every record of every layout becomes a storable ticket or is refused with a reason.

use super::*;
use chrono::{Datelike, FixedOffset, NaiveDate, Offset, TimeZone};
use proptest::prelude::*;
use proptest::sample::select;

const FORMATS: [Format; 4] = [
    Format::Ticketlens,
    Format::Kaggle,
    Format::Multilang,
    Format::Twcs,
];

/// The columns a layout reads besides its required ones.
fn optional(format: Format) -> &'static [&'static str] {
    match format {
        Format::Ticketlens => ticketlens::COLUMNS,
        Format::Kaggle => &[
            "First Response Time",
            "Time to Resolution",
            "Customer Satisfaction Rating",
            "Customer Email",
            "Customer Name",
            "Ticket Subject",
            "Product Purchased",
            "Ticket Type",
        ],
        Format::Multilang => &["id", "business_type", "language"],
        Format::Twcs => &["in_response_to_tweet_id", "response_tweet_id"],
    }
}

/// A date-time in one of the styles the layouts use, years 0 and 10000 included.
fn date_cell() -> impl Strategy<Value = String> {
    let styles = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%:z",
        "%Y-%m-%d",
        "%a %b %d %T %z %Y",
    ];
    let year = prop_oneof![0i32..=1, 1990..2030, 9999..=10_000];
    (
        year,
        1u32..=12,
        1u32..=28,
        0u32..86_400,
        -86_000i32..86_000,
        select(styles.to_vec()),
    )
        .prop_map(|(y, m, d, secs, offset, style)| {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            let time = day
                .and_hms_opt(secs / 3600, secs / 60 % 60, secs % 60)
                .unwrap_or_default();
            let zone = FixedOffset::east_opt(offset).unwrap_or(Utc.fix());
            zone.from_utc_datetime(&time).format(style).to_string()
        })
}

/// Cell contents: words the layouts accept, dates, and anything else.
pub(in crate::server::import) fn cell() -> impl Strategy<Value = String> {
    let words = [
        "high", "Email", "open", "True", "4.0", "7", "NaN", "yes", "positive", "\0", "",
    ];
    prop_oneof![
        4 => select(words.to_vec()).prop_map(str::to_string),
        2 => date_cell(),
        1 => "[ \"\n\r,\0]{0,3}",
        2 => any::<String>(),
    ]
}

/// Mostly what a column of that name holds in real files (so many rows are taken), else anything.
fn cell_for(column: &str) -> BoxedStrategy<String> {
    let words: &[&'static str] = match column {
        "priority" | "Ticket Priority" => &["high", "P1", "Critical", " low "],
        "channel" | "Ticket Channel" => &["Email", "social media", "Chat", "phone"],
        "status" | "Ticket Status" => &["open", "Pending Customer Response", "Closed"],
        "csat" | "Customer Satisfaction Rating" => &["1", "4.0", "5", "7", "NaN", ""],
        "sentiment" => &["positive", "neg", "2", ""],
        "escalate" => &["true", "no", ""],
        "inbound" => &["True", "False"],
        "in_response_to_tweet_id" | "response_tweet_id" | "id" => &["", "", "12"],
        c if c.contains("_at") || c.contains("Time") => return date_cell().boxed(),
        _ => &[
            "refund please",
            "@AppleSupport hi\\n<br>",
            "a\0",
            "\0",
            " \0 ",
            "x",
            "",
        ],
    };
    let text = prop_oneof![3 => select(words).prop_map(str::to_string), 1 => any::<String>()];
    prop_oneof![8 => text, 1 => cell()].boxed()
}

/// A layout, a header (its required columns, rarely one short, some optional ones, maybe a
/// stray), and records, rarely of the wrong length.
pub(in crate::server::import) fn table(
) -> impl Strategy<Value = (Format, Vec<String>, Vec<Vec<String>>)> {
    select(FORMATS.to_vec())
        .prop_flat_map(|format| {
            let required = format
                .required()
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>();
            let optional = optional(format)
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>();
            let n = optional.len();
            let header = (
                proptest::sample::subsequence(optional, 0..=n),
                proptest::option::weighted(0.1, 0..required.len()),
                proptest::option::weighted(0.1, "[A-Za-z _]{0,8}"),
            )
                .prop_map(move |(extra, drop, stray)| {
                    let mut h = required.clone();
                    let extra: Vec<String> = extra.into_iter().filter(|c| !h.contains(c)).collect();
                    h.extend(extra);
                    if let Some(i) = drop {
                        h.remove(i);
                    }
                    h.extend(stray);
                    h
                })
                .prop_shuffle();
            (Just(format), header)
        })
        .prop_flat_map(|(format, header)| {
            let cells: Vec<_> = header.iter().map(|c| cell_for(c)).collect();
            let ragged =
                (0..header.len() + 2).prop_flat_map(|w| proptest::collection::vec(cell(), w));
            let row = prop_oneof![20 => cells, 1 => ragged];
            (
                Just(format),
                Just(header),
                proptest::collection::vec(row, 0..6),
            )
        })
}

/// What the database would refuse, failing the whole batch: checked for every accepted ticket.
pub(in crate::server::import) fn assert_storable(t: &NewTicket) -> Result<(), TestCaseError> {
    // The writer drops NULs; products and customers need a non-empty name.
    let non_empty = |v: &Option<String>| v.as_ref().is_none_or(|v| !v.replace('\0', "").is_empty());
    prop_assert!(
        !t.external_id.is_empty() && !t.body.trim().is_empty(),
        "{t:?}"
    );
    prop_assert!(non_empty(&t.product) && non_empty(&t.customer_ref), "{t:?}");
    let times = [Some(t.created_at), t.first_response_at, t.resolved_at];
    prop_assert!(
        times
            .iter()
            .flatten()
            .all(|d| (1..=9999).contains(&d.year())),
        "{t:?}"
    );
    prop_assert!(t.first_response_at.is_none_or(|f| f >= t.created_at));
    prop_assert!(t.resolved_at.is_none_or(|r| r >= t.created_at));
    prop_assert!(t.csat.is_none_or(|c| (1..=5).contains(&c)));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_record_maps_to_a_storable_ticket_or_a_reason((format, header, rows) in table()) {
        let header = Header::new(&csv::StringRecord::from(header));
        let ctx = MapContext { started_at: chrono::Utc::now() };
        for cells in rows {
            let record = csv::StringRecord::from(cells);
            let row = Row { header: &header, record: &record };
            match format.map(&row, &ctx).and_then(crate::server::import::check) {
                Ok(Mapped::Ticket(t)) => assert_storable(&t)?,
                Ok(Mapped::Message(m)) => prop_assert_eq!(m.check(), Ok(())),
                Ok(Mapped::Tweet(t)) => prop_assert!(!t.id.is_empty() && !t.text.is_empty()),
                Ok(Mapped::Ignored(why)) => prop_assert!(!why.trim().is_empty()),
                Ok(Mapped::Held) => prop_assert!(false, "a built-in layout held a row"),
                Err(why) => prop_assert!(!why.trim().is_empty()),
            }
        }
    }

    #[test]
    fn ratings_and_times_parse_or_are_refused(text in prop_oneof![cell(), "[0-9.eE+-]{1,5}"]) {
        match kaggle::parse_csat(&text) {
            Ok(n) => prop_assert!((1..=5).contains(&n) && text.parse::<f64>() == Ok(n.into())),
            Err(why) => prop_assert!(why.starts_with("satisfaction rating"), "{why}"),
        }
        if parse_time(&text).is_some() {
            // Two-digit years are ambiguous and refused.
            prop_assert!(text.trim().split('-').next().is_some_and(|y| y.len() == 4));
        }
    }
}
