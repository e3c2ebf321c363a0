//! A read-only view of the location service for scenarios and tests.

use super::location::Location;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::vocab::TransportKind;

/// A registered contact as the registrar or push backend holds it (for scenarios and
/// tests to look at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingView {
    /// The Contact as registered, without `expires`.
    pub contact: String,
    /// Seconds left, rounded up.
    pub expires_in: u64,
    /// The transport the REGISTER came on.
    pub transport: TransportKind,
    /// The source address it came from.
    pub source: SocketAddr,
    /// Requests go to `source` over that flow (NAT, rport or a connection), not to the
    /// Contact URI.
    pub via_flow: bool,
    /// `+sip.instance`, unquoted.
    pub instance: Option<String>,
    /// `reg-id`
    pub reg_id: Option<u32>,
    /// RFC 8599 `pn-provider`.
    pub pn_provider: Option<String>,
    /// RFC 8599 `pn-prid`.
    pub pn_prid: Option<String>,
    /// RFC 8599 `pn-param`.
    pub pn_param: Option<String>,
}

impl Location {
    /// Every live binding of `user`, in registration order.
    pub fn views(&self, user: &str, now: Duration) -> Vec<BindingView> {
        self.live(user, now)
            .map(|b| {
                let [pn_provider, pn_prid, pn_param] = b.push.clone();
                BindingView {
                    contact: b.contact.to_string(),
                    expires_in: secs_left(b.expires_at, now),
                    transport: b.flow.transport,
                    source: b.flow.addr,
                    via_flow: b.use_flow,
                    instance: b.instance.clone(),
                    reg_id: b.reg_id,
                    pn_provider,
                    pn_prid,
                    pn_param,
                }
            })
            .collect()
    }
}

/// Whole seconds from `now` to `at`, rounded up.
pub(super) fn secs_left(at: Duration, now: Duration) -> u64 {
    let left = at.saturating_sub(now);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}
