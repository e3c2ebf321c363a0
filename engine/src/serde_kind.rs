//! Serde for [`TransportKind`] as a lower-case token (`udp`, `tcp`, `tls`), used by the
//! config file and the JSON event lines. `TransportKind` lives in the actors crate,
//! which does not depend on serde's derive for it.

use serde::{de, Deserialize, Deserializer, Serializer};
use switchboard_actors::vocab::TransportKind;

/// The lower-case token for a transport.
pub(crate) fn token(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Udp => "udp",
        TransportKind::Tcp => "tcp",
        TransportKind::Tls => "tls",
    }
}

pub(crate) fn serialize<S: Serializer>(kind: &TransportKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(token(*kind))
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TransportKind, D::Error> {
    let text = String::deserialize(d)?;
    TransportKind::from_via_token(&text).ok_or_else(|| {
        de::Error::invalid_value(de::Unexpected::Str(&text), &"one of udp, tcp, tls")
    })
}
