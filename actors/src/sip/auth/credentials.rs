//! `Authorization` / `Proxy-Authorization: Digest …` (RFC 7616 §3.4, RFC 3261 §22.4).

use super::algorithm::{Algorithm, Qop};
use super::compute::format_nc;
use super::error::DigestParseError;
use super::params::{once, parse_digest, write_extra, write_quoted};
use std::fmt;
use std::str::FromStr;

/// Digest credentials, as a client sends them. Printed with `qop`, `algorithm` and `nc`
/// as unquoted tokens and `nc` as exactly 8 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCredentials {
    /// The user name (or its hash when `userhash` is set).
    pub username: String,
    /// The realm being answered.
    pub realm: String,
    /// The server nonce being answered.
    pub nonce: String,
    /// The digest-uri: the Request-URI as sent.
    pub uri: String,
    /// The response digest in hex (32 digits for MD5, 64 for SHA-256 / SHA-512-256).
    pub response: String,
    /// The algorithm as given; `None` means MD5.
    pub algorithm: Option<Algorithm>,
    /// The client nonce (present with qop).
    pub cnonce: Option<String>,
    /// The challenge's opaque, echoed.
    pub opaque: Option<String>,
    /// The chosen quality of protection; `None` is the RFC 2069 form.
    pub qop: Option<Qop>,
    /// The nonce count (present with qop).
    pub nc: Option<u32>,
    /// `userhash=true`: `username` is H(username:realm).
    pub userhash: bool,
    /// Parameters not listed above, name and unquoted value.
    pub extra: Vec<(String, String)>,
}

impl DigestCredentials {
    /// The algorithm in effect (MD5 when absent).
    pub fn effective_algorithm(&self) -> Algorithm {
        self.algorithm.unwrap_or(Algorithm::Md5)
    }

    /// Parses a header value such as `Digest username="a", realm="b", …`. Lenient about
    /// quoting (a quoted `qop` or `nc` is accepted), strict about values: `nc` must be 1–8
    /// hex digits and `response` hex of the algorithm's length.
    pub fn parse(value: &str) -> Result<Self, DigestParseError> {
        let (mut username, mut realm, mut nonce, mut uri, mut response) =
            (None, None, None, None, None);
        let (mut algorithm, mut cnonce, mut opaque, mut qop, mut nc, mut userhash) =
            (None, None, None, None, None, None);
        let mut extra = Vec::new();
        for p in parse_digest(value)? {
            let v = p.value;
            match p.name.to_ascii_lowercase().as_str() {
                "username" => once(&mut username, v, "username")?,
                "realm" => once(&mut realm, v, "realm")?,
                "nonce" => once(&mut nonce, v, "nonce")?,
                "uri" => once(&mut uri, v, "uri")?,
                "response" => once(&mut response, v, "response")?,
                "cnonce" => once(&mut cnonce, v, "cnonce")?,
                "opaque" => once(&mut opaque, v, "opaque")?,
                "algorithm" => {
                    let a = Algorithm::from_token(v.trim())
                        .ok_or_else(|| DigestParseError::UnsupportedAlgorithm(v.clone()))?;
                    once(&mut algorithm, a, "algorithm")?;
                }
                "qop" => {
                    let q = Qop::from_token(v.trim())
                        .ok_or_else(|| DigestParseError::UnsupportedQop(v.clone()))?;
                    once(&mut qop, q, "qop")?;
                }
                "nc" => once(&mut nc, parse_nc(&v)?, "nc")?,
                "userhash" => once(&mut userhash, v.eq_ignore_ascii_case("true"), "userhash")?,
                _ => extra.push((p.name.to_owned(), v)),
            }
        }
        let creds = DigestCredentials {
            username: username.ok_or(DigestParseError::MissingParam("username"))?,
            realm: realm.ok_or(DigestParseError::MissingParam("realm"))?,
            nonce: nonce.ok_or(DigestParseError::MissingParam("nonce"))?,
            uri: uri.ok_or(DigestParseError::MissingParam("uri"))?,
            response: response.ok_or(DigestParseError::MissingParam("response"))?,
            algorithm,
            cnonce,
            opaque,
            qop,
            nc,
            userhash: userhash.unwrap_or(false),
            extra,
        };
        let len = creds.effective_algorithm().hex_len();
        if creds.response.len() != len || !creds.response.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DigestParseError::BadValue {
                param: "response",
                why: "not hex of the algorithm's length",
            });
        }
        Ok(creds)
    }
}

fn parse_nc(v: &str) -> Result<u32, DigestParseError> {
    let bad = DigestParseError::BadValue {
        param: "nc",
        why: "not 1-8 hex digits",
    };
    if v.is_empty() || v.len() > 8 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad);
    }
    u32::from_str_radix(v, 16).map_err(|_| bad)
}

impl FromStr for DigestCredentials {
    type Err = DigestParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DigestCredentials::parse(s)
    }
}

impl fmt::Display for DigestCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted: [(&str, &str); 5] = [
            ("username", &self.username),
            ("realm", &self.realm),
            ("nonce", &self.nonce),
            ("uri", &self.uri),
            ("response", &self.response),
        ];
        f.write_str("Digest ")?;
        for (i, (name, value)) in quoted.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{name}=")?;
            write_quoted(f, value)?;
        }
        if let Some(a) = self.algorithm {
            write!(f, ", algorithm={a}")?;
        }
        if let Some(c) = &self.cnonce {
            f.write_str(", cnonce=")?;
            write_quoted(f, c)?;
        }
        if let Some(o) = &self.opaque {
            f.write_str(", opaque=")?;
            write_quoted(f, o)?;
        }
        if let Some(q) = self.qop {
            write!(f, ", qop={q}")?;
        }
        if let Some(nc) = self.nc {
            write!(f, ", nc={}", format_nc(nc))?;
        }
        if self.userhash {
            f.write_str(", userhash=true")?;
        }
        for (n, v) in &self.extra {
            write_extra(f, n, v)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DigestParseError as E;

    const MD5: &str = "6629fae49393a05397450978507c4ef1";

    #[test]
    fn prints_tokens_unquoted_and_nc_in_hex() {
        let c = DigestCredentials {
            username: "bob".into(),
            realm: "biloxi.com".into(),
            nonce: "n".into(),
            uri: "sip:bob@biloxi.com".into(),
            response: MD5.into(),
            algorithm: Some(Algorithm::Md5),
            cnonce: Some("c".into()),
            opaque: None,
            qop: Some(Qop::AuthInt),
            nc: Some(10),
            userhash: false,
            extra: Vec::new(),
        };
        let s = c.to_string();
        assert_eq!(
            s,
            format!(
                "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"n\", \
                 uri=\"sip:bob@biloxi.com\", response=\"{MD5}\", algorithm=MD5, cnonce=\"c\", \
                 qop=auth-int, nc=0000000a"
            )
        );
        assert_eq!(DigestCredentials::parse(&s).unwrap(), c);
        let ff = DigestCredentials { nc: Some(255), ..c };
        assert!(ff.to_string().ends_with("nc=000000ff"));
    }

    #[test]
    fn lenient_quoting_strict_values() {
        let base = format!(
            "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"{MD5}\""
        );
        let c =
            DigestCredentials::parse(&format!("{base}, qop=\"auth\", nc=\"0000000A\"")).unwrap();
        assert_eq!((c.qop, c.nc), (Some(Qop::Auth), Some(10)));
        assert_eq!(c.cnonce, None);
        assert!(matches!(
            DigestCredentials::parse(&format!("{base}, nc=123456789")),
            Err(E::BadValue { param: "nc", .. })
        ));
        assert!(matches!(
            DigestCredentials::parse(&format!("{base}, nc=12g")),
            Err(E::BadValue { param: "nc", .. })
        ));
        assert!(matches!(
            DigestCredentials::parse(&format!("{base}, algorithm=SHA-256")),
            Err(E::BadValue {
                param: "response",
                ..
            })
        ));
        assert_eq!(
            DigestCredentials::parse("Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"x\""),
            Err(E::MissingParam("response"))
        );
        assert_eq!(
            DigestCredentials::parse(&format!("{base}, qop=auth, qop=auth")),
            Err(E::DuplicateParam("qop"))
        );
    }
}
