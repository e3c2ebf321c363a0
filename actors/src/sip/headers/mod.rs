//! Typed views of the headers a user agent needs. Each parses from a header value on
//! demand and borrows from it where it can.

pub mod allow_list;
pub mod cseq;
pub mod event;
pub mod expires;
pub mod misc;
pub mod name_addr;
pub mod params;
pub mod reason;
pub mod refer;
pub mod rseq_rack;
pub mod session;
pub mod simple;
pub mod via;

pub use allow_list::{Allow, OptionTags, ProxyRequire, Require, Supported, Unsupported};
pub use cseq::CSeq;
pub use event::{AllowEvents, Event, SubState, SubscriptionState};
pub use expires::{Expires, MinExpires, RetryAfter};
pub use misc::{ProductItem, ProductList, Replaces};
pub use name_addr::{Contact, NameAddr, NameAddrRef};
pub use reason::Reason;
pub use refer::{PAssertedIdentity, ReferTo, ReferredBy};
pub use rseq_rack::{RAck, RSeq};
pub use session::{MinSe, Refresher, SessionExpires};
pub use via::Via;
