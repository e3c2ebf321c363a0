//! `WWW-Authenticate` / `Proxy-Authenticate: Digest …` (RFC 7616 §3.3, RFC 3261 §22.4).

use super::algorithm::{Algorithm, Qop};
use super::error::DigestParseError;
use super::params::{once, parse_digest, write_extra, write_quoted};
use std::fmt;
use std::str::FromStr;

/// A digest challenge. Only challenges this module can answer parse: an unknown
/// `algorithm`, or a `qop` list with no `auth`/`auth-int`, is an error (so a client given
/// several challenges takes the first that parses, see [`DigestChallenge::first_supported`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    /// The protection space; shown to the user and hashed into HA1.
    pub realm: String,
    /// The space-separated URIs the realm covers, if given.
    pub domain: Option<String>,
    /// The server nonce.
    pub nonce: String,
    /// Opaque data the client echoes back.
    pub opaque: Option<String>,
    /// `stale=true`: the previous credentials were right but their nonce expired.
    pub stale: bool,
    /// The algorithm as given; `None` means MD5.
    pub algorithm: Option<Algorithm>,
    /// The offered qop values we support, in offer order; empty = no qop (RFC 2069).
    /// Unknown qop tokens (e.g. `auth-conf`) are dropped.
    pub qop: Vec<Qop>,
    /// `userhash=true`: the server accepts a hashed user name (RFC 7616 §3.4.4).
    pub userhash: bool,
    /// Parameters not listed above (e.g. `charset`), name and unquoted value.
    pub extra: Vec<(String, String)>,
}

impl DigestChallenge {
    /// A challenge with only realm and nonce (MD5, no qop); set the other fields as needed.
    pub fn new(realm: impl Into<String>, nonce: impl Into<String>) -> Self {
        DigestChallenge {
            realm: realm.into(),
            domain: None,
            nonce: nonce.into(),
            opaque: None,
            stale: false,
            algorithm: None,
            qop: Vec::new(),
            userhash: false,
            extra: Vec::new(),
        }
    }

    /// Parses a header value such as `Digest realm="a", nonce="b", qop="auth"`.
    pub fn parse(value: &str) -> Result<Self, DigestParseError> {
        let mut c = DigestChallenge::new(String::new(), String::new());
        let (mut realm, mut nonce) = (None, None);
        let mut seen_alg = false;
        let mut seen_qop = false;
        for p in parse_digest(value)? {
            let name = p.name.to_ascii_lowercase();
            let v = p.value;
            match name.as_str() {
                "realm" => once(&mut realm, v, "realm")?,
                "nonce" => once(&mut nonce, v, "nonce")?,
                "domain" => once(&mut c.domain, v, "domain")?,
                "opaque" => once(&mut c.opaque, v, "opaque")?,
                "stale" => c.stale = v.trim().eq_ignore_ascii_case("true"),
                "userhash" => c.userhash = v.trim().eq_ignore_ascii_case("true"),
                "algorithm" if seen_alg => {
                    return Err(DigestParseError::DuplicateParam("algorithm"))
                }
                "algorithm" => {
                    seen_alg = true;
                    let alg = Algorithm::from_token(v.trim())
                        .ok_or(DigestParseError::UnsupportedAlgorithm(v))?;
                    c.algorithm = Some(alg);
                }
                "qop" if seen_qop => return Err(DigestParseError::DuplicateParam("qop")),
                "qop" => {
                    seen_qop = true;
                    for q in v.split(',').filter_map(|t| Qop::from_token(t.trim())) {
                        if !c.qop.contains(&q) {
                            c.qop.push(q);
                        }
                    }
                    if c.qop.is_empty() {
                        return Err(DigestParseError::UnsupportedQop(v));
                    }
                }
                _ => c.extra.push((p.name.to_owned(), v)),
            }
        }
        c.realm = realm.ok_or(DigestParseError::MissingParam("realm"))?;
        c.nonce = nonce.ok_or(DigestParseError::MissingParam("nonce"))?;
        if c.nonce.is_empty() {
            return Err(DigestParseError::BadValue {
                param: "nonce",
                why: "empty",
            });
        }
        Ok(c)
    }

    /// Of several challenges (several header fields, in order of the server's preference),
    /// the first one this module can answer; if none, the first one's error.
    pub fn first_supported<'a>(
        values: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, DigestParseError> {
        let mut first_err = None;
        for v in values {
            match DigestChallenge::parse(v) {
                Ok(c) => return Ok(c),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or(DigestParseError::Empty))
    }

    /// Whether the server says the previous credentials were right but their nonce is
    /// stale: retry with this nonce without asking the user again.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// The algorithm in effect (MD5 when absent).
    pub fn effective_algorithm(&self) -> Algorithm {
        self.algorithm.unwrap_or(Algorithm::Md5)
    }

    /// Whether `qop` is offered.
    pub fn offers(&self, qop: Qop) -> bool {
        self.qop.contains(&qop)
    }
}

impl FromStr for DigestChallenge {
    type Err = DigestParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DigestChallenge::parse(s)
    }
}

impl fmt::Display for DigestChallenge {
    /// The canonical form: `Digest realm="…", domain="…", nonce="…", opaque="…",
    /// stale=true, algorithm=MD5, qop="auth,auth-int", userhash=true, <extras>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest realm=")?;
        write_quoted(f, &self.realm)?;
        if let Some(d) = &self.domain {
            f.write_str(", domain=")?;
            write_quoted(f, d)?;
        }
        f.write_str(", nonce=")?;
        write_quoted(f, &self.nonce)?;
        if let Some(o) = &self.opaque {
            f.write_str(", opaque=")?;
            write_quoted(f, o)?;
        }
        if self.stale {
            f.write_str(", stale=true")?;
        }
        if let Some(a) = self.algorithm {
            write!(f, ", algorithm={a}")?;
        }
        if !self.qop.is_empty() {
            let list: Vec<&str> = self.qop.iter().map(|q| q.as_str()).collect();
            write!(f, ", qop=\"{}\"", list.join(","))?;
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

    #[test]
    fn kamailio_asterisk_and_friends() {
        let k = DigestChallenge::parse(
            r#"Digest realm="127.0.0.1", nonce="ZmFrZW5vbmNlOjE3MDAwMDAwMDA=", qop="auth""#,
        )
        .unwrap();
        assert_eq!(k.realm, "127.0.0.1");
        assert_eq!(k.qop, [Qop::Auth]);
        assert_eq!(k.effective_algorithm(), Algorithm::Md5);
        let a = DigestChallenge::parse(
            r#"Digest  algorithm=MD5, realm="asterisk",nonce="1a2b3c4d/5e6f""#,
        )
        .unwrap();
        assert_eq!(
            (a.algorithm, a.realm.as_str()),
            (Some(Algorithm::Md5), "asterisk")
        );
        assert!(a.qop.is_empty());
        let s = DigestChallenge::parse(
            "DIGEST realm=\"sip.example.com\", nonce=\"x\", qop=\"auth,auth-int\", \
             stale=TRUE, opaque=\"a,\\\"b\\\"\", algorithm=sha-256-SESS, charset=UTF-8",
        )
        .unwrap();
        assert!(s.is_stale());
        assert_eq!(s.qop, [Qop::Auth, Qop::AuthInt]);
        assert_eq!(s.opaque.as_deref(), Some("a,\"b\""));
        assert_eq!(s.algorithm, Some(Algorithm::Sha256Sess));
        assert_eq!(s.extra, [("charset".to_owned(), "UTF-8".to_owned())]);
        assert_eq!(
            s.to_string(),
            "Digest realm=\"sip.example.com\", nonce=\"x\", opaque=\"a,\\\"b\\\"\", stale=true, \
             algorithm=SHA-256-sess, qop=\"auth,auth-int\", charset=UTF-8"
        );
        assert_eq!(DigestChallenge::parse(&s.to_string()).unwrap(), s);
        let f = DigestChallenge::parse(
            r#"Digest realm="r", nonce="n", stale=false, qop="auth-conf,auth""#,
        )
        .unwrap();
        assert!(!f.stale);
        assert_eq!(f.qop, [Qop::Auth]);
    }

    #[test]
    fn malformed_and_unsupported_are_typed() {
        assert_eq!(
            DigestChallenge::parse(r#"Digest realm="r""#),
            Err(E::MissingParam("nonce"))
        );
        assert_eq!(
            DigestChallenge::parse(r#"Digest nonce="n", realm="r, qop=auth"#),
            Err(E::UnterminatedQuote)
        );
        assert_eq!(
            DigestChallenge::parse(r#"Basic realm="r""#),
            Err(E::UnsupportedScheme("Basic".into()))
        );
        assert_eq!(
            DigestChallenge::parse(r#"Digest realm="r", nonce="n", algorithm=SHA-1"#),
            Err(E::UnsupportedAlgorithm("SHA-1".into()))
        );
        assert!(matches!(
            DigestChallenge::parse(r#"Digest realm="r", nonce="n", qop="auth-conf""#),
            Err(E::UnsupportedQop(_))
        ));
        assert_eq!(
            DigestChallenge::parse(r#"Digest realm="r", realm="s", nonce="n""#),
            Err(E::DuplicateParam("realm"))
        );
        assert!(DigestChallenge::parse(r#"Digest realm="r", nonce="""#).is_err());
    }

    #[test]
    fn first_supported_skips_what_we_cannot_answer() {
        let c = DigestChallenge::first_supported([
            r#"Digest realm="r", nonce="n", algorithm=SHA-1"#,
            r#"Bearer realm="r""#,
            r#"Digest realm="r", nonce="n", algorithm=SHA-256"#,
            r#"Digest realm="r", nonce="n", algorithm=MD5"#,
        ])
        .unwrap();
        assert_eq!(c.algorithm, Some(Algorithm::Sha256));
        assert_eq!(
            DigestChallenge::first_supported([r#"Basic realm="r""#]),
            Err(E::UnsupportedScheme("Basic".into()))
        );
        assert_eq!(DigestChallenge::first_supported([]), Err(E::Empty));
    }
}
