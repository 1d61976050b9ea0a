use super::*;
use crate::server::db::templates::TicketFacts;
use chrono::Utc;

fn input(similar: Vec<SimilarTicket>) -> DraftInput {
    DraftInput {
        facts: TicketFacts {
            id: 42,
            subject: "Refund not received".into(),
            customer_name: Some("Ann Lee".into()),
            product: Some("Aero Buds".into()),
            category: Some("refund".into()),
        },
        body: "I returned the earbuds two weeks ago and the refund is still missing.".into(),
        template: TemplateVersion {
            id: 7,
            category: "refund".into(),
            version: 2,
            body: "Hi {{customer_name}},\n\nThanks for writing about ticket #{{ticket_id}}.\n\nBest,\n{{agent_name}}".into(),
            note: String::new(),
            created_at: Utc::now(),
            author: None,
        },
        similar,
        history: Vec::new(),
        agent: "Sam".into(),
        thread: "[customer · Ann Lee · 2026-11-20 09:00]\nI returned the earbuds two weeks ago and the refund is still missing.".into(),
        latest: "I returned the earbuds two weeks ago and the refund is still missing.".into(),
    }
}

fn resolved(id: i64, similarity: f64, reply: &str) -> SimilarTicket {
    SimilarTicket {
        id,
        subject: format!("Ticket {id}"),
        body: String::new(),
        product: None,
        similarity,
        reply: Some(reply.into()),
        csat: Some(5),
        resolved_at: None,
    }
}

#[test]
fn template_draft_fills_the_category_template() {
    let d = template_draft(&input(Vec::new())).unwrap();
    assert_eq!(d.method, DraftMethod::Template);
    assert_eq!(d.version, "template refund v2");
    assert_eq!(
        d.body,
        "Hi Ann Lee,\n\nThanks for writing about ticket #42.\n\nBest,\nSam"
    );
    assert_eq!(d.sources[0].id, Some(7));
}

#[test]
fn retrieval_puts_the_best_passage_before_the_sign_off() {
    let reply = "Hi Bo, thanks for waiting. The refund for your returned earbuds was issued today.";
    let d = retrieval_draft(&input(vec![resolved(9, 0.83, reply)])).unwrap();
    assert_eq!(d.method, DraftMethod::Retrieval);
    assert_eq!(
        d.body,
        "Hi Ann Lee,\n\nThanks for writing about ticket #42.\n\nThe refund for your returned earbuds was issued today.\n\nBest,\nSam"
    );
    let ticket = &d.sources[1];
    assert_eq!((ticket.kind.as_str(), ticket.id), ("ticket", Some(9)));
    assert_eq!(ticket.similarity, Some(0.83));
    assert_eq!(d.fallback, None);
}

#[test]
fn retrieval_ignores_tickets_below_the_threshold_and_says_so() {
    let d = retrieval_draft(&input(vec![resolved(
        9,
        0.31,
        "The refund was issued today for you.",
    )]))
    .unwrap();
    assert_eq!(d.method, DraftMethod::Template);
    assert!(d.fallback.unwrap().contains("best similarity 0.31"));
}

#[test]
fn retrieval_skips_a_close_ticket_whose_reply_is_only_pleasantries() {
    let d = retrieval_draft(&input(vec![
        resolved(9, 0.9, "Hi Bo,\nThanks!"),
        resolved(
            10,
            0.7,
            "Your refund has been sent back to the card you paid with.",
        ),
    ]))
    .unwrap();
    assert_eq!(d.sources[1].id, Some(10));
}

#[tokio::test]
async fn llm_without_a_client_falls_back_to_retrieval_and_says_why() {
    let d = compose(DraftMethod::Llm, None, &input(Vec::new()))
        .await
        .unwrap();
    assert_eq!(d.method, DraftMethod::Template);
    let why = d.fallback.unwrap();
    assert!(why.starts_with("No LLM is configured"), "{why}");
}

#[test]
fn slots_are_filled_once_and_unknown_ones_stay() {
    let out = fill_slots("{{a}} and {{ b }} and {{c}} and {{", |n| match n {
        "a" => Some("{{b}}".into()),
        "b" => Some("B".into()),
        _ => None,
    });
    assert_eq!(out, "{{b}} and B and {{c}} and {{");
}

#[test]
fn a_one_paragraph_template_gets_the_passage_after_it() {
    assert_eq!(
        insert_before_closing("Hello.", "Fixed."),
        "Hello.\n\nFixed."
    );
}
