//! The location service (RFC 3261 §10.3): user → bindings with their expiry, the flow
//! each REGISTER came on (RFC 5626-ish flow reuse behind a NAT), `+sip.instance`/`reg-id`
//! and the RFC 8599 push parameters. Ordered maps only: iteration order reaches the wire.

use super::proxy::Hop;
use std::collections::BTreeMap;
use std::time::Duration;
use switchboard_actors::sip::headers::Expires;
use switchboard_actors::sip::{Contact, HeaderName, NameAddr, Request, Uri};

/// The expiry a contact gets when neither its `expires` nor an Expires header says.
pub(crate) const DEFAULT_EXPIRES: u32 = 3600;

/// One registered contact.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    /// The contact as registered, without its `expires` parameter.
    pub contact: NameAddr,
    /// When it lapses.
    pub expires_at: Duration,
    /// The transport and source address the REGISTER came from.
    pub flow: Hop,
    /// Reach it through `flow` (NAT, rport, or a connection) rather than the Contact URI.
    pub use_flow: bool,
    /// `+sip.instance`
    pub instance: Option<String>,
    /// `reg-id`
    pub reg_id: Option<u32>,
    /// RFC 8599 `pn-provider`, `pn-prid`, `pn-param`.
    pub push: [Option<String>; 3],
    call_id: String,
    cseq: u32,
    updated: Duration,
}

/// Expiry limits applied to a REGISTER.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExpiresPolicy {
    /// Below this (and not 0): 423.
    pub min: u32,
    /// Above this: cut to it.
    pub max: u32,
}

/// Why a REGISTER changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RegisterError {
    /// An expiry below the minimum: answer 423 with this Min-Expires.
    TooBrief(u32),
    /// A malformed request: answer 400 with this reason.
    Bad(&'static str),
}

/// What a REGISTER changed: contacts added or refreshed (with granted expiry), and how
/// many bindings were removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// `(contact URI, expires)` per binding added or refreshed.
    pub added: Vec<(String, u32)>,
    /// Bindings removed.
    pub removed: usize,
}

/// Every user's bindings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Location {
    users: BTreeMap<String, Vec<Binding>>,
}

impl Location {
    /// Applies a REGISTER for `user` that came on `flow` (RFC 3261 §10.3 steps 6–7).
    /// Nothing changes when it is refused.
    pub fn register(
        &mut self,
        now: Duration,
        user: &str,
        req: &Request,
        flow: Hop,
        use_flow: bool,
        policy: ExpiresPolicy,
    ) -> Result<Changes, RegisterError> {
        let contacts = req
            .contacts()
            .map_err(|_| RegisterError::Bad("Bad Contact"))?;
        let header_expires = match req.headers.get(&HeaderName::Expires) {
            Some(v) => Some(
                Expires::parse(v.as_str())
                    .map_err(|_| RegisterError::Bad("Bad Expires"))?
                    .0,
            ),
            None => None,
        };
        let call_id = req.call_id().unwrap_or_default().to_owned();
        let cseq = req.cseq().map(|c| c.seq).unwrap_or(0);
        let mut changes = Changes::default();
        if contacts.contains(&Contact::Wildcard) {
            if contacts.len() != 1 || header_expires != Some(0) {
                return Err(RegisterError::Bad("Wildcard Contact Needs Expires 0"));
            }
            changes.removed = self.users.remove(user).map_or(0, |b| b.len());
            return Ok(changes);
        }
        let mut wanted = Vec::with_capacity(contacts.len());
        for c in contacts {
            let Contact::Addr(addr) = c else { continue };
            let e = addr.expires().or(header_expires).unwrap_or(DEFAULT_EXPIRES);
            if e != 0 && e < policy.min {
                return Err(RegisterError::TooBrief(policy.min));
            }
            wanted.push((addr, e.min(policy.max)));
        }
        let list = self.users.entry(user.to_owned()).or_default();
        for (mut addr, expires) in wanted {
            addr.params
                .retain(|p| !p.name.eq_ignore_ascii_case("expires"));
            let instance = addr.instance().map(str::to_owned);
            let reg_id = addr.reg_id();
            let found = list.iter().position(|b| match &instance {
                Some(i) => b.instance.as_deref() == Some(i) && b.reg_id == reg_id,
                None => b.instance.is_none() && b.contact.uri == addr.uri,
            });
            if let Some(i) = found {
                let b = &list[i];
                if b.call_id == call_id && b.cseq > cseq {
                    continue; // an older REGISTER arriving late changes nothing
                }
                if expires == 0 {
                    list.remove(i);
                    changes.removed += 1;
                    continue;
                }
            } else if expires == 0 {
                continue;
            }
            let binding = Binding {
                push: push_params(&addr),
                contact: addr,
                expires_at: now + Duration::from_secs(u64::from(expires)),
                flow,
                use_flow,
                instance,
                reg_id,
                call_id: call_id.clone(),
                cseq,
                updated: now,
            };
            changes
                .added
                .push((binding.contact.uri.to_string(), expires));
            match found {
                Some(i) => list[i] = binding,
                None => list.push(binding),
            }
        }
        if list.is_empty() {
            self.users.remove(user);
        }
        Ok(changes)
    }

    /// The Contact values of a 200 to REGISTER: every live binding with its remaining
    /// expiry in seconds (rounded up).
    pub fn contact_values(&self, user: &str, now: Duration) -> Vec<String> {
        self.live(user, now)
            .map(|b| {
                let mut c = b.contact.clone();
                let secs = super::location_view::secs_left(b.expires_at, now);
                c.set_param("expires", Some(&secs.to_string()));
                c.to_string()
            })
            .collect()
    }

    /// The binding to deliver a request for `user` to: the most recently refreshed.
    pub fn best(&self, user: &str, now: Duration) -> Option<&Binding> {
        self.live(user, now)
            .enumerate()
            .max_by_key(|(i, b)| (b.updated, *i))
            .map(|(_, b)| b)
    }

    /// The live binding whose contact URI has the same user, host and port as `uri` (an
    /// in-dialog request to a registered UA's remote target).
    pub fn by_contact(&self, uri: &Uri, now: Duration) -> Option<&Binding> {
        let Uri::Sip(want) = uri else { return None };
        self.users
            .values()
            .flatten()
            .filter(|b| b.expires_at > now)
            .find(|b| match &b.contact.uri {
                Uri::Sip(have) => {
                    have.user == want.user && have.host == want.host && have.port == want.port
                }
                Uri::Absolute(_) => false,
            })
    }

    /// Removes every binding that has lapsed by `now`; one user name per binding removed.
    pub fn expire(&mut self, now: Duration) -> Vec<String> {
        let mut gone = Vec::new();
        self.users.retain(|user, list| {
            list.retain(|b| {
                let live = b.expires_at > now;
                if !live {
                    gone.push(user.clone());
                }
                live
            });
            !list.is_empty()
        });
        gone
    }

    /// When the next binding lapses.
    pub fn next_expiry(&self) -> Option<Duration> {
        self.users.values().flatten().map(|b| b.expires_at).min()
    }

    pub(super) fn live<'a>(
        &'a self,
        user: &str,
        now: Duration,
    ) -> impl Iterator<Item = &'a Binding> + 'a {
        self.users
            .get(user)
            .into_iter()
            .flatten()
            .filter(move |b| b.expires_at > now)
    }
}

/// `pn-provider`/`pn-prid`/`pn-param`: URI parameters per RFC 8599, or contact header
/// parameters as some apps write them.
fn push_params(addr: &NameAddr) -> [Option<String>; 3] {
    let get = |name: &str| -> Option<String> {
        let in_uri = match &addr.uri {
            Uri::Sip(s) => s.param(name),
            Uri::Absolute(_) => None,
        };
        in_uri.or_else(|| addr.param(name)).map(str::to_owned)
    };
    [get("pn-provider"), get("pn-prid"), get("pn-param")]
}
