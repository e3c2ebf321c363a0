//! The out-of-dialog request policy: what this user agent answers to a request that
//! matches no dialog and no transaction, as a pure function (no I/O, randomness
//! injected). The transaction layer's TU hands such requests here and sends the
//! result on the server transaction.
//!
//! Order of checks follows RFC 3261 §8.2: ACK never gets a response (§17.2.1); then
//! Max-Forwards (§16.3 step 3, applied by this UAS too, except to OPTIONS, §11); then
//! method inspection (§8.2.1: 501 for an unrecognised method, 405 for a recognised one we
//! do not serve, both with `Allow`); then `Require` (§8.2.2.3: 420 with `Unsupported`);
//! then the method itself.

use rand::RngCore;
use switchboard_actors::sip::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};

/// The methods this engine answers today, as listed in `Allow`. The list grows as
/// lifecycles land: INVITE rings an incoming call ([`crate::ua::UaCore`] hands an
/// out-of-dialog INVITE that passes [`refuse`] to a call actor); PRACK, UPDATE and INFO
/// join with the dialog layer, REFER/NOTIFY with transfer.
pub const ALLOWED: &[Method] = &[
    Method::Invite,
    Method::Options,
    Method::Ack,
    Method::Cancel,
    Method::Bye,
];

/// Option tags listed in `Supported` (none yet; `100rel`, `timer`, `replaces` come with
/// the dialog layer). Every tag in a request's `Require` that is not here gets 420.
pub const SUPPORTED_OPTION_TAGS: &[&str] = &[];

fn allow_value() -> String {
    let names: Vec<&str> = ALLOWED.iter().map(Method::as_str).collect();
    names.join(", ")
}

/// The response to an out-of-dialog request, or `None` for ACK. `server` is the
/// configured user-agent string; the To tag (when the request has none) is drawn from
/// `rng`, the engine's seeded RNG.
pub fn respond_out_of_dialog(
    req: &Request,
    server: &str,
    rng: &mut impl RngCore,
) -> Option<Response> {
    if req.method == Method::Ack {
        return None;
    }
    let mut resp = decide(req);
    tag_to(req, &mut resp, rng);
    resp.headers
        .push(HeaderName::Server, HeaderValue::from_string(server));
    Some(resp)
}

/// The refusal the generic checks give `req` (483, 501, 405, 420), or `None` when the
/// method itself may serve it. No To tag or Server yet: [`respond_out_of_dialog`] adds
/// them, and so does the UA core when it refuses an INVITE with this.
pub fn refuse(req: &Request) -> Option<Response> {
    if req.method != Method::Options && max_forwards(req) == Some(0) {
        return Some(Response::to_request(req, StatusCode::TOO_MANY_HOPS));
    }
    if let Method::Other(_) = req.method {
        return Some(with_allow(Response::to_request(
            req,
            StatusCode::NOT_IMPLEMENTED,
        )));
    }
    if !ALLOWED.contains(&req.method) {
        // A method we recognise but do not serve yet: 405 with the Allow list (§8.2.1)
        // tells the caller exactly what works.
        return Some(with_allow(Response::to_request(
            req,
            StatusCode::METHOD_NOT_ALLOWED,
        )));
    }
    if req.method != Method::Cancel {
        let unsupported = unsupported_required(req);
        if !unsupported.is_empty() {
            let mut resp = Response::to_request(req, StatusCode::BAD_EXTENSION);
            resp.headers
                .push(HeaderName::Unsupported, unsupported.join(", "));
            return Some(resp);
        }
    }
    None
}

/// The response to a CANCEL no call took: its INVITE's call has ended (the final
/// response is out), so the CANCEL still gets its 200 (RFC 3261 §9.2); without a
/// matching INVITE (`matched` false), 481 through [`respond_out_of_dialog`].
pub fn cancel_response(
    matched: bool,
    req: &Request,
    server: &str,
    rng: &mut impl RngCore,
) -> Option<Response> {
    if !matched {
        return respond_out_of_dialog(req, server, rng);
    }
    let mut r = Response::to_request(req, StatusCode::OK);
    r.headers
        .push(HeaderName::Server, HeaderValue::from_string(server));
    Some(r)
}

fn decide(req: &Request) -> Response {
    if let Some(resp) = refuse(req) {
        return resp;
    }
    match req.method {
        Method::Options => options_ok(req),
        // BYE outside a dialog (§15.1.2), CANCEL with no matching transaction (§9.2) and
        // an INVITE with a To tag for a dialog we do not have (§12.2.2). An INVITE
        // without one never gets here: it becomes a call.
        _ => Response::to_request(req, StatusCode::CALL_DOES_NOT_EXIST),
    }
}

fn options_ok(req: &Request) -> Response {
    let mut resp = with_allow(Response::to_request(req, StatusCode::OK));
    let h = &mut resp.headers;
    h.push(HeaderName::Accept, "application/sdp");
    h.push(HeaderName::Other("Accept-Encoding".into()), "identity");
    h.push(HeaderName::Other("Accept-Language".into()), "en");
    h.push(HeaderName::Supported, SUPPORTED_OPTION_TAGS.join(", "));
    resp
}

fn with_allow(mut resp: Response) -> Response {
    resp.headers.push(HeaderName::Allow, allow_value());
    resp
}

fn max_forwards(req: &Request) -> Option<u32> {
    req.headers
        .get(&HeaderName::MaxForwards)?
        .as_str()
        .trim()
        .parse()
        .ok()
}

/// Option tags in `Require` (all fields, comma lists) that we do not support.
fn unsupported_required(req: &Request) -> Vec<String> {
    req.headers
        .get_all(&HeaderName::Require)
        .flat_map(|v| v.as_str().split(','))
        .map(str::trim)
        .filter(|t| {
            !t.is_empty()
                && !SUPPORTED_OPTION_TAGS
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(t))
        })
        .map(str::to_owned)
        .collect()
}

/// Whether the To header carries a `tag` parameter. Parameters of the URI inside
/// `<…>` do not count: only those after the closing `>` (or, without brackets, after
/// the URI) are header parameters.
pub fn has_to_tag(req: &Request) -> bool {
    req.to().is_ok_and(|to| to.tag().is_some())
}

/// Gives `resp` a To tag drawn from `rng` when `req`'s To has none (RFC 3261 §8.2.6.2;
/// used for every response this UA sends outside a dialog, stateless ones included).
pub fn tag_to(req: &Request, resp: &mut Response, rng: &mut impl RngCore) {
    if has_to_tag(req) {
        return;
    }
    if let Some(to) = req.headers.get(&HeaderName::To) {
        let tagged = format!("{};tag={:016x}", to.as_str(), rng.next_u64());
        resp.headers.set(HeaderName::To, tagged);
    }
}

#[cfg(test)]
#[path = "responder_tests.rs"]
mod tests;
