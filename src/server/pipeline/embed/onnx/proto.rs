//! The few ONNX protobuf messages an embedding graph needs, written by hand (no protoc, no Python).
//!
//! Field numbers are those of `onnx.proto` (ONNX 1.x). Only writing is needed: ONNX Runtime reads
//! the bytes straight from memory.

/// Element types of `TensorProto.DataType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataType {
    Float = 1,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
}

/// A protobuf message under construction.
#[derive(Default)]
pub(crate) struct Message(Vec<u8>);

impl Message {
    pub(crate) fn new() -> Message {
        Message::default()
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn tag(&mut self, field: u32, wire: u8) {
        self.varint(u64::from(field) << 3 | u64::from(wire));
    }

    /// An `int64`/`int32`/enum field (negative values take ten bytes, as protobuf says).
    pub(crate) fn int(&mut self, field: u32, v: i64) -> &mut Self {
        self.tag(field, 0);
        self.varint(v as u64);
        self
    }

    /// A `float` field.
    pub(crate) fn float(&mut self, field: u32, v: f32) -> &mut Self {
        self.tag(field, 5);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A `bytes` field.
    pub(crate) fn bytes(&mut self, field: u32, v: &[u8]) -> &mut Self {
        self.tag(field, 2);
        self.varint(v.len() as u64);
        self.0.extend_from_slice(v);
        self
    }

    pub(crate) fn string(&mut self, field: u32, v: &str) -> &mut Self {
        self.bytes(field, v.as_bytes())
    }

    /// An embedded message field.
    pub(crate) fn message(&mut self, field: u32, m: Message) -> &mut Self {
        self.bytes(field, &m.0)
    }
}

/// `TensorProto`: name, dims, type and little-endian raw data.
pub(crate) fn tensor(name: &str, dims: &[i64], data_type: DataType, raw: &[u8]) -> Message {
    let mut t = Message::new();
    for &d in dims {
        t.int(1, d);
    }
    t.int(2, data_type as i64).string(8, name).bytes(9, raw);
    t
}

/// An attribute value of a `NodeProto`.
#[derive(Debug, Clone)]
pub(crate) enum Attr {
    Int(i64),
    Float(f32),
}

/// `AttributeProto`, with its `type` set as ONNX Runtime requires.
pub(crate) fn attribute(name: &str, value: &Attr) -> Message {
    let mut a = Message::new();
    a.string(1, name);
    match value {
        Attr::Float(f) => a.float(2, *f).int(20, 1),
        Attr::Int(i) => a.int(3, *i).int(20, 2),
    };
    a
}

/// `NodeProto`: one operator with its inputs, outputs, attributes and domain ("" is ONNX's own).
pub(crate) fn node(
    op: &str,
    domain: &str,
    name: &str,
    inputs: &[String],
    outputs: &[String],
    attrs: &[(&str, Attr)],
) -> Message {
    let mut n = Message::new();
    for i in inputs {
        n.string(1, i);
    }
    for o in outputs {
        n.string(2, o);
    }
    n.string(3, name).string(4, op);
    for (k, v) in attrs {
        n.message(5, attribute(k, v));
    }
    if !domain.is_empty() {
        n.string(7, domain);
    }
    n
}

/// A dimension of a graph input or output: fixed or named (dynamic).
pub(crate) enum Dim<'a> {
    Fixed(i64),
    Named(&'a str),
}

/// `ValueInfoProto` of a tensor: name, element type and shape.
pub(crate) fn value_info(name: &str, data_type: DataType, dims: &[Dim<'_>]) -> Message {
    let mut shape = Message::new();
    for d in dims {
        let mut dim = Message::new();
        match d {
            Dim::Fixed(v) => dim.int(1, *v),
            Dim::Named(s) => dim.string(2, s),
        };
        shape.message(1, dim);
    }
    let mut tensor_type = Message::new();
    tensor_type.int(1, data_type as i64).message(2, shape);
    let mut type_proto = Message::new();
    type_proto.message(1, tensor_type);
    let mut v = Message::new();
    v.string(1, name).message(2, type_proto);
    v
}

/// `OperatorSetIdProto`.
pub(crate) fn opset(domain: &str, version: i64) -> Message {
    let mut o = Message::new();
    o.string(1, domain).int(2, version);
    o
}

/// `ModelProto` around a finished `GraphProto`.
pub(crate) fn model(graph: Message, opsets: Vec<Message>) -> Vec<u8> {
    let mut m = Message::new();
    // IR version 8 goes with opset 17 (ONNX 1.12 and later).
    m.int(1, 8).string(2, "ticketlens");
    for o in opsets {
        m.message(8, o);
    }
    m.message(7, graph);
    m.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::{attribute, Attr, Message};

    #[test]
    fn varints_and_tags_follow_the_wire_format() {
        let mut m = Message::new();
        m.int(1, 150);
        // The protobuf documentation's own example: field 1, value 150.
        assert_eq!(m.into_bytes(), vec![0x08, 0x96, 0x01]);
        let mut neg = Message::new();
        neg.int(2, -1);
        let bytes = neg.into_bytes();
        assert_eq!(
            bytes.len(),
            11,
            "a negative int64 is ten bytes after its tag"
        );
        assert_eq!(bytes[0], 0x10);
    }

    #[test]
    fn strings_and_floats_are_length_delimited_and_fixed32() {
        let mut m = Message::new();
        m.string(2, "testing").float(3, 1.0);
        let b = m.into_bytes();
        assert_eq!(
            &b[..9],
            &[0x12, 0x07, b't', b'e', b's', b't', b'i', b'n', b'g']
        );
        assert_eq!(&b[9..], &[0x1d, 0, 0, 0x80, 0x3f]);
    }

    #[test]
    fn attributes_carry_their_type() {
        let b = attribute("axis", &Attr::Int(-1)).into_bytes();
        // name, then i = -1 (ten bytes), then type = INT (2).
        assert_eq!(&b[..6], &[0x0a, 4, b'a', b'x', b'i', b's']);
        assert_eq!(&b[b.len() - 3..], &[0xa0, 0x01, 0x02]);
    }
}
