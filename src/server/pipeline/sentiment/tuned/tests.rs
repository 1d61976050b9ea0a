//! Gradient and sampling checks for tuning, on a tiny random encoder (no model files needed).

use super::bert::{Source, TrainableBert};
use super::train::{self, pair_loss, Pair, State, Tokens};
use super::Recipe;
use candle_core::{DType, Tensor, Var};
use candle_transformers::models::bert::Config;

fn tiny_config() -> Config {
    serde_json::from_str(
        r#"{"vocab_size": 24, "hidden_size": 8, "num_hidden_layers": 2,
            "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.0, "max_position_embeddings": 16, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0}"#,
    )
    .expect("a valid config")
}

fn tiny_model(trainable: usize) -> (TrainableBert, Vec<State>) {
    let model = TrainableBert::new(
        &tiny_config(),
        Source::Random { seed: 5 },
        trainable,
        DType::F64,
    )
    .expect("random weights");
    let tokens: Vec<Tokens> = [vec![1, 5, 9, 2], vec![1, 7, 2], vec![1, 3, 4, 11, 6, 2]]
        .into_iter()
        .map(|ids: Vec<u32>| Tokens {
            type_ids: vec![0; ids.len()],
            ids,
        })
        .collect();
    let states = train::frozen_states(&model, &tokens, 2).expect("frozen states");
    (model, states)
}

fn batch() -> Vec<Pair> {
    vec![
        Pair {
            a: 0,
            b: 1,
            same: true,
        },
        Pair {
            a: 0,
            b: 2,
            same: false,
        },
        Pair {
            a: 2,
            b: 1,
            same: false,
        },
    ]
}

fn loss(model: &TrainableBert, states: &[State]) -> f64 {
    pair_loss(model, states, &batch(), DType::F64)
        .and_then(|l| Ok(l.to_scalar::<f64>()?))
        .expect("a loss")
}

/// Autograd against central differences for a few entries of every trainable tensor: a
/// LayerNorm or softmax without a backward pass would leave its gradient at zero and fail here.
#[test]
fn autograd_matches_finite_differences_for_every_trainable_tensor() {
    let (model, states) = tiny_model(2);
    let vars = model.vars();
    assert_eq!(vars.len(), 32, "16 tensors in each of two layers");
    let l = pair_loss(&model, &states, &batch(), DType::F64).expect("a loss");
    let grads = l.backward().expect("backward");
    let h = 1e-6;
    for (v, var) in vars.iter().enumerate() {
        let grad = grads
            .get(var.as_tensor())
            .unwrap_or_else(|| panic!("no gradient reached tensor {v}"))
            .flatten_all()
            .and_then(|g| g.to_vec1::<f64>())
            .expect("gradient values");
        let original = var
            .as_tensor()
            .flatten_all()
            .and_then(|t| t.to_vec1::<f64>())
            .expect("values");
        for i in [0, original.len() / 2, original.len() - 1] {
            let numeric = {
                let bump = |delta: f64| {
                    let mut values = original.clone();
                    values[i] += delta;
                    set(var, &values);
                    loss(&model, &states)
                };
                (bump(h) - bump(-h)) / (2.0 * h)
            };
            set(var, &original);
            let tolerance = 1e-6 + 1e-4 * numeric.abs().max(grad[i].abs());
            assert!(
                (numeric - grad[i]).abs() <= tolerance,
                "tensor {v} entry {i}: autograd {} but finite differences {numeric}",
                grad[i]
            );
        }
    }
}

fn set(var: &Var, values: &[f64]) {
    let t =
        Tensor::from_vec(values.to_vec(), var.as_tensor().dims(), var.device()).expect("tensor");
    var.set(&t).expect("same shape");
}

#[test]
fn frozen_layers_get_no_variables_and_keep_their_weights() {
    let (model, states) = tiny_model(1);
    assert_eq!(model.vars().len(), 16);
    assert_eq!(model.trained_weights().expect("weights").len(), 16);
    assert!(model.trained_weights().expect("weights")[0]
        .0
        .starts_with("encoder.layer.1."));
    // One step changes the loss (the variables are wired into it).
    let before = loss(&model, &states);
    let recipe = Recipe {
        learning_rate: 1e-2,
        batch_pairs: 3,
        ..Recipe::default()
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    train::tune(&model, &states, &batch(), &recipe, &cancel, &mut |_| {}).expect("a step");
    assert_ne!(before, loss(&model, &states));
}

#[test]
fn pairs_are_repeatable_and_labelled_by_agreement() {
    let labels = [0, 0, 1, 1, 2, 2, 2, 0];
    let recipe = Recipe::default();
    let a = train::pairs(&labels, &recipe);
    assert_eq!(a, train::pairs(&labels, &recipe));
    assert_ne!(
        a,
        train::pairs(
            &labels,
            &Recipe {
                seed: 18,
                ..recipe.clone()
            }
        )
    );
    assert_eq!(a.len(), 2 * labels.len() * recipe.rounds(labels.len()));
    for p in &a {
        assert_ne!(p.a, p.b);
        assert_eq!(p.same, labels[p.a] == labels[p.b]);
    }
    assert!(a.iter().any(|p| p.same) && a.iter().any(|p| !p.same));
}

#[test]
fn small_sets_take_more_rounds_and_large_sets_are_capped() {
    let recipe = Recipe::default();
    assert_eq!(recipe.rounds(48), 20);
    assert_eq!(recipe.rounds(2_000), 1);
    let labels: Vec<usize> = (0..3_000).map(|i| i % 3).collect();
    assert_eq!(train::pairs(&labels, &recipe).len(), recipe.max_pairs);
}

#[test]
fn one_seed_tunes_the_same_weights_twice() {
    let labels = [0, 1, 2, 0, 1, 2];
    let tuned = |seed: u64| {
        let (model, states) = tiny_model(2);
        // Six texts from the three the tiny model reads (pairs index into the states).
        let states: Vec<State> = states.iter().cycle().take(labels.len()).cloned().collect();
        let recipe = Recipe {
            batch_pairs: 4,
            seed,
            ..Recipe::default()
        };
        let pairs = train::pairs(&labels, &recipe);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        train::tune(&model, &states, &pairs, &recipe, &cancel, &mut |_| {}).expect("tuning");
        model
            .trained_weights()
            .expect("weights")
            .into_iter()
            .map(|(name, w)| (name, w.data))
            .collect::<Vec<_>>()
    };
    let first = tuned(17);
    assert_eq!(first, tuned(17), "the same seed gives the same model");
    assert_ne!(first, tuned(18), "another seed another model");
}
