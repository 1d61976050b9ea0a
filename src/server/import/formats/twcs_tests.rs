use super::*;

fn tweet(id: &str, inbound: bool, minute: u32, reply_to: Option<&str>, line: u64) -> Tweet {
    Tweet {
        id: id.into(),
        author: if inbound {
            "115712".into()
        } else {
            "sprintcare".into()
        },
        inbound,
        created_at: DateTime::from_timestamp(1_700_000_000 + i64::from(minute) * 60, 0).unwrap(),
        text: format!("tweet {id}"),
        in_response_to: reply_to.map(str::to_string),
        line,
    }
}

#[test]
fn a_reply_chain_in_any_row_order_is_one_ticket() {
    // Customer 1 -> brand 2 -> customer 3 -> brand 4, rows shuffled.
    let threads = threads(vec![
        tweet("4", false, 9, Some("3"), 2),
        tweet("2", false, 3, Some("1"), 3),
        tweet("3", true, 5, Some("2"), 4),
        tweet("1", true, 0, None, 5),
    ]);
    assert_eq!(threads.tickets.len(), 1);
    let (lines, t) = &threads.tickets[0];
    assert_eq!(
        lines,
        &[5, 3],
        "the opening tweet's line, then its first reply's"
    );
    assert_eq!(t.external_id, "1");
    assert_eq!(t.agent_reply.as_deref(), Some("tweet 2"));
    assert_eq!(t.product.as_deref(), Some("sprintcare"));
    assert_eq!(t.status, Status::Resolved, "the brand had the last word");
    assert_eq!(t.first_response_at, Some(threads_time(3)));
    let later: Vec<(&str, MessageKind)> = threads
        .messages
        .iter()
        .map(|(_, m)| (m.external_id.as_deref().unwrap(), m.kind))
        .collect();
    assert_eq!(
        later,
        [("3", MessageKind::Customer), ("4", MessageKind::Agent)]
    );
    assert!(threads.messages.iter().all(|(_, m)| m.ticket_ref == "1"));
    assert!(threads.skipped.is_empty());
}

fn threads_time(minute: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + i64::from(minute) * 60, 0).unwrap()
}

#[test]
fn a_reply_to_a_missing_tweet_opens_its_own_conversation() {
    let threads = threads(vec![
        tweet("10", true, 0, Some("9"), 2),
        tweet("11", false, 1, Some("10"), 3),
    ]);
    assert_eq!(threads.tickets.len(), 1);
    assert_eq!(threads.tickets[0].1.external_id, "10");
    assert_eq!(
        threads.tickets[0].1.agent_reply.as_deref(),
        Some("tweet 11")
    );
    assert!(threads.messages.is_empty());
}

#[test]
fn a_brand_tweet_first_stays_in_the_thread_before_the_customer_opens_it() {
    let threads = threads(vec![
        tweet("20", false, 0, Some("19"), 2),
        tweet("21", true, 2, Some("20"), 3),
        tweet("22", true, 4, Some("21"), 4),
    ]);
    assert_eq!(threads.tickets.len(), 1);
    let (lines, t) = &threads.tickets[0];
    assert_eq!(lines, &[3]);
    assert_eq!(t.external_id, "21");
    assert_eq!(t.agent_reply, None, "no brand reply after the opening");
    assert_eq!(t.status, Status::Open, "the customer wrote last");
    let ids: Vec<&str> = threads
        .messages
        .iter()
        .map(|(_, m)| m.external_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["20", "22"]);
    assert_eq!(threads.messages[0].1.kind, MessageKind::Agent);
}

#[test]
fn brand_only_chains_and_repeated_ids_are_skipped_with_reasons() {
    let threads = threads(vec![
        tweet("30", false, 0, None, 2),
        tweet("31", false, 1, Some("30"), 3),
        tweet("40", true, 0, None, 4),
        tweet("40", true, 0, None, 5),
    ]);
    assert_eq!(threads.tickets.len(), 1);
    let mut skipped = threads.skipped.clone();
    skipped.sort();
    assert_eq!(
        skipped,
        [(2, NO_CUSTOMER), (3, NO_CUSTOMER), (5, DUPLICATE)]
    );
}

#[test]
fn a_reply_cycle_is_one_conversation_whichever_tweet_is_read_first() {
    // 51 -> 52 -> 53 -> 51 (a broken export), and 54 answering 53.
    for _ in 0..8 {
        let threads = threads(vec![
            tweet("51", true, 0, Some("53"), 2),
            tweet("52", false, 1, Some("51"), 3),
            tweet("53", true, 2, Some("52"), 4),
            tweet("54", false, 3, Some("53"), 5),
        ]);
        assert_eq!(threads.tickets.len(), 1, "one conversation");
        assert_eq!(threads.tickets[0].1.external_id, "51");
        assert_eq!(threads.messages.len(), 2);
    }
}

#[test]
fn a_long_chain_is_threaded_in_one_pass() {
    let n = 20_000;
    let mut tweets: Vec<Tweet> = (0..n)
        .map(|i| {
            let parent = (i > 0).then(|| (i - 1).to_string());
            tweet(
                &i.to_string(),
                i % 2 == 0,
                0,
                parent.as_deref(),
                i as u64 + 2,
            )
        })
        .collect();
    tweets.reverse();
    let threads = threads(tweets);
    assert_eq!(threads.tickets.len(), 1);
    assert_eq!(threads.messages.len(), n as usize - 2);
}

#[test]
fn finds_the_brand_not_the_customer() {
    assert_eq!(
        mentioned_brand("@115712 @sprintcare help!"),
        Some("sprintcare".into())
    );
    assert_eq!(
        mentioned_brand("@AppleSupport, my phone"),
        Some("AppleSupport".into())
    );
    assert_eq!(mentioned_brand("no mention"), None);
}
