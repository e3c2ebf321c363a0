//! How an account's shell translates between the registration machine and the rest of
//! the engine: transaction outcomes into machine inputs, machine events into
//! [`Event::Registration`].

use crate::events::Event;
use switchboard_actors::registrar::{FailureReason, Input, RegistrationEvent};
use switchboard_actors::transaction::TxEvent;

/// The machine's inputs for a transaction outcome: a final response, or a failure.
/// (The machine reads the address a 2xx's Via shows itself: the registrar has just
/// bound it, so it is the baseline for keepalives, not a change.)
pub(crate) fn inputs(event: TxEvent) -> Vec<Input> {
    match event {
        TxEvent::Response(r) if r.status.as_u16() < 200 => Vec::new(),
        TxEvent::Response(r) => vec![Input::Response(r)],
        TxEvent::Timeout => vec![Input::Timeout],
        TxEvent::TransportError | TxEvent::InternalError | TxEvent::Terminated => {
            vec![Input::TransportError]
        }
        _ => Vec::new(),
    }
}

/// The snake_case name of a failure reason.
pub(crate) fn reason_name(r: FailureReason) -> &'static str {
    match r {
        FailureReason::Credentials => "credentials",
        FailureReason::Forbidden => "forbidden",
        FailureReason::NotFound => "not_found",
        FailureReason::ServerError => "server_error",
        FailureReason::Timeout => "timeout",
        FailureReason::Network => "network",
        FailureReason::Rejected => "rejected",
        FailureReason::IntervalTooBrief => "interval_too_brief",
        _ => "other",
    }
}

/// The embedder's [`Event::Registration`] for a machine event.
pub(crate) fn event(aor: &str, e: RegistrationEvent) -> Event {
    let (mut expires, mut reason, mut status, mut retry_in_ms) = (None, None, None, None);
    let state = match e {
        RegistrationEvent::Registering => "registering",
        RegistrationEvent::Registered { expires: x } => {
            expires = Some(x);
            "registered"
        }
        RegistrationEvent::Unregistering => "unregistering",
        RegistrationEvent::Unregistered => "unregistered",
        RegistrationEvent::Failed {
            reason: r,
            status: s,
            retry_in,
        } => {
            reason = Some(reason_name(r).to_owned());
            status = s;
            retry_in_ms = retry_in.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            "failed"
        }
        RegistrationEvent::AuthExpired => "auth_expired",
        RegistrationEvent::AddressChanged => "address_changed",
        RegistrationEvent::FlowFailed => "flow_failed",
        _ => "other",
    };
    Event::Registration {
        account: aor.to_owned(),
        state: state.to_owned(),
        expires,
        reason,
        status,
        retry_in_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use switchboard_actors::sip::{parse_datagram, Message, ParseLimits, Response};

    fn response(via: &str) -> Response {
        let text = format!(
            "SIP/2.0 200 OK\r\nVia: {via}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:a@x>;tag=2\r\n\
             Call-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
        );
        match parse_datagram(text.into_bytes().into(), &ParseLimits::default()) {
            Ok(Message::Response(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn final_responses_and_failures_become_inputs() {
        let r = response("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx;received=192.0.2.7;rport=4000");
        let got = inputs(TxEvent::Response(r));
        assert!(matches!(got[..], [Input::Response(_)]));
        let plain = response("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx");
        assert_eq!(inputs(TxEvent::Response(plain)).len(), 1);
        assert!(matches!(inputs(TxEvent::Timeout)[..], [Input::Timeout]));
        assert!(matches!(
            inputs(TxEvent::InternalError)[..],
            [Input::TransportError]
        ));
    }

    #[test]
    fn failures_carry_reason_status_and_retry() {
        let e = event(
            "sip:alice@example.com",
            RegistrationEvent::Failed {
                reason: FailureReason::ServerError,
                status: Some(503),
                retry_in: Some(Duration::from_millis(1500)),
            },
        );
        assert_eq!(
            e,
            Event::Registration {
                account: "sip:alice@example.com".into(),
                state: "failed".into(),
                expires: None,
                reason: Some("server_error".into()),
                status: Some(503),
                retry_in_ms: Some(1500),
            }
        );
        assert_eq!(e.to_string(), "sip:alice@example.com failed (server_error)");
        let e = event("sip:a@x", RegistrationEvent::AuthExpired);
        assert!(e.to_json().contains(r#""state":"auth_expired""#));
    }
}
