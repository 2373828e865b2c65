//! Argon2id password hashes, stored as PHC strings (the parameters travel with the hash, so
//! test-cost and standard-cost hashes verify the same way).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use crate::config::PasswordCost;

fn hasher(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::default(),
        // The smallest parameters argon2 accepts: 8 KiB, one pass.
        PasswordCost::MinimalForTests => Params::new(8, 1, 1, None).unwrap_or_default(),
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub(crate) fn hash(password: &str, cost: PasswordCost) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = hasher(cost)
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?;
    Ok(hash.to_string())
}

/// True when `password` matches the stored hash. A malformed stored hash never matches.
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Like [`verify`], but an account without a usable hash (unknown username, or one that cannot
/// log in) costs the same work, spent on `dummy`, so the time of an answer does not tell which
/// usernames exist. Only a real stored hash can match.
pub(crate) fn verify_in_constant_work(password: &str, stored: Option<&str>, dummy: &str) -> bool {
    match stored.filter(|s| PasswordHash::new(s).is_ok()) {
        Some(stored) => verify(password, stored),
        None => {
            let _ = verify(password, dummy);
            false
        }
    }
}

/// A hash of a random password, with the parameters real accounts get, for
/// [`verify_in_constant_work`].
pub(crate) fn dummy_hash(cost: PasswordCost) -> anyhow::Result<String> {
    let mut secret = [0u8; 16];
    rand::rng().fill_bytes(&mut secret);
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    hash(&secret, cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let stored = hash("Juko-demo-1", PasswordCost::MinimalForTests).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Juko-demo-1", &stored));
        assert!(!verify("juko-demo-1", &stored));
        assert!(!verify("Juko-demo-1", "not a hash"));
    }

    #[test]
    fn only_a_stored_hash_can_match() {
        let stored = hash("Juko-demo-1", PasswordCost::MinimalForTests).unwrap();
        let dummy = dummy_hash(PasswordCost::MinimalForTests).unwrap();
        assert!(verify_in_constant_work(
            "Juko-demo-1",
            Some(&stored),
            &dummy
        ));
        assert!(!verify_in_constant_work("x", Some(&stored), &dummy));
        assert!(!verify_in_constant_work("Juko-demo-1", None, &dummy));
        assert!(!verify_in_constant_work("!", Some("!"), &dummy));
        assert!(!verify_in_constant_work(&dummy, None, &dummy));
    }
}
