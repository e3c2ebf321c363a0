//! The two STUN messages a keepalive needs (RFC 5389): the Binding request, and reading
//! the XOR-MAPPED-ADDRESS (or, from older servers, MAPPED-ADDRESS) out of the Binding
//! response. No authentication, no FINGERPRINT: RFC 5626 §8.4 keepalives use neither.
//!
//! Hand-written rather than a crate: these ~80 lines are all of STUN the engine uses,
//! parsing is bounds-checked and never panics on peer data, and the STUN crates on
//! crates.io bring in HMAC/CRC/MD5 stacks for integrity and ICE attributes we never use.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The STUN magic cookie (RFC 5389 §6).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
/// Binding request (method 0x001, class request).
const BINDING_REQUEST: u16 = 0x0001;
/// Binding success response.
const BINDING_SUCCESS: u16 = 0x0101;
/// Binding error response.
const BINDING_ERROR: u16 = 0x0111;
const MAPPED_ADDRESS: u16 = 0x0001;
const XOR_MAPPED_ADDRESS: u16 = 0x0020;

/// Whether `data` looks like a STUN message: the first two bits 0, the magic cookie at
/// bytes 4..8 and a length that is a multiple of 4 (RFC 5389 §6, RFC 7983).
pub fn is_stun(data: &[u8]) -> bool {
    let (Some(first), Some(len), Some(cookie)) = (data.first(), data.get(2..4), data.get(4..8))
    else {
        return false;
    };
    first & 0xC0 == 0
        && cookie == MAGIC_COOKIE.to_be_bytes()
        && u16::from_be_bytes([len[0], len[1]]) % 4 == 0
}

/// A Binding request with transaction id `id` and no attributes.
pub fn binding_request(id: [u8; 12]) -> [u8; 20] {
    let mut m = [0u8; 20];
    m[0..2].copy_from_slice(&BINDING_REQUEST.to_be_bytes());
    m[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    m[8..20].copy_from_slice(&id);
    m
}

/// What a Binding response with our transaction id says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingAnswer {
    /// A success response; the reflexive address when it carried one.
    Success(Option<SocketAddr>),
    /// An error response (the server is there: the flow works).
    Error,
}

/// Reads a Binding response to transaction `id`; `None` for anything else (another
/// transaction, a request, a truncated or malformed message).
pub fn parse_binding_response(data: &[u8], id: &[u8; 12]) -> Option<BindingAnswer> {
    if !is_stun(data) || data.get(8..20)? != id {
        return None;
    }
    let kind = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
    let len = usize::from(u16::from_be_bytes([*data.get(2)?, *data.get(3)?]));
    let attrs = data.get(20..20 + len)?;
    match kind {
        BINDING_ERROR => return Some(BindingAnswer::Error),
        BINDING_SUCCESS => {}
        _ => return None,
    }
    let (mut xor, mut plain) = (None, None);
    let mut rest = attrs;
    while let (Some(t), Some(l)) = (rest.get(0..2), rest.get(2..4)) {
        let t = u16::from_be_bytes([t[0], t[1]]);
        let l = usize::from(u16::from_be_bytes([l[0], l[1]]));
        let value = rest.get(4..4 + l)?;
        match t {
            XOR_MAPPED_ADDRESS => xor = address(value, Some(id)),
            MAPPED_ADDRESS => plain = address(value, None),
            _ => {}
        }
        rest = rest.get((4 + l).next_multiple_of(4)..).unwrap_or_default();
    }
    Some(BindingAnswer::Success(xor.or(plain)))
}

/// An address attribute's value, XOR-ed with the cookie (and `id`) when `xor_id` is set.
fn address(v: &[u8], xor_id: Option<&[u8; 12]>) -> Option<SocketAddr> {
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let mut key = [0u8; 16];
    if let Some(id) = xor_id {
        key[..4].copy_from_slice(&cookie);
        key[4..].copy_from_slice(id);
    }
    let port = u16::from_be_bytes([*v.get(2)?, *v.get(3)?]) ^ u16::from_be_bytes([key[0], key[1]]);
    let ip = match *v.get(1)? {
        0x01 => {
            let mut b: [u8; 4] = v.get(4..8)?.try_into().ok()?;
            b.iter_mut().zip(&key).for_each(|(b, k)| *b ^= k);
            IpAddr::V4(Ipv4Addr::from(b))
        }
        0x02 => {
            let mut b: [u8; 16] = v.get(4..20)?.try_into().ok()?;
            b.iter_mut().zip(&key).for_each(|(b, k)| *b ^= k);
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}
