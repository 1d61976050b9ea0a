//! Weights read from `model.safetensors` as f32, and their int8 per-channel quantisation.

use anyhow::{bail, Context};
use safetensors::{Dtype, SafeTensors};
use std::path::Path;

/// A weight tensor in row-major f32.
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// The tensors of one safetensors file, looked up with or without the `bert.` prefix that some
/// BERT-family checkpoints carry.
pub(crate) struct Weights {
    bytes: memmap2::Mmap,
    /// Tensors that replace the file's (a tuned model's layers), by unprefixed name.
    overrides: std::collections::HashMap<String, Weight>,
}

impl Weights {
    pub(crate) fn open(path: &Path) -> anyhow::Result<Weights> {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        // SAFETY: the file is mapped read-only; TicketLens never writes model files, and setup
        // only replaces the folder while the server is stopped.
        let bytes = unsafe { memmap2::Mmap::map(&file) }
            .with_context(|| format!("mapping {}", path.display()))?;
        SafeTensors::deserialize(&bytes)
            .with_context(|| format!("{} is not a safetensors file", path.display()))?;
        Ok(Weights {
            bytes,
            overrides: Default::default(),
        })
    }

    /// The same weights with `tensors` in place of the file's tensors of the same names.
    pub(crate) fn with_overrides(mut self, tensors: &[(String, Weight)]) -> Weights {
        self.overrides.extend(tensors.iter().cloned());
        self
    }

    /// The tensor `name` as f32 (from f32, f16 or bf16 storage).
    pub(crate) fn get(&self, name: &str) -> anyhow::Result<Weight> {
        if let Some(w) = self.overrides.get(name) {
            return Ok(w.clone());
        }
        let tensors = SafeTensors::deserialize(&self.bytes)?;
        let view = tensors
            .tensor(name)
            .or_else(|_| tensors.tensor(&format!("bert.{name}")))
            .with_context(|| format!("the weights have no tensor {name}"))?;
        let raw = view.data();
        let data: Vec<f32> = match view.dtype() {
            Dtype::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => raw
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => raw
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => bail!("tensor {name} is stored as {other:?}; only f32, f16 and bf16 are read"),
        };
        Ok(Weight {
            shape: view.shape().to_vec(),
            data,
        })
    }

    /// The tensor `name`, which must have `shape`.
    pub(crate) fn shaped(&self, name: &str, shape: &[usize]) -> anyhow::Result<Weight> {
        let w = self.get(name)?;
        if w.shape != shape {
            bail!(
                "tensor {name} has shape {:?} where the config says {shape:?}",
                w.shape
            );
        }
        Ok(w)
    }
}

/// A linear layer's weight `[out, in]` transposed to `[in, out]` (the right-hand side of MatMul).
pub(crate) fn transpose(w: &Weight) -> Vec<f32> {
    let (rows, cols) = (w.shape[0], w.shape[1]);
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = w.data[r * cols + c];
        }
    }
    t
}

/// Symmetric int8 quantisation of a `[out, in]` weight with one scale per output channel: the
/// transposed `[in, out]` int8 matrix and the `out` scales (weight ≈ q · scale).
pub(crate) fn quantize_per_channel(w: &Weight) -> (Vec<i8>, Vec<f32>) {
    let (rows, cols) = (w.shape[0], w.shape[1]);
    let scales: Vec<f32> = w
        .data
        .chunks_exact(cols)
        .map(|row| {
            let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            if max > 0.0 {
                max / 127.0
            } else {
                1.0
            }
        })
        .collect();
    let mut q = vec![0i8; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let v = (w.data[r * cols + c] / scales[r])
                .round()
                .clamp(-127.0, 127.0);
            q[c * rows + r] = v as i8;
        }
    }
    (q, scales)
}

#[cfg(test)]
mod tests {
    use super::{quantize_per_channel, transpose, Weight};

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let w = Weight {
            shape: vec![2, 3],
            data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        };
        assert_eq!(transpose(&w), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn each_output_channel_gets_its_own_scale() {
        // Row 0 is small, row 1 large: one shared scale would flatten row 0 to zeros.
        let w = Weight {
            shape: vec![2, 2],
            data: vec![0.005, -0.02, 3.0, 1.2],
        };
        let (q, scales) = quantize_per_channel(&w);
        assert!((scales[0] - 0.02 / 127.0).abs() < 1e-9);
        assert!((scales[1] - 3.0 / 127.0).abs() < 1e-7);
        // Transposed: [in, out] = [[q00, q10], [q01, q11]].
        assert_eq!(q, vec![32, 127, -127, 51]);
        for (i, &orig) in w.data.iter().enumerate() {
            let (r, c) = (i / 2, i % 2);
            let back = f32::from(q[c * 2 + r]) * scales[r];
            assert!(
                (back - orig).abs() <= scales[r] / 2.0 + 1e-9,
                "{orig} came back as {back}"
            );
        }
    }

    #[test]
    fn an_all_zero_channel_stays_zero() {
        let w = Weight {
            shape: vec![1, 3],
            data: vec![0.0; 3],
        };
        let (q, scales) = quantize_per_channel(&w);
        assert_eq!((q, scales), (vec![0, 0, 0], vec![1.0]));
    }
}
