//! Why a label: occlusion attributions through a local model and its encoder name the words
//! that decided it.

use std::sync::Arc;
use ticketlens::server::jobs;
use ticketlens::server::pipeline::embed::Embedder;
use ticketlens::server::pipeline::sentiment::local::{LocalModel, TrainExample, TrainOptions};

#[tokio::test]
async fn occlusion_names_the_words_that_decided_a_local_label() {
    use ticketlens::domain::SentimentLabel::{Negative, Neutral, Positive};
    let encoder = Arc::new(Embedder::load(&crate::common::embedder_config()).unwrap());
    let rows = [
        ("the delivery was terrible and the box was broken", Negative),
        ("terrible support, I want a refund", Negative),
        ("awful app, it crashes all the time", Negative),
        ("where is my order, it was placed on monday", Neutral),
        ("how do I change the address on my account", Neutral),
        ("please send the invoice for march", Neutral),
        ("great service, thank you so much", Positive),
        ("the new update is wonderful, thanks", Positive),
        ("love the app, support was excellent", Positive),
    ];
    let texts: Vec<String> = rows.iter().map(|(t, _)| t.to_string()).collect();
    let vectors = jobs::embed(&encoder, texts).await.unwrap();
    let train: Vec<TrainExample> = rows
        .iter()
        .zip(vectors)
        .map(|((text, label), v)| TrainExample {
            text: text.to_string(),
            embedding: Some(v),
            label: *label,
        })
        .collect();
    let model = LocalModel::train(&train, &TrainOptions::default()).unwrap();
    let text = "my parcel arrived today and the courier was terrible";
    let evidence = ticketlens::server::pipeline::sentiment::explain::word_attributions(
        &model,
        encoder.clone(),
        text,
        Negative,
    )
    .await
    .unwrap();
    let top = evidence.first().expect("some word matters");
    assert_eq!(top.term, "terrible", "{evidence:?}");
    assert!(
        top.weight > 0.0,
        "leaving it out lowers the negative probability"
    );
    // Read toward another label, the same word pushes away from it.
    let toward_neutral = ticketlens::server::pipeline::sentiment::explain::word_attributions(
        &model, encoder, text, Neutral,
    )
    .await
    .unwrap();
    let terrible = toward_neutral.iter().find(|e| e.term == "terrible");
    assert!(
        terrible.is_some_and(|e| e.weight < 0.0),
        "{toward_neutral:?}"
    );
}
