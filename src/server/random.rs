//! Random tokens from the operating system's generator: sessions, API tokens, CSP nonces, Message-IDs.

/// 32 random bytes as 64 hex digits.
pub fn token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
