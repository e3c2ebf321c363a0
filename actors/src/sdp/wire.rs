//! Reading and writing the SDP text, through the `sdp-types` crate (RFC 8866 grammar,
//! fuzzed upstream) — nothing outside this file sees that crate's types.

use std::fmt;
use std::net::IpAddr;

use sdp_types as st;

use super::error::SdpError;
use super::types::{Attribute, Bandwidth, Direction, Origin, SessionDescription};
use super::wire_media::{media_from, media_to};

impl SessionDescription {
    /// Parses a session description (an SDP body). Never panics on any input.
    pub fn parse(body: &[u8]) -> Result<Self, SdpError> {
        let s = st::Session::parse(body)?;
        let connection = s
            .connection
            .as_ref()
            .map(|c| address(c, None))
            .transpose()?;
        let mut session_direction = None;
        let mut attributes = Vec::new();
        for a in s.attributes {
            match direction_of(&a) {
                Some(d) => session_direction = session_direction.or(Some(d)),
                None => attributes.push(Attribute {
                    name: a.attribute,
                    value: a.value,
                }),
            }
        }
        let media = s
            .medias
            .iter()
            .enumerate()
            .map(|(i, m)| media_from(i + 1, m, session_direction))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SessionDescription {
            origin: Origin {
                username: s.origin.username.unwrap_or_else(|| "-".to_owned()),
                session_id: s.origin.sess_id,
                session_version: s.origin.sess_version,
                address: s.origin.unicast_address,
            },
            session_name: s.session_name,
            connection,
            bandwidths: s.bandwidths.into_iter().map(bandwidth_from).collect(),
            attributes,
            media,
        })
    }

    /// The SDP text (CRLF line ends). CR, LF and NUL inside values are dropped by the writer,
    /// so no field can inject a line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        // Writing into a Vec cannot fail: the io::Result only reports the sink's errors.
        let _ = self.to_wire().write(&mut out);
        out
    }

    fn to_wire(&self) -> st::Session {
        let o = &self.origin;
        st::Session {
            origin: st::Origin {
                username: Some(o.username.clone()),
                sess_id: o.session_id.clone(),
                sess_version: o.session_version,
                nettype: st::NetType::In,
                addrtype: if o.address.contains(':') {
                    st::AddrType::Ip6
                } else {
                    st::AddrType::Ip4
                },
                unicast_address: o.address.clone(),
            },
            session_name: self.session_name.clone(),
            session_description: None,
            uri: None,
            emails: Vec::new(),
            phones: Vec::new(),
            connection: self.connection.map(st::Connection::from_ip_addr),
            bandwidths: self.bandwidths.iter().map(bandwidth_to).collect(),
            times: vec![st::Time {
                start_time: 0,
                stop_time: 0,
                repeats: Vec::new(),
            }],
            time_zones: Vec::new(),
            key: None,
            attributes: self.attributes.iter().map(attribute_to).collect(),
            medias: self.media.iter().map(media_to).collect(),
        }
    }
}

impl fmt::Display for SessionDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

pub(super) fn direction_of(a: &st::Attribute) -> Option<Direction> {
    if a.value.is_some() {
        return None;
    }
    Direction::from_attribute(&a.attribute)
}

pub(super) fn address(c: &st::Connection, media: Option<usize>) -> Result<IpAddr, SdpError> {
    // Multicast addresses may carry "/ttl[/count]"; the address is before the first '/'.
    let text = c.connection_address.split('/').next().unwrap_or_default();
    text.parse().map_err(|_| SdpError::Connection {
        media,
        value: c.connection_address.clone(),
    })
}

pub(super) fn bandwidth_from(b: st::Bandwidth) -> Bandwidth {
    Bandwidth {
        kind: b.bwtype,
        value: b.bandwidth,
    }
}

pub(super) fn bandwidth_to(b: &Bandwidth) -> st::Bandwidth {
    st::Bandwidth {
        bwtype: b.kind.clone(),
        bandwidth: b.value,
    }
}

pub(super) fn attribute_to(a: &Attribute) -> st::Attribute {
    st::Attribute {
        attribute: a.name.clone(),
        value: a.value.clone(),
    }
}
