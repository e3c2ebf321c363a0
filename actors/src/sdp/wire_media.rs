//! Reading and writing one m= section: payload formats from the m-line, rtpmap and fmtp,
//! the direction attribute; every other attribute is kept as written.

use sdp_types as st;

use super::error::SdpError;
use super::types::{Attribute, Direction, MediaKind, MediaSection, PayloadFormat};
use super::wire::{address, attribute_to, bandwidth_from, bandwidth_to, direction_of};

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

pub(super) fn media_from(
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

pub(super) fn media_to(m: &MediaSection) -> st::Media {
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
