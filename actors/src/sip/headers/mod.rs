//! Typed views of the headers a user agent needs. Each parses from a header value on
//! demand and borrows from it where it can.

pub mod cseq;
pub mod name_addr;
pub mod params;
pub mod simple;
pub mod via;

pub use cseq::CSeq;
pub use name_addr::{Contact, NameAddr, NameAddrRef};
pub use via::Via;
