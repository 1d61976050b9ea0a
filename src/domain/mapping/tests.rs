use super::profile::ColumnSample;
use super::suggest::{suggest, tokens, unknown_values};
use super::time::{guess_format, read_time, ReadTime};
use super::*;

fn col(name: &str, values: &[&str]) -> ColumnSample {
    ColumnSample {
        name: name.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

#[test]
fn column_names_split_into_words() {
    assert_eq!(tokens("TicketDescription"), vec!["description"]);
    assert_eq!(tokens("customer_e-mail"), vec!["customer", "e", "mail"]);
    assert_eq!(
        tokens("\u{feff}First Response Time"),
        vec!["first", "response", "time"]
    );
    assert_eq!(tokens("Tickets"), Vec::<String>::new());
}

#[test]
fn suggests_fields_from_names_and_contents() {
    let cols = [
        col("Case #", &["A-1", "A-2", "A-3"]),
        col(
            "What the customer wrote",
            &[
                "My order arrived broken and nobody answers my emails, please help me today",
                "The app crashes every time I open the settings page after the update",
                "I was charged twice for the same subscription this month, refund please",
            ],
        ),
        col(
            "Contact",
            &["ann@example.com", "bob@example.org", "cy@example.net"],
        ),
        col(
            "Opened",
            &["2024-03-01 10:00", "2024-03-02 11:30", "2024-03-05 09:15"],
        ),
        col("Urgency", &["P1", "P3", "P2"]),
        col("Mood", &["negative", "neutral", "negative"]),
        col("Age", &["34", "51", "22"]),
    ];
    let s = suggest(&cols);
    let m = &s.mapping;
    assert_eq!(m.column(Field::ExternalId), Some("Case #"));
    assert_eq!(m.column(Field::Body), Some("What the customer wrote"));
    assert_eq!(m.column(Field::CustomerEmail), Some("Contact"));
    assert_eq!(m.column(Field::CreatedAt), Some("Opened"));
    assert_eq!(m.column(Field::Priority), Some("Urgency"));
    assert_eq!(m.column(Field::Sentiment), Some("Mood"));
    assert!(s.columns.iter().any(|(c, f, _)| c == "Age" && f.is_none()));
    assert!(!s.date_ambiguous);
    assert_eq!(
        m.check(&cols.iter().map(|c| c.name.clone()).collect::<Vec<_>>()),
        Ok(())
    );
}

#[test]
fn a_date_named_column_without_dates_is_not_a_date() {
    let s = suggest(&[
        col(
            "body",
            &["a long enough message about a broken thing that is bad"],
        ),
        col("date", &["soon", "later", "never"]),
    ]);
    assert_eq!(s.mapping.column(Field::CreatedAt), None);
}

#[test]
fn day_first_dates_are_recognised_and_ambiguous_ones_flagged() {
    let g = guess_format(&["13/02/2024 10:00", "01/03/2024 11:00"]).unwrap();
    assert_eq!(g.format.as_deref(), Some("%d/%m/%Y %H:%M"));
    assert!(!g.ambiguous);
    let g = guess_format(&["02/03/2024", "04/05/2024"]).unwrap();
    assert!(g.ambiguous, "{g:?}");
    let g = guess_format(&["2024-03-01T10:00:00Z"]).unwrap();
    assert_eq!(g.format, None);
    assert_eq!(guess_format(&["1", "2", "3"]), None);
    assert!(matches!(
        read_time("1700000000", Some("unix")),
        Some(ReadTime::Offset(_))
    ));
    assert!(matches!(
        read_time("2024-03-01 10:00", None),
        Some(ReadTime::Local(_))
    ));
    assert_eq!(read_time("22-03-21", None), None);
    assert!(read_time("Tue Oct 31 22:10:47 +0000 2017", None).is_some());
    assert!(read_time("Tue, 31 Oct 2017 22:10:47 +0000", None).is_some());
}

#[test]
fn escaped_line_breaks_are_noticed() {
    let s = suggest(&[col(
        "body",
        &[
            "Hello,\\n\\nmy printer is broken again and I need it for work",
            "Hi\\nthanks for nothing, the invoice is wrong",
        ],
    )]);
    assert!(s.mapping.unescape_newlines);
}

#[test]
fn checks_say_what_is_wrong_in_one_sentence() {
    let header = vec!["text".to_string(), "when".to_string()];
    let mut m = Mapping::default();
    assert!(m.check(&header).unwrap_err().contains("message text"));
    m.columns.insert(Field::Body, "text".into());
    m.columns.insert(Field::CreatedAt, "nope".into());
    assert!(m.check(&header).unwrap_err().contains("\"nope\""));
    m.columns.insert(Field::CreatedAt, "text".into());
    assert!(m.check(&header).unwrap_err().contains("mapped twice"));
    m.columns.insert(Field::CreatedAt, "when".into());
    m.values
        .entry(Field::Priority)
        .or_default()
        .insert("P0".into(), "asap".into());
    assert!(m.check(&header).unwrap_err().contains("asap"));
    m.values.clear();
    m.date_format = Some("%H:%M".into());
    assert!(m.check(&header).unwrap_err().contains("year"));
    m.date_format = Some("%d/%m/%Y".into());
    assert_eq!(m.check(&header), Ok(()));
}

#[test]
fn map_pairs_parse_and_explain_mistakes() {
    let m = Mapping::parse_pairs("body=Message, created_at = When").unwrap();
    assert_eq!(m.column(Field::Body), Some("Message"));
    assert_eq!(m.column(Field::CreatedAt), Some("When"));
    assert!(Mapping::parse_pairs("bodyMessage")
        .unwrap_err()
        .contains("field=column"));
    assert!(Mapping::parse_pairs("text=Message")
        .unwrap_err()
        .contains("unknown field"));
}

#[test]
fn mappings_round_trip_as_json() {
    let mut m = Mapping::parse_pairs("body=Message,priority=Prio").unwrap();
    m.values
        .entry(Field::Priority)
        .or_default()
        .insert("P0".into(), "urgent".into());
    m.time_zone = Some("Europe/Berlin".into());
    let json = serde_json::to_string(&m).unwrap();
    assert!(json.contains("\"priority\":\"Prio\""), "{json}");
    assert_eq!(serde_json::from_str::<Mapping>(&json).unwrap(), m);
}

#[test]
fn fingerprints_ignore_case_and_blanks_but_not_order() {
    let h = |v: &[&str]| fingerprint(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(h(&["Id", " Text "]), h(&["id", "text"]));
    assert_ne!(h(&["id", "text"]), h(&["text", "id"]));
    assert_ne!(h(&["ab", "c"]), h(&["a", "bc"]));
}

#[test]
fn unknown_vocabulary_values_are_counted() {
    let mut m = Mapping::default();
    m.values
        .entry(Field::Priority)
        .or_default()
        .insert("Sev0".into(), "urgent".into());
    let got = unknown_values(
        &m,
        Field::Priority,
        ["P1", "Sev0", "meh", "meh", "asap", ""],
    );
    assert_eq!(got, vec![("meh".to_string(), 2), ("asap".to_string(), 1)]);
}
