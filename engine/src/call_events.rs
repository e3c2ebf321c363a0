//! [`Event::Call`] from the call machine's events, and the `missed` event of a push
//! whose INVITE never came.

use crate::events::Event;
use switchboard_actors::call::{CallEvent, Caller, IncomingCall};

fn event(call_id: &str, caller: &Caller, state: &str, account: Option<String>) -> Event {
    Event::Call {
        call_id: call_id.to_owned(),
        state: state.to_owned(),
        direction: "incoming".to_owned(),
        remote: caller.uri.clone(),
        display_name: caller.display_name.clone(),
        asserted_identity: caller.asserted.clone(),
        reason: None,
        status: None,
        by: None,
        early_media: None,
        account,
        codec: None,
    }
}

/// The event for `e` of `call`; `status` is the final status sent, if any.
pub(crate) fn call_event(
    call: &IncomingCall,
    e: CallEvent,
    status: Option<u16>,
    account: Option<String>,
) -> Event {
    let (state, reason) = match e {
        CallEvent::Incoming(_) => ("incoming", None),
        CallEvent::Missed(r) => ("missed", Some(r.as_str())),
        CallEvent::Rejected(_) => ("rejected", None),
        CallEvent::Failed => ("failed", Some("transport")),
        CallEvent::Answered => ("answered", None),
        CallEvent::Confirmed => ("confirmed", None),
        CallEvent::Ended { reason, .. } => ("ended", Some(reason.as_str())),
        _ => ("failed", Some("internal_error")),
    };
    let mut ev = event(call.call_id(), call.caller(), state, account);
    if let Event::Call {
        reason: r,
        status: s,
        ..
    } = &mut ev
    {
        *r = reason.map(str::to_owned);
        *s = status.filter(|_| state != "incoming");
    }
    ev
}

/// A call that ended without its INVITE reaching us: a push whose call never came
/// (`not_delivered`), or a call actor that failed (`internal_error`).
pub(crate) fn ended_event(
    call_id: &str,
    remote: &str,
    state: &str,
    reason: &str,
    account: Option<String>,
) -> Event {
    let caller = Caller {
        uri: remote.to_owned(),
        ..Caller::default()
    };
    let mut ev = event(call_id, &caller, state, account);
    if let Event::Call { reason: r, .. } = &mut ev {
        *r = Some(reason.to_owned());
    }
    ev
}
