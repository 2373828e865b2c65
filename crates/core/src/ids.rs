//! Client-generated ids: every event carries one, so the server can tell a replay from news.

/// 128 random bits as 32 hex characters (as unique as a UUID v4, without the dashes).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    // No source of randomness is a broken platform, not a condition to recover from: ids that
    // could collide would silently drop history on the server.
    getrandom::fill(&mut bytes).expect("the platform provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A uniform random number in 0..1 (backoff jitter).
pub fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    // 53 random bits: the precision of an f64 mantissa.
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_32_hex_and_distinct() {
        let a = super::new_id();
        let b = super::new_id();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn random_units_stay_in_range() {
        for _ in 0..1000 {
            let r = super::random_unit();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }
}
