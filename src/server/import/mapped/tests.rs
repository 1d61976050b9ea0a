//! Threading of mapped rows: replies read before their ticket, replies to replies, conversation
//! ids, the hold limit.

use super::*;

fn layout(threaded: bool) -> MappedLayout {
    let mut m = Mapping::default();
    m.columns.insert(Field::ExternalId, "id".into());
    m.columns.insert(Field::Body, "text".into());
    m.columns.insert(Field::CreatedAt, "at".into());
    if threaded {
        m.columns.insert(Field::ThreadId, "parent".into());
    }
    let header = ["id", "text", "at", "parent"].map(String::from);
    MappedLayout::new(m, &header).unwrap()
}

/// Maps `rows` (id, text, day of December, parent) in order, then the held ones; each
/// outcome as "ticket id: text" or "message of id: text".
fn import(layout: &mut MappedLayout, rows: &[(&str, &str, u32, &str)]) -> Vec<String> {
    let ctx = MapContext {
        started_at: Utc::now(),
    };
    let show = |m: Mapped| match m {
        Mapped::Ticket(t) => format!("ticket {}: {}", t.external_id, t.body),
        Mapped::Message(m) => format!("message of {}: {}", m.ticket_ref, m.body),
        other => format!("{other:?}"),
    };
    let mut out = Vec::new();
    for (i, (id, text, day, parent)) in rows.iter().enumerate() {
        let at = format!("2026-12-{day:02}T10:00:00Z");
        let record = csv::StringRecord::from(vec![*id, *text, at.as_str(), *parent]);
        match layout.map(i as u64 + 2, &record, &ctx).unwrap() {
            Mapped::Held => {}
            m => out.push(show(m)),
        }
    }
    for (_, outcome) in layout.finish(&ctx) {
        out.push(show(outcome.unwrap()));
    }
    out
}

#[test]
fn replies_read_before_their_ticket_join_it_once_the_file_is_read() {
    // An export sorted newest first: the replies come before the ticket they answer.
    let rows = [
        ("r2", "second reply", 3, "p"),
        ("r1", "first reply", 2, "p"),
        ("p", "the question", 1, ""),
    ];
    assert_eq!(
        import(&mut layout(true), &rows),
        [
            "ticket p: the question",
            "message of p: first reply",
            "message of p: second reply"
        ]
    );
}

#[test]
fn a_reply_to_a_reply_joins_the_ticket_the_thread_opened() {
    let rows = [
        ("p", "the question", 1, ""),
        ("r1", "first reply", 2, "p"),
        ("r2", "reply to the reply", 3, "r1"),
    ];
    assert_eq!(
        import(&mut layout(true), &rows),
        [
            "ticket p: the question",
            "message of p: first reply",
            "message of p: reply to the reply"
        ]
    );
}

#[test]
fn a_reply_to_a_reply_in_the_same_minute_waits_for_its_parent() {
    // Newest first, both replies stamped alike: r2 (answering r1) is read before r1.
    let rows = [
        ("r2", "reply to the reply", 2, "r1"),
        ("r1", "first reply", 2, "p"),
        ("p", "the question", 1, ""),
    ];
    assert_eq!(
        import(&mut layout(true), &rows),
        [
            "ticket p: the question",
            "message of p: first reply",
            "message of p: reply to the reply"
        ]
    );
}

#[test]
fn without_the_ticket_in_the_file_the_earliest_reply_opens_it() {
    let rows = [
        ("r2", "later", 5, "p"),
        ("r1", "earlier", 4, "p"),
        ("q", "another ticket", 1, ""),
    ];
    assert_eq!(
        import(&mut layout(true), &rows),
        [
            "ticket q: another ticket",
            "ticket p: earlier",
            "message of p: later"
        ]
    );
}

#[test]
fn a_thread_column_of_conversation_ids_opens_on_its_first_row() {
    // Every row names its conversation, the first one included (no id of its own).
    let rows = [("", "hello", 1, "c7"), ("", "still there?", 2, "c7")];
    assert_eq!(
        import(&mut layout(true), &rows),
        ["ticket c7: hello", "message of c7: still there?"]
    );
    // With ids of their own, newest first: the earliest message opens the conversation.
    let rows = [("m2", "still there?", 2, "c8"), ("m1", "hello", 1, "c8")];
    assert_eq!(
        import(&mut layout(true), &rows),
        ["ticket c8: hello", "message of c8: still there?"]
    );
}

#[test]
fn past_the_hold_limit_a_row_opens_its_thread_at_once() {
    let mut l = layout(true);
    let ctx = MapContext {
        started_at: Utc::now(),
    };
    for i in 0..HOLD_ROWS {
        let record = csv::StringRecord::from(vec![
            format!("m{i}"),
            "text".into(),
            "2026-12-01T10:00:00Z".into(),
            format!("c{i}"),
        ]);
        assert!(matches!(l.map(2, &record, &ctx), Ok(Mapped::Held)));
    }
    let record = csv::StringRecord::from(vec!["x", "over", "2026-12-01T10:00:00Z", "cx"]);
    assert!(matches!(l.map(3, &record, &ctx), Ok(Mapped::Ticket(t)) if t.external_id == "cx"));
    assert_eq!(l.finish(&ctx).len(), HOLD_ROWS);
}

#[test]
fn without_a_thread_column_no_id_is_remembered() {
    let mut l = layout(false);
    let rows = [("a", "one", 1, ""), ("b", "two", 2, "")];
    assert_eq!(import(&mut l, &rows), ["ticket a: one", "ticket b: two"]);
    assert!(l.threads.is_empty());
}
