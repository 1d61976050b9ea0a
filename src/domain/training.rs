//! The progress of a sentiment model's training, as the job writes it and the Evaluation page shows it.

use serde::{Deserialize, Serialize};

/// Where a training stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingState {
    Running,
    Cancelled,
    Done,
    Failed,
}

/// The latest tuning job's progress: its stages are the learning curve's sizes, then the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingProgress {
    pub job_id: i64,
    pub set_name: String,
    /// Examples the current stage tunes on.
    pub examples: usize,
    /// 0-based index of the current stage among `stages`.
    pub stage: usize,
    pub stages: usize,
    /// Steps done and to do in the current stage.
    pub done: usize,
    pub total: usize,
    /// The latest step's pair loss.
    pub loss: Option<f32>,
    /// Finished learning-curve points (examples, test macro-F1): a resumed job keeps them.
    pub curve: Vec<(usize, f64)>,
    pub state: TrainingState,
    /// Why it failed, or what it made.
    pub message: Option<String>,
}

impl TrainingProgress {
    /// The share of all stages done, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.stages == 0 {
            return 0.0;
        }
        let within = if self.total == 0 {
            0.0
        } else {
            self.done.min(self.total) as f64 / self.total as f64
        };
        ((self.stage as f64 + within) / self.stages as f64).clamp(0.0, 1.0)
    }

    /// One line for the page.
    pub fn sentence(&self) -> String {
        let what = format!("Tuning on “{}”", self.set_name);
        match self.state {
            TrainingState::Running => {
                let stage = if self.stage + 1 < self.stages {
                    format!(
                        "learning curve at {} examples (stage {} of {})",
                        self.examples,
                        self.stage + 1,
                        self.stages
                    )
                } else {
                    format!("the model on {} examples", self.examples)
                };
                let loss = self
                    .loss
                    .map(|l| format!(", pair loss {l:.4}"))
                    .unwrap_or_default();
                format!(
                    "{what}: {stage}, step {} of {}{loss}.",
                    self.done, self.total
                )
            }
            TrainingState::Cancelled => format!("{what}: cancelled."),
            TrainingState::Done => {
                format!("{what}: done. {}", self.message.clone().unwrap_or_default())
            }
            TrainingState::Failed => format!(
                "{what}: failed — {}",
                self.message.clone().unwrap_or_default()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(stage: usize, stages: usize, done: usize, total: usize) -> TrainingProgress {
        TrainingProgress {
            job_id: 1,
            set_name: "Demo".into(),
            examples: 48,
            stage,
            stages,
            done,
            total,
            loss: Some(0.1234),
            curve: vec![],
            state: TrainingState::Running,
            message: None,
        }
    }

    #[test]
    fn the_fraction_counts_finished_stages_and_the_current_one() {
        assert_eq!(progress(0, 4, 0, 100).fraction(), 0.0);
        assert_eq!(progress(1, 4, 50, 100).fraction(), 0.375);
        assert_eq!(progress(3, 4, 100, 100).fraction(), 1.0);
        assert_eq!(progress(0, 0, 0, 0).fraction(), 0.0);
    }

    #[test]
    fn the_sentence_names_the_stage() {
        assert_eq!(
            progress(0, 3, 5, 60).sentence(),
            "Tuning on “Demo”: learning curve at 48 examples (stage 1 of 3), step 5 of 60, \
             pair loss 0.1234."
        );
        assert_eq!(
            progress(2, 3, 5, 60).sentence(),
            "Tuning on “Demo”: the model on 48 examples, step 5 of 60, pair loss 0.1234."
        );
    }
}
