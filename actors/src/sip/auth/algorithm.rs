//! The digest algorithms (RFC 7616 §6.1, RFC 8760) and qualities of protection.

use md5::Md5;
use sha2::{Digest as _, Sha256, Sha512_256};
use std::fmt;

/// A digest algorithm. Absent from a challenge means [`Algorithm::Md5`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `MD5` (RFC 2617; the SIP default).
    Md5,
    /// `MD5-sess`: HA1 also covers nonce and cnonce.
    Md5Sess,
    /// `SHA-256` (RFC 7616, RFC 8760).
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
    /// `SHA-512-256` (SHA-512/256, RFC 7616, RFC 8760).
    Sha512_256,
    /// `SHA-512-256-sess`.
    Sha512_256Sess,
}

impl Algorithm {
    /// Every supported algorithm, strongest last.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Md5Sess,
        Algorithm::Sha256,
        Algorithm::Sha256Sess,
        Algorithm::Sha512_256,
        Algorithm::Sha512_256Sess,
    ];

    /// The token as printed in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
        }
    }

    /// Parses the token, case-insensitively; `None` for an algorithm we cannot compute.
    pub fn from_token(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether this is a `-sess` variant (HA1 covers nonce and cnonce).
    pub fn is_session(self) -> bool {
        matches!(
            self,
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess
        )
    }

    /// Length of a digest in lowercase hex: 32 for MD5, 64 for the SHA-2 family.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => 32,
            _ => 64,
        }
    }

    /// `H(parts joined by ':')` in lowercase hex.
    pub fn hash_hex(self, parts: &[&[u8]]) -> String {
        fn run<D: sha2::Digest>(mut d: D, parts: &[&[u8]]) -> String {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(p);
            }
            hex::encode(d.finalize())
        }
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => run(Md5::new(), parts),
            Algorithm::Sha256 | Algorithm::Sha256Sess => run(Sha256::new(), parts),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => run(Sha512_256::new(), parts),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A quality of protection (RFC 7616 §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Qop {
    /// `auth`: the response covers method and URI.
    Auth,
    /// `auth-int`: the response also covers a hash of the body.
    AuthInt,
}

impl Qop {
    /// The token as printed in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }

    /// Parses the token, case-insensitively; `None` for anything else (e.g. `auth-conf`).
    pub fn from_token(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("auth") {
            Some(Qop::Auth)
        } else if s.eq_ignore_ascii_case("auth-int") {
            Some(Qop::AuthInt)
        } else {
            None
        }
    }
}

impl fmt::Display for Qop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_case_insensitively() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::from_token(a.as_str()), Some(a));
            assert_eq!(Algorithm::from_token(&a.as_str().to_lowercase()), Some(a));
            assert_eq!(a.hash_hex(&[b"x"]).len(), a.hex_len());
        }
        assert_eq!(Algorithm::from_token("SHA-1"), None);
        assert_eq!(Qop::from_token("AUTH-INT"), Some(Qop::AuthInt));
        assert_eq!(Qop::from_token("auth-conf"), None);
    }

    #[test]
    fn known_hashes() {
        // MD5("") and SHA-256("abc") from their specifications.
        assert_eq!(
            Algorithm::Md5.hash_hex(&[b""]),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            Algorithm::Sha256.hash_hex(&[b"abc"]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Algorithm::Sha512_256.hash_hex(&[b"abc"]),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"
        );
        assert_eq!(
            Algorithm::Md5.hash_hex(&[b"a", b"b"]),
            Algorithm::Md5.hash_hex(&[b"a:b"])
        );
    }
}
