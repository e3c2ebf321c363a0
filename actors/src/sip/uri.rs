//! URIs (RFC 3261 §19.1, RFC 3986 absolute URIs kept opaque).
//!
//! Components are stored as written (still %-escaped), so a parsed URI prints back
//! byte-identical; comparison per RFC 3261 §19.1.4 is a separate function.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A URI as it appears in a Request-URI or a name-addr.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Uri {
    /// `sip:` or `sips:`
    Sip(SipUri),
    /// Any other scheme (`tel:`, `http:`, `urn:`…), kept opaque: scheme ":" rest.
    Absolute(AbsoluteUri),
}

/// `sip` or `sips`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// sip:
    Sip,
    /// sips: (TLS on every hop)
    Sips,
}

/// A SIP or SIPS URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SipUri {
    /// sip or sips
    pub scheme: Scheme,
    /// The user part as written (escaped), without the `@`.
    pub user: Option<Box<str>>,
    /// The password as written, without the `:`.
    pub password: Option<Box<str>>,
    /// The host.
    pub host: Host,
    /// The port, if given.
    pub port: Option<u16>,
    /// `;name[=value]` parameters in order, as written.
    pub params: Vec<Param>,
    /// `?hname=hvalue&…` as written, without the `?`.
    pub headers: Option<Box<str>>,
}

/// A host: a name or a literal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A domain name, case kept as written.
    Domain(Box<str>),
    /// An IPv4 literal.
    V4(Ipv4Addr),
    /// An IPv6 reference (printed in brackets).
    V6(Ipv6Addr),
}

/// A generic `name[=value]` parameter (URI or header parameter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param {
    /// Its name as written.
    pub name: Box<str>,
    /// Its value as written (quotes kept for quoted-string values), if any.
    pub value: Option<Box<str>>,
}

/// A URI of another scheme, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AbsoluteUri(pub Box<str>);

impl AbsoluteUri {
    /// The scheme, before the first `:`.
    pub fn scheme(&self) -> &str {
        self.0.split(':').next().unwrap_or("")
    }
}

impl Param {
    /// A parameter from name and optional value.
    pub fn new(name: impl Into<Box<str>>, value: Option<&str>) -> Param {
        Param {
            name: name.into(),
            value: value.map(Into::into),
        }
    }
}

/// The value of the first parameter named `name` (case-insensitive); `Some("")` for a
/// parameter present without a value.
pub fn find_param<'a>(params: &'a [Param], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.as_deref().unwrap_or(""))
}

impl SipUri {
    /// A `sip:` URI with just a host (and optional user and port).
    pub fn new(user: Option<&str>, host: Host, port: Option<u16>) -> SipUri {
        SipUri {
            scheme: Scheme::Sip,
            user: user.map(Into::into),
            password: None,
            host,
            port,
            params: Vec::new(),
            headers: None,
        }
    }

    /// The value of a URI parameter (case-insensitive name).
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }

    /// The port, or the scheme's default when none is written (5060, 5061 for sips).
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(match self.scheme {
            Scheme::Sips => 5061,
            Scheme::Sip => 5060,
        })
    }
}

impl Host {
    /// The address of an IP literal; `None` for a domain name.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Host::V4(a) => Some(IpAddr::V4(*a)),
            Host::V6(a) => Some(IpAddr::V6(*a)),
            Host::Domain(_) => None,
        }
    }
}

impl From<IpAddr> for Host {
    fn from(ip: IpAddr) -> Host {
        match ip {
            IpAddr::V4(a) => Host::V4(a),
            IpAddr::V6(a) => Host::V6(a),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d),
            Host::V4(a) => write!(f, "{a}"),
            Host::V6(a) => write!(f, "[{a}]"),
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(v) = &self.value {
            write!(f, "={v}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.scheme {
            Scheme::Sip => "sip:",
            Scheme::Sips => "sips:",
        })?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(pw) = &self.password {
                write!(f, ":{pw}")?;
            }
            f.write_str("@")?;
        }
        write!(f, "{}", self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        for p in &self.params {
            write!(f, ";{p}")?;
        }
        if let Some(h) = &self.headers {
            write!(f, "?{h}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(u) => u.fmt(f),
            Uri::Absolute(a) => f.write_str(&a.0),
        }
    }
}
