//! A tuned model's layers as safetensors bytes, the form a model version keeps in the database.

use crate::server::pipeline::embed::onnx::Weight;
use anyhow::{bail, Context};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};

/// The tensors as one safetensors file (f32, little-endian), sorted by name.
pub fn to_bytes(layers: &[(String, Weight)]) -> anyhow::Result<Vec<u8>> {
    let raw: Vec<(String, Vec<usize>, Vec<u8>)> = layers
        .iter()
        .map(|(name, w)| {
            let bytes = w.data.iter().flat_map(|v| v.to_le_bytes()).collect();
            (name.clone(), w.shape.clone(), bytes)
        })
        .collect();
    let views = raw
        .iter()
        .map(|(name, shape, bytes)| {
            Ok((
                name.as_str(),
                TensorView::new(Dtype::F32, shape.clone(), bytes)?,
            ))
        })
        .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()?;
    safetensors::serialize(views, None).context("writing the tuned layers")
}

/// The tensors of [`to_bytes`]' output, sorted by name.
pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Vec<(String, Weight)>> {
    let file =
        SafeTensors::deserialize(bytes).context("the stored tuned layers are not safetensors")?;
    let mut out = Vec::new();
    for (name, view) in file.tensors() {
        if view.dtype() != Dtype::F32 {
            bail!("stored tensor {name} is {:?}, not f32", view.dtype());
        }
        let data = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        out.push((
            name,
            Weight {
                shape: view.shape().to_vec(),
                data,
            },
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{from_bytes, to_bytes};
    use crate::server::pipeline::embed::onnx::Weight;

    #[test]
    fn layers_come_back_as_they_were_stored() {
        let layers = vec![
            (
                "a.bias".to_string(),
                Weight {
                    shape: vec![3],
                    data: vec![1.5, -2.0, 0.0],
                },
            ),
            (
                "b.weight".to_string(),
                Weight {
                    shape: vec![2, 2],
                    data: vec![0.1, 0.2, 0.3, f32::MIN_POSITIVE],
                },
            ),
        ];
        assert_eq!(
            from_bytes(&to_bytes(&layers).expect("bytes")).expect("layers"),
            layers
        );
        assert!(from_bytes(b"not a file").is_err());
    }
}
