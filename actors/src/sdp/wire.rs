//! Reading and writing the SDP text, through the `sdp-types` crate (RFC 8866 grammar,
//! fuzzed upstream) — nothing outside this file sees that crate's types.

use std::fmt;
use std::net::IpAddr;

use sdp_types as st;

use super::error::SdpError;
use super::types::{
    Attribute, Bandwidth, Direction, MediaKind, MediaSection, Origin, PayloadFormat,
    SessionDescription,
};

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

fn direction_of(a: &st::Attribute) -> Option<Direction> {
    if a.value.is_some() {
        return None;
    }
    Direction::from_attribute(&a.attribute)
}

fn address(c: &st::Connection, media: Option<usize>) -> Result<IpAddr, SdpError> {
    // Multicast addresses may carry "/ttl[/count]"; the address is before the first '/'.
    let text = c.connection_address.split('/').next().unwrap_or_default();
    text.parse().map_err(|_| SdpError::Connection {
        media,
        value: c.connection_address.clone(),
    })
}

fn bandwidth_from(b: st::Bandwidth) -> Bandwidth {
    Bandwidth {
        kind: b.bwtype,
        value: b.bandwidth,
    }
}

fn bandwidth_to(b: &Bandwidth) -> st::Bandwidth {
    st::Bandwidth {
        bwtype: b.kind.clone(),
        bandwidth: b.value,
    }
}

fn attribute_to(a: &Attribute) -> st::Attribute {
    st::Attribute {
        attribute: a.name.clone(),
        value: a.value.clone(),
    }
}

fn is_rtp(proto: &str) -> bool {
    proto.split('/').any(|p| p.eq_ignore_ascii_case("RTP"))
}

/// The `<pt> <rest>` value of an rtpmap/fmtp attribute for `pt`, if it is one.
fn value_for(a: &st::Attribute, name: &str, pt: u8) -> Option<String> {
    if a.attribute != name {
        return None;
    }
    let v = a.value.as_deref()?;
    let (first, rest) = v.split_once(' ').unwrap_or((v, ""));
    (first.parse::<u8>().ok() == Some(pt)).then(|| rest.trim().to_owned())
}

/// Parses `encoding/clock[/channels]`.
fn rtpmap(pt: u8, v: &str) -> Option<PayloadFormat> {
    let mut parts = v.split('/');
    let encoding = parts
        .next()
        .filter(|e| !e.is_empty() && !e.contains(char::is_whitespace))?;
    let clock_rate = parts.next()?.parse().ok()?;
    let channels = parts.next().map(str::parse).transpose().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some(PayloadFormat::new(pt, encoding, clock_rate, channels))
}

fn media_from(
    index: usize,
    m: &st::Media,
    session_direction: Option<Direction>,
) -> Result<MediaSection, SdpError> {
    let connection = m
        .connections
        .first()
        .map(|c| address(c, Some(index)))
        .transpose()?;
    let mut used = vec![false; m.attributes.len()];
    let mut formats = Vec::new();
    let mut other_formats = Vec::new();
    for token in m.fmt.split_ascii_whitespace() {
        if !is_rtp(&m.proto) {
            other_formats.push(token.to_owned());
            continue;
        }
        let pt = token
            .parse::<u8>()
            .ok()
            .filter(|pt| *pt <= 127)
            .ok_or_else(|| SdpError::PayloadType {
                media: index,
                value: token.to_owned(),
            })?;
        let mapped = m.attributes.iter().enumerate().find_map(|(i, a)| {
            let f = rtpmap(pt, &value_for(a, "rtpmap", pt)?)?;
            Some((i, f))
        });
        let mut format = match mapped {
            Some((i, f)) => {
                used[i] = true;
                f
            }
            None => {
                PayloadFormat::static_pt(pt).ok_or(SdpError::MissingRtpmap { media: index, pt })?
            }
        };
        if let Some((i, v)) = m
            .attributes
            .iter()
            .enumerate()
            .find_map(|(i, a)| Some((i, value_for(a, "fmtp", pt)?)))
        {
            used[i] = true;
            format.fmtp = Some(v).filter(|v| !v.is_empty());
        }
        formats.push(format);
    }
    let mut direction = None;
    let mut attributes = Vec::new();
    for (a, used) in m.attributes.iter().zip(used) {
        match direction_of(a) {
            Some(d) => direction = direction.or(Some(d)),
            None if !used => attributes.push(Attribute {
                name: a.attribute.clone(),
                value: a.value.clone(),
            }),
            None => {}
        }
    }
    Ok(MediaSection {
        kind: MediaKind::parse(&m.media),
        port: m.port,
        port_count: m.num_ports,
        proto: m.proto.clone(),
        formats,
        other_formats,
        direction: direction
            .or(session_direction)
            .unwrap_or(Direction::SendRecv),
        connection,
        bandwidths: m.bandwidths.iter().cloned().map(bandwidth_from).collect(),
        attributes,
    })
}

fn media_to(m: &MediaSection) -> st::Media {
    let mut fmt: Vec<String> = m.formats.iter().map(|f| f.pt.to_string()).collect();
    fmt.extend(m.other_formats.iter().cloned());
    let mut attributes = Vec::with_capacity(m.formats.len() * 2 + m.attributes.len() + 1);
    for f in &m.formats {
        let mut map = format!("{} {}/{}", f.pt, f.encoding, f.clock_rate);
        if let Some(ch) = f.channels {
            map.push_str(&format!("/{ch}"));
        }
        attributes.push(st::Attribute::with_value("rtpmap", map));
        if let Some(p) = &f.fmtp {
            attributes.push(st::Attribute::with_value("fmtp", format!("{} {p}", f.pt)));
        }
    }
    attributes.extend(m.attributes.iter().map(attribute_to));
    attributes.push(st::Attribute::new(m.direction.as_str()));
    st::Media {
        media: m.kind.as_str().to_owned(),
        port: m.port,
        num_ports: m.port_count,
        proto: m.proto.clone(),
        fmt: fmt.join(" "),
        media_title: None,
        connections: m
            .connection
            .map(st::Connection::from_ip_addr)
            .into_iter()
            .collect(),
        bandwidths: m.bandwidths.iter().map(bandwidth_to).collect(),
        key: None,
        attributes,
    }
}
