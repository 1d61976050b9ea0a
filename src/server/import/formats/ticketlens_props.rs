//! Property test: a ticket exported in TicketLens' layout is imported back unchanged.

use super::*;
use crate::domain::{Channel, Priority, SentimentLabel, Status};
use crate::server::import::formats::{Format, Header, Mapped, Row};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::select;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn exported_tickets_are_imported_unchanged(t in new_ticket()) {
        let mut out = csv::Writer::from_writer(Vec::new());
        let written = out.write_record(COLUMNS)
            .and_then(|()| out.write_record(record(&t)));
        prop_assert!(written.is_ok(), "{written:?}");
        let bytes = out.into_inner().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut input = csv::Reader::from_reader(bytes.as_slice());
        let header = Header::new(&input.headers().map_err(|e| TestCaseError::fail(e.to_string()))?.clone());
        prop_assert_eq!(Format::detect(&header), Some(Format::Ticketlens));
        let records: Vec<_> = input.records().collect();
        prop_assert_eq!(records.len(), 1);
        let record = records[0].as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
        match map(&Row { header: &header, record }) {
            Ok(Mapped::Ticket(back)) => prop_assert_eq!(*back, t),
            other => return Err(TestCaseError::fail(format!("read back as {other:?}"))),
        }
    }
}

/// Text as a cell holds it after trimming: non-empty, no surrounding whitespace or NULs.
fn field() -> impl Strategy<Value = String> {
    "\\PC{1,10}|[a-z\"\n\r,]{1,6}".prop_filter_map("blank", |s| {
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
        (!t.is_empty()).then(|| t.to_string())
    })
}

/// Instants in years 1 to 9999, to the nanosecond.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (-62_135_596_800i64..253_402_300_800, 0u32..1_000_000_000)
        .prop_filter_map("out of range", |(s, n)| DateTime::from_timestamp(s, n))
}

fn new_ticket() -> impl Strategy<Value = NewTicket> {
    let text = || proptest::option::of(field());
    let when = || proptest::option::of(instant());
    let vocab = (
        select(Channel::ALL),
        select(Priority::ALL),
        select(Status::ALL),
    );
    let ids = (
        field(),
        field(),
        field(),
        text(),
        text(),
        text(),
        text(),
        text(),
    );
    let rest = (
        text(),
        text(),
        instant(),
        when(),
        when(),
        proptest::option::of(1i16..=5),
    );
    let gold = (
        text(),
        proptest::option::of(select(SentimentLabel::ALL)),
        any::<Option<bool>>(),
    );
    (ids, vocab, rest, gold).prop_map(|(ids, vocab, rest, gold)| NewTicket {
        external_id: ids.0,
        subject: ids.1,
        body: ids.2,
        customer_ref: ids.3,
        customer_name: ids.4,
        customer_email: ids.5,
        product: ids.6,
        product_line: ids.7,
        channel: vocab.0,
        priority: vocab.1,
        status: vocab.2,
        category: rest.0,
        language: rest.1,
        created_at: rest.2,
        first_response_at: rest.3,
        resolved_at: rest.4,
        csat: rest.5,
        agent_reply: gold.0,
        agent: None,
        sentiment: gold.1,
        escalate: gold.2,
    })
}
