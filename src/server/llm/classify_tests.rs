//! Unit tests of classification reply validation.

use super::*;

fn batch() -> Vec<LlmItem> {
    ["a", "b"]
        .iter()
        .map(|id| LlmItem {
            id: id.to_string(),
            text: format!("text {id}"),
        })
        .collect()
}

fn labels() -> Vec<String> {
    ["negative", "neutral", "positive"]
        .map(String::from)
        .to_vec()
}

fn reply(text: &str, finish: Option<&str>) -> ProviderReply {
    ProviderReply {
        text: text.into(),
        finish_reason: finish.map(String::from),
        prompt_tokens: 0,
        completion_tokens: 0,
    }
}

fn check(text: &str) -> Result<Vec<LlmLabel>, LlmError> {
    validate(&reply(text, Some("STOP")), &batch(), &labels())
}

fn reason(text: &str) -> String {
    match check(text) {
        Err(LlmError::Malformed { reason }) => reason,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn accepts_any_order_and_returns_input_order_with_clamped_scores() {
    let out = check(
        r#"{"results":[{"id":"b","label":"Positive","score":3.5},
        {"id":"a","label":"negative","score":-0.4,"reason":"  The parcel is late\n and nobody answers. "}]}"#,
    )
    .unwrap();
    assert_eq!(
        out,
        vec![
            LlmLabel {
                id: "a".into(),
                label: "negative".into(),
                score: -0.4,
                reason: Some("The parcel is late and nobody answers.".into()),
            },
            LlmLabel {
                id: "b".into(),
                label: "positive".into(),
                score: 1.0,
                reason: None,
            },
        ]
    );
}

#[test]
fn a_long_reason_is_cut_and_an_empty_one_dropped() {
    let long = "x".repeat(1_000);
    let reply = format!(
        r#"{{"results":[{{"id":"a","label":"neutral","score":0,"reason":"{long}"}},
        {{"id":"b","label":"neutral","score":0,"reason":"   "}}]}}"#
    );
    let out = check(&reply).unwrap();
    assert_eq!(out[0].reason.as_ref().map(|r| r.len()), Some(300));
    assert_eq!(out[1].reason, None);
}

#[test]
fn tolerates_a_code_fence() {
    let fenced = "```json\n{\"results\":[{\"id\":\"a\",\"label\":\"neutral\",\"score\":0},\
                  {\"id\":\"b\",\"label\":\"neutral\",\"score\":0}]}\n```";
    assert_eq!(check(fenced).unwrap().len(), 2);
}

#[test]
fn rejects_each_kind_of_bad_reply() {
    assert!(reason("Sure! Here are the labels.").starts_with("not JSON"));
    assert!(reason(r#"{"labels":[]}"#).contains("results"));
    let one = r#"{"results":[{"id":"a","label":"neutral","score":0}]}"#;
    assert!(reason(one).contains("missing, first \"b\""));
    let twice = r#"{"results":[{"id":"a","label":"neutral","score":0},
        {"id":"a","label":"neutral","score":0},{"id":"b","label":"neutral","score":0}]}"#;
    assert!(reason(twice).contains("twice"));
    let stranger = r#"{"results":[{"id":"zz","label":"neutral","score":0}]}"#;
    assert!(reason(stranger).contains("unknown id"));
    let label = r#"{"results":[{"id":"a","label":"furious","score":0}]}"#;
    assert!(reason(label).contains("furious"));
    let score = r#"{"results":[{"id":"a","label":"neutral","score":"high"}]}"#;
    assert!(reason(score).contains("score"));
}

#[test]
fn truncated_replies_are_malformed() {
    let ok = r#"{"results":[{"id":"a","label":"neutral","score":0},{"id":"b","label":"neutral","score":0}]}"#;
    assert!(validate(&reply(ok, Some("stop")), &batch(), &labels()).is_ok());
    assert!(validate(&reply(ok, None), &batch(), &labels()).is_ok());
    let err = validate(&reply(ok, Some("MAX_TOKENS")), &batch(), &labels()).unwrap_err();
    assert!(err.to_string().contains("MAX_TOKENS"));
}

#[test]
fn tasks_need_labels_and_unique_ids() {
    let task = |labels: Vec<String>, ids: &[&str]| ClassifyTask {
        instructions: String::new(),
        labels,
        items: ids
            .iter()
            .map(|id| LlmItem {
                id: id.to_string(),
                text: String::new(),
            })
            .collect(),
    };
    assert!(check_task(&task(labels(), &["a", "b"])).is_ok());
    assert!(matches!(
        check_task(&task(vec![], &["a"])),
        Err(LlmError::InvalidTask(_))
    ));
    assert!(matches!(
        check_task(&task(labels(), &["a", "a"])),
        Err(LlmError::InvalidTask(_))
    ));
}
