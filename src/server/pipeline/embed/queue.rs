//! Dynamic batching: texts from many concurrent requests wait in one queue and go through the
//! model together, so a burst of single-text requests costs a few forward passes, not one each.

use super::Embedder;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most texts one forward pass takes from the queue.
const MAX_BATCH: usize = 64;

type Reply = oneshot::Sender<Result<Vec<f32>, String>>;

/// A handle to the batching task; cheap to clone. The task ends when every handle is dropped.
#[derive(Clone)]
pub struct EmbedQueue {
    tx: mpsc::UnboundedSender<(String, Reply)>,
}

impl EmbedQueue {
    /// Starts the batching task on the current Tokio runtime.
    pub fn start(embedder: Arc<Embedder>) -> EmbedQueue {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(embedder, rx));
        EmbedQueue { tx }
    }

    /// The unit vector of `text`, computed in a batch with whatever else is waiting.
    pub async fn embed(&self, text: String) -> anyhow::Result<Vec<f32>> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((text, reply))
            .map_err(|_| anyhow::anyhow!("the embedding queue has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the embedding queue dropped a request"))?
            .map_err(anyhow::Error::msg)
    }
}

/// Takes what is waiting (at least one text, at most [`MAX_BATCH`]), embeds it in one call on the
/// blocking pool, answers each request; while that runs, the next batch gathers.
async fn run(embedder: Arc<Embedder>, mut rx: mpsc::UnboundedReceiver<(String, Reply)>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let (texts, replies): (Vec<String>, Vec<Reply>) = waiting.drain(..).unzip();
        let e = embedder.clone();
        let result = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            e.embed(&refs)
        })
        .await
        .map_err(anyhow::Error::from)
        .and_then(|r| r);
        match result {
            Ok(vectors) => {
                for (reply, v) in replies.into_iter().zip(vectors) {
                    // A caller that gave up (timeout, closed connection) no longer listens.
                    let _ = reply.send(Ok(v));
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                for reply in replies {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}
