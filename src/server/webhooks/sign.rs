//! Webhook signatures: HMAC-SHA256 over `"{timestamp}.{body}"`, sent as `t=<unix seconds>,v1=<hex>` and checked with a time tolerance.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature, on outbound deliveries and accepted inbound.
pub const SIGNATURE_HEADER: &str = "TicketLens-Signature";

/// How far a signed timestamp may be from now before a signature is refused (replay window).
pub const TOLERANCE_SECS: i64 = 300;

/// Hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The signature header's value: `t=<timestamp>,v1=<signature>`.
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the signature header is not of the form t=<unix seconds>,v1=<hex>")]
    Malformed,
    #[error("the signed timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks a `t=…,v1=…` header against `body` at time `now` (unix seconds), in constant time.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), Refused> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.push(s),
            _ => {}
        }
    }
    let (Some(timestamp), false) = (timestamp, signatures.is_empty()) else {
        return Err(Refused::Malformed);
    };
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(Refused::Stale);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let ok = signatures
        .iter()
        .any(|s| hex::decode(s).is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok()));
    if ok {
        Ok(())
    } else {
        Err(Refused::Mismatch)
    }
}

/// A new random signing secret (`whsec_` and 64 hex digits).
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_body_secret_and_time() {
        let body = br#"{"event":"ticket.created"}"#;
        let header = header_value("whsec_test_secret", 1_700_000_000, body);
        assert_eq!(
            verify("whsec_test_secret", &header, body, 1_700_000_100),
            Ok(())
        );
        assert_eq!(
            verify("whsec_other_secret", &header, body, 1_700_000_100),
            Err(Refused::Mismatch)
        );
        assert_eq!(
            verify("whsec_test_secret", &header, b"{}", 1_700_000_100),
            Err(Refused::Mismatch)
        );
        assert_eq!(
            verify("whsec_test_secret", &header, body, 1_700_000_000 + 301),
            Err(Refused::Stale)
        );
        assert_eq!(verify("k", "v1=abc", body, 0), Err(Refused::Malformed));
        assert_eq!(verify("k", "t=1,v1=zz", body, 1), Err(Refused::Mismatch));
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: Python's hmac.new(b"whsec_test", b'1700000000.{"a":1}', sha256).
        assert_eq!(
            header_value("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
