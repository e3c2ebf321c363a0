//! The digest arithmetic (RFC 7616 §3.4, RFC 2617 §3.2.2, RFC 2069 compatibility).

use super::algorithm::{Algorithm, Qop};
use super::password::Password;

/// Everything a response digest covers. `username` is the real user name (not a
/// userhash); `cnonce` is needed with qop and with `-sess` algorithms.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// The hash family and whether HA1 is per-session.
    pub algorithm: Algorithm,
    /// The user name.
    pub username: &'a str,
    /// The challenge's realm.
    pub realm: &'a str,
    /// The secret.
    pub password: &'a Password,
    /// The server nonce.
    pub nonce: &'a str,
    /// The client nonce (with qop or `-sess`).
    pub cnonce: Option<&'a str>,
    /// The nonce count (with qop).
    pub nc: u32,
    /// The quality of protection; `None` is the RFC 2069 form.
    pub qop: Option<Qop>,
    /// The request method (`REGISTER`, `INVITE`, …).
    pub method: &'a str,
    /// The digest-uri (the Request-URI as sent).
    pub uri: &'a str,
    /// The message body (only covered with `auth-int`).
    pub body: &'a [u8],
}

/// HA1 = H(username:realm:password), and for `-sess` H(that:nonce:cnonce). A missing
/// cnonce counts as empty (only happens for a `-sess` challenge without qop).
pub fn ha1(
    alg: Algorithm,
    username: &str,
    realm: &str,
    password: &Password,
    nonce: &str,
    cnonce: Option<&str>,
) -> String {
    let base = alg.hash_hex(&[
        username.as_bytes(),
        realm.as_bytes(),
        password.expose().as_bytes(),
    ]);
    if alg.is_session() {
        let cnonce = cnonce.unwrap_or_default();
        alg.hash_hex(&[base.as_bytes(), nonce.as_bytes(), cnonce.as_bytes()])
    } else {
        base
    }
}

/// HA2 = H(method:uri), or with `auth-int` H(method:uri:H(body)) (an empty body hashes
/// the empty string, RFC 3261 §22.4).
pub fn ha2(alg: Algorithm, qop: Option<Qop>, method: &str, uri: &str, body: &[u8]) -> String {
    if qop == Some(Qop::AuthInt) {
        let hbody = alg.hash_hex(&[body]);
        alg.hash_hex(&[method.as_bytes(), uri.as_bytes(), hbody.as_bytes()])
    } else {
        alg.hash_hex(&[method.as_bytes(), uri.as_bytes()])
    }
}

/// The nonce count as sent on the wire: exactly 8 lowercase hex digits.
pub fn format_nc(nc: u32) -> String {
    format!("{nc:08x}")
}

/// response = H(HA1:nonce:nc:cnonce:qop:HA2) with qop, H(HA1:nonce:HA2) without.
pub fn response_from(
    alg: Algorithm,
    ha1: &str,
    nonce: &str,
    qop: Option<(Qop, u32, &str)>,
    ha2: &str,
) -> String {
    match qop {
        Some((qop, nc, cnonce)) => alg.hash_hex(&[
            ha1.as_bytes(),
            nonce.as_bytes(),
            format_nc(nc).as_bytes(),
            cnonce.as_bytes(),
            qop.as_str().as_bytes(),
            ha2.as_bytes(),
        ]),
        None => alg.hash_hex(&[ha1.as_bytes(), nonce.as_bytes(), ha2.as_bytes()]),
    }
}

/// The whole response digest for `input`.
pub fn response(input: &DigestInput<'_>) -> String {
    let alg = input.algorithm;
    let h1 = ha1(
        alg,
        input.username,
        input.realm,
        input.password,
        input.nonce,
        input.cnonce,
    );
    let h2 = ha2(alg, input.qop, input.method, input.uri, input.body);
    let qop = input
        .qop
        .map(|q| (q, input.nc, input.cnonce.unwrap_or_default()));
    response_from(alg, &h1, input.nonce, qop, &h2)
}

/// The hashed user name for `userhash=true` (RFC 7616 §3.4.4): H(username:realm).
pub fn userhash(alg: Algorithm, username: &str, realm: &str) -> String {
    alg.hash_hex(&[username.as_bytes(), realm.as_bytes()])
}

/// Compares two digests in time independent of where they differ, ignoring ASCII case.
pub fn digest_eq(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| {
        acc | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
    }) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nc_is_eight_lowercase_hex_digits() {
        assert_eq!(format_nc(1), "00000001");
        assert_eq!(format_nc(10), "0000000a");
        assert_eq!(format_nc(255), "000000ff");
        assert_eq!(format_nc(u32::MAX), "ffffffff");
    }

    #[test]
    fn rfc2069_form_and_sess_differ() {
        let pw = Password::new("pw");
        let mut input = DigestInput {
            algorithm: Algorithm::Md5,
            username: "u",
            realm: "r",
            password: &pw,
            nonce: "n",
            cnonce: None,
            nc: 1,
            qop: None,
            method: "REGISTER",
            uri: "sip:r",
            body: b"",
        };
        let h1 = ha1(Algorithm::Md5, "u", "r", &pw, "n", None);
        let h2 = Algorithm::Md5.hash_hex(&[b"REGISTER", b"sip:r"]);
        let legacy = Algorithm::Md5.hash_hex(&[h1.as_bytes(), b"n", h2.as_bytes()]);
        assert_eq!(response(&input), legacy);
        input.algorithm = Algorithm::Md5Sess;
        input.cnonce = Some("c");
        assert_ne!(response(&input), legacy);
    }

    #[test]
    fn digest_eq_is_case_insensitive_and_exact() {
        assert!(digest_eq("abcd", "ABcd"));
        assert!(!digest_eq("abcd", "abce"));
        assert!(!digest_eq("abcd", "abc"));
    }
}
