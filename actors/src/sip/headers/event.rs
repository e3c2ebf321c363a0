//! SIP events (RFC 6665): Event, Allow-Events, Subscription-State.

use super::allow_list::token_list;
use super::expires::{delta_seconds, owned_params, write_params};
use super::params::{is_token, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Param;
use std::fmt;

/// Splits `token *(;param)` into the leading token and the parameter text.
fn token_and_rest<'a>(value: &'a str, name: &HeaderName) -> Result<(&'a str, &'a str), Fault> {
    let v = trim_lws(value);
    let end = v.find([' ', '\t', ';']).unwrap_or(v.len());
    let token = &v[..end];
    if !is_token(token) {
        return Err(Fault::BadHeader {
            name: name.clone(),
            why: "expected a token",
        });
    }
    Ok((token, &v[end..]))
}

/// The Event header: `event-type *(;id=token / generic-param)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event package with its templates, e.g. `presence`, `refer`,
    /// `message-summary`, `presence.winfo`.
    pub package: Box<str>,
    /// The `id` parameter distinguishing subscriptions in one dialog.
    pub id: Option<Box<str>>,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl Event {
    /// An Event of this package, without parameters.
    pub fn new(package: &str) -> Event {
        Event {
            package: package.into(),
            id: None,
            params: Vec::new(),
        }
    }

    /// Parses an Event value.
    pub fn parse(value: &str) -> Result<Event, Fault> {
        let name = HeaderName::Event;
        let (package, rest) = token_and_rest(value, &name)?;
        let mut id = None;
        let mut params = Vec::new();
        for p in owned_params(rest, &name)? {
            if p.name.eq_ignore_ascii_case("id") {
                match p.value {
                    Some(v) if is_token(&v) => id = Some(v),
                    _ => {
                        return Err(Fault::BadHeader {
                            name,
                            why: "id is not a token",
                        })
                    }
                }
            } else {
                params.push(p);
            }
        }
        Ok(Event {
            package: package.into(),
            id,
            params,
        })
    }

    /// Whether two Event values name the same subscription: same package (case-
    /// insensitive) and same id (RFC 6665 §8.2.1).
    pub fn matches(&self, other: &Event) -> bool {
        self.package.eq_ignore_ascii_case(&other.package) && self.id == other.id
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.package)?;
        if let Some(id) = &self.id {
            write!(f, ";id={id}")?;
        }
        write_params(f, &self.params)
    }
}

/// The Allow-Events header: the event packages a UA accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowEvents(pub Vec<Box<str>>);

impl AllowEvents {
    /// Parses `event-type *(COMMA event-type)`.
    pub fn parse(value: &str) -> Result<AllowEvents, Fault> {
        let why = ("no event type", "event type is not a token");
        token_list(HeaderName::AllowEvents, value, false, why).map(AllowEvents)
    }

    /// Whether `package` is listed (case-insensitive).
    pub fn allows(&self, package: &str) -> bool {
        self.0.iter().any(|p| p.eq_ignore_ascii_case(package))
    }
}

impl fmt::Display for AllowEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// The state of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubState {
    /// Accepted and running.
    Active,
    /// Awaiting authorization.
    Pending,
    /// Over; see the reason.
    Terminated,
    /// An extension state, kept verbatim (treat as unknown per RFC 6665 §4.1.3).
    Other(Box<str>),
}

impl fmt::Display for SubState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SubState::Active => "active",
            SubState::Pending => "pending",
            SubState::Terminated => "terminated",
            SubState::Other(s) => s,
        })
    }
}

/// The Subscription-State header of a NOTIFY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    /// The state.
    pub state: SubState,
    /// Seconds left in the subscription.
    pub expires: Option<u32>,
    /// Why it terminated (`deactivated`, `probation`, `rejected`, `timeout`,
    /// `giveup`, `noresource`, `invariant`, or an extension).
    pub reason: Option<Box<str>>,
    /// Seconds before the subscriber may retry.
    pub retry_after: Option<u32>,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl SubscriptionState {
    /// Parses a Subscription-State value.
    pub fn parse(value: &str) -> Result<SubscriptionState, Fault> {
        let name = HeaderName::SubscriptionState;
        let (state, rest) = token_and_rest(value, &name)?;
        let state = match state.to_ascii_lowercase().as_str() {
            "active" => SubState::Active,
            "pending" => SubState::Pending,
            "terminated" => SubState::Terminated,
            _ => SubState::Other(state.into()),
        };
        let mut out = SubscriptionState {
            state,
            expires: None,
            reason: None,
            retry_after: None,
            params: Vec::new(),
        };
        for p in owned_params(rest, &name)? {
            let value = p.value.as_deref().unwrap_or("");
            match &*p.name.to_ascii_lowercase() {
                "expires" => out.expires = Some(delta_seconds(value, &name)?),
                "retry-after" => out.retry_after = Some(delta_seconds(value, &name)?),
                "reason" if is_token(value) => out.reason = Some(value.into()),
                "reason" => {
                    return Err(Fault::BadHeader {
                        name,
                        why: "reason is not a token",
                    })
                }
                _ => out.params.push(p),
            }
        }
        Ok(out)
    }
}

impl fmt::Display for SubscriptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.state)?;
        if let Some(r) = &self.reason {
            write!(f, ";reason={r}")?;
        }
        if let Some(e) = self.expires {
            write!(f, ";expires={e}")?;
        }
        if let Some(r) = self.retry_after {
            write!(f, ";retry-after={r}")?;
        }
        write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_with_id() {
        let e = Event::parse("presence.winfo ; id = 47;foo").unwrap();
        assert_eq!(&*e.package, "presence.winfo");
        assert_eq!(e.id.as_deref(), Some("47"));
        assert_eq!(e.params, vec![Param::new("foo", None)]);
        assert_eq!(e.to_string(), "presence.winfo;id=47;foo");
        assert_eq!(Event::parse(&e.to_string()).unwrap(), e);
        assert!(Event::parse("Refer").unwrap().matches(&Event::new("refer")));
        assert!(!Event::parse("refer;id=1")
            .unwrap()
            .matches(&Event::new("refer")));
        assert!(Event::parse("").is_err());
        assert!(Event::parse("refer;id").is_err());
        assert!(Event::parse("re fer").is_err());
    }

    #[test]
    fn allow_events_list() {
        let a = AllowEvents::parse("refer, presence ,dialog").unwrap();
        assert!(a.allows("REFER") && a.allows("dialog") && !a.allows("reg"));
        assert_eq!(a.to_string(), "refer, presence, dialog");
        assert!(AllowEvents::parse("").is_err());
        assert!(AllowEvents::parse("a;b").is_err());
    }

    #[test]
    fn subscription_state() {
        let s = SubscriptionState::parse("active;expires=3600").unwrap();
        assert_eq!((s.state.clone(), s.expires), (SubState::Active, Some(3600)));
        let t =
            SubscriptionState::parse("Terminated; reason=noresource ;retry-after=30;x=1").unwrap();
        assert_eq!(t.state, SubState::Terminated);
        assert_eq!(t.reason.as_deref(), Some("noresource"));
        assert_eq!(t.retry_after, Some(30));
        assert_eq!(t.params, vec![Param::new("x", Some("1"))]);
        assert_eq!(
            t.to_string(),
            "terminated;reason=noresource;retry-after=30;x=1"
        );
        assert_eq!(SubscriptionState::parse(&t.to_string()).unwrap(), t);
        assert_eq!(
            SubscriptionState::parse("waiting").unwrap().state,
            SubState::Other("waiting".into())
        );
        assert!(SubscriptionState::parse("active;expires=soon").is_err());
        assert!(SubscriptionState::parse("active;reason=\"x y\"").is_err());
        assert!(SubscriptionState::parse(";expires=1").is_err());
    }
}
