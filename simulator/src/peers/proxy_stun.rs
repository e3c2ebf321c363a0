//! The registrar/proxy's STUN server (RFC 5389 §7.3, RFC 5626 §4.4.2): a Binding request
//! on its SIP UDP port is answered with a Binding success carrying XOR-MAPPED-ADDRESS,
//! the request's source as this element saw it (after any NAT). Written here, apart
//! from the engine's STUN code, so the two check each other.

use bytes::Bytes;
use std::net::{IpAddr, SocketAddr};

const COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];

/// The Binding success answering `request`, if it is a well-formed Binding request.
pub(crate) fn binding_success(request: &[u8], source: SocketAddr) -> Option<Bytes> {
    let header = request.get(..20)?;
    if header[0..2] != [0x00, 0x01] || header[4..8] != COOKIE {
        return None;
    }
    let id = &header[8..20];
    let mut key = [0u8; 16];
    key[..4].copy_from_slice(&COOKIE);
    key[4..].copy_from_slice(id);
    let (family, addr): (u8, Vec<u8>) = match source.ip() {
        IpAddr::V4(v4) => (1, v4.octets().to_vec()),
        IpAddr::V6(v6) => (2, v6.octets().to_vec()),
    };
    let port = source.port() ^ 0x2112;
    let value_len = 4 + addr.len();
    let mut m = Vec::with_capacity(20 + 4 + value_len);
    m.extend_from_slice(&[0x01, 0x01]);
    m.extend_from_slice(&u16::try_from(4 + value_len).ok()?.to_be_bytes());
    m.extend_from_slice(&COOKIE);
    m.extend_from_slice(id);
    m.extend_from_slice(&[0x00, 0x20]);
    m.extend_from_slice(&u16::try_from(value_len).ok()?.to_be_bytes());
    m.extend_from_slice(&[0, family]);
    m.extend_from_slice(&port.to_be_bytes());
    m.extend(addr.iter().zip(key).map(|(b, k)| b ^ k));
    Some(Bytes::from(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_a_binding_request_with_the_xored_source() {
        let mut req = vec![0x00, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42];
        req.extend_from_slice(&[
            0xB7, 0xE7, 0xA7, 0x01, 0xBC, 0x34, 0xD6, 0x86, 0xFA, 0x87, 0xDF, 0xAE,
        ]);
        let src: SocketAddr = "192.0.2.1:32853".parse().unwrap();
        let resp = binding_success(&req, src).unwrap();
        // RFC 5769 §2.2's XOR-MAPPED-ADDRESS for 192.0.2.1:32853.
        assert_eq!(
            &resp[20..32],
            &[0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xA1, 0x47, 0xE1, 0x12, 0xA6, 0x43]
        );
        assert_eq!(&resp[..4], &[0x01, 0x01, 0x00, 0x0C]);
        assert_eq!(&resp[8..20], &req[8..20]);
        assert!(
            binding_success(&resp, src).is_none(),
            "a response is not answered"
        );
        assert!(binding_success(&req[..19], src).is_none());
    }
}
