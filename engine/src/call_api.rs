//! The embedder's calls: [`Engine::dial`] (SIP URIs), [`Engine::dial_number`]
//! (telephone numbers), [`Engine::cellular`], and the Call-ID-keyed shortcuts
//! ([`Engine::answer_call`], [`Engine::hangup`], …) for the [`Call`] handle's
//! methods. Each goes through the supervisor (Running or Paused) to the UA core, which
//! routes it to the call's actor by Call-ID and runs admission; progress comes as
//! [`Event::Call`](crate::Event::Call).

use crate::account_handle::Account;
use crate::call_handle::Call;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::media::MediaReport;
use crate::ua::UaMsg;
use crate::ua_dial::DialRequest;
use std::path::PathBuf;
use switchboard_actors::admission::CellularEvent;

/// How to dial.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DialOptions {
    /// Extra headers for the INVITE (name, value).
    pub headers: Vec<(String, String)>,
    /// A session token for a registration-free account, sent in the account's token
    /// header ([`crate::push::token_header`]).
    pub token: Option<String>,
    /// Whether the call carries audio. Off: the offer is `a=inactive` and no RTP is
    /// sent (signalling only).
    pub audio: bool,
    /// What we send: a 16-bit mono 8 kHz WAV file (then silence); a 440 Hz tone when
    /// `None`.
    pub audio_file: Option<PathBuf>,
    /// The call's microphone and speaker ([`crate::AudioDevice`]); it replaces
    /// `audio_file` and the tone, and receives what the call hears.
    pub device: Option<crate::AudioDevice>,
}

impl DialOptions {
    /// No extra headers, no token, audio on (a tone).
    pub fn new() -> DialOptions {
        DialOptions {
            audio: true,
            ..DialOptions::default()
        }
    }
}

/// Separators a dialled number may contain; they are dropped.
const SEPARATORS: &[char] = &[' ', '-', '.', '(', ')', '/'];

/// Whether `s` looks like a telephone number rather than a URI.
fn looks_like_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_digit() || c == '+' || c == '*' || c == '#' || SEPARATORS.contains(&c)
        })
        && s.chars().any(|c| c.is_ascii_digit())
}

/// `number` normalised: separators dropped, `+` only in front, digits, `*`, `#`.
pub(crate) fn normalise_number(number: &str) -> Result<String, EngineError> {
    let trimmed = number.trim();
    let lower = trimmed.to_ascii_lowercase();
    if ["sip:", "sips:", "tel:"]
        .iter()
        .any(|p| lower.starts_with(p))
        || trimmed.contains('@')
    {
        return Err(EngineError::WrongTargetKind {
            target: number.to_owned(),
            expected: "telephone number",
        });
    }
    let bad = |reason: &str| EngineError::InvalidTarget {
        target: number.to_owned(),
        reason: reason.to_owned(),
    };
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !SEPARATORS.contains(c))
        .collect();
    let digits = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    if digits.is_empty() {
        return Err(bad("no digits"));
    }
    if let Some(c) = digits
        .chars()
        .find(|c| !(c.is_ascii_digit() || *c == '*' || *c == '#'))
    {
        return Err(bad(&format!(
            "`{c}` is not a digit, `*`, `#`, `+` or a separator"
        )));
    }
    if digits.len() > 32 {
        return Err(bad("more than 32 digits"));
    }
    Ok(cleaned)
}

impl Engine {
    /// Calls `target` (a SIP URI) from `account`: INVITE with a PCMU/PCMA offer,
    /// through the account's Service-Route when it has one. Progress comes as `call`
    /// events (`calling`, `ringing`, `confirmed`, `ended`). With another call in
    /// conversation, that call is held first. Errors: `WrongTargetKind` (a telephone
    /// number: use [`dial_number`](Self::dial_number)), `InvalidTarget`, `Unresolvable`,
    /// `NoTransport`, `Push` (a bad token), `CallRefused` (call limit, cellular call,
    /// paused), `NotRunning`.
    pub async fn dial(
        &self,
        account: &Account,
        target: &str,
        options: DialOptions,
    ) -> Result<Call, EngineError> {
        if looks_like_number(target) {
            return Err(EngineError::WrongTargetKind {
                target: target.to_owned(),
                expected: "SIP URI",
            });
        }
        self.place(account, target.trim(), options).await
    }

    /// Calls the telephone number `number` (digits with an optional leading `+`;
    /// spaces, dashes, dots, slashes and parentheses are dropped) from `account`, as
    /// `sip:NUMBER@DOMAIN;user=phone` at the account's domain (its gateway routes
    /// it). Errors: `WrongTargetKind` (a SIP URI: use [`dial`](Self::dial)),
    /// `InvalidTarget` (not a number), and those of `dial`.
    pub async fn dial_number(
        &self,
        account: &Account,
        number: &str,
        options: DialOptions,
    ) -> Result<Call, EngineError> {
        let number = normalise_number(number)?.replace('#', "%23");
        let domain = account
            .aor()
            .split_once('@')
            .map_or(account.aor(), |(_, host)| host);
        let target = format!("sip:{number}@{domain};user=phone");
        self.place(account, &target, options).await
    }

    async fn place(
        &self,
        account: &Account,
        target: &str,
        options: DialOptions,
    ) -> Result<Call, EngineError> {
        if self.state() == crate::lifecycle::EngineState::Paused {
            // Admission would refuse it too; the account's setup is not even asked.
            return Err(EngineError::CallRefused(
                switchboard_actors::admission::AdmissionError::Paused,
            ));
        }
        let mut setup = account.dial_setup().await?;
        let mut headers = std::mem::take(&mut setup.headers);
        for (name, value) in options.headers {
            let bad = name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if bad || value.contains(['\r', '\n']) {
                return Err(EngineError::InvalidTarget {
                    target: target.to_owned(),
                    reason: format!("bad header `{name}`"),
                });
            }
            headers.push((switchboard_actors::sip::HeaderName::from_wire(&name), value));
        }
        if let Some(token) = &options.token {
            crate::push::check_token(token)?;
            headers.push(crate::push::token_header(account.token_header(), token));
        }
        if let Some(path) = &options.audio_file {
            // Checked here so a bad file is the caller's error, not a silent call.
            switchboard_codecs::WavSource::open(path, 8000).map_err(|source| {
                EngineError::AudioFile {
                    path: path.clone(),
                    source,
                }
            })?;
        }
        let route = std::mem::take(&mut setup.route);
        let dial = Box::new(DialRequest {
            from: account.aor().to_owned(),
            target: target.to_owned(),
            route,
            headers,
            account: Some(account.aor().to_owned()),
            setup,
            audio: options.audio,
            audio_file: options.audio_file,
            device: options.device,
        });
        let link = self.link();
        let id = link.ask(|reply| UaMsg::Dial { dial, reply }).await??;
        Ok(Call::new(link, id))
    }

    /// The phone's cellular radio changed (from the OS's call observer). While a
    /// cellular call is up, `dial` fails with `CallRefused(CellularCallActive)` and
    /// incoming calls are declined 486 and reported `missed` (`cellular_call`); one
    /// that is answered during a SIP call ends that call (`cellular_call`) or holds
    /// it, as `calls.cellular` says. A ringing cellular call changes nothing.
    pub async fn cellular(&self, event: CellularEvent) -> Result<(), EngineError> {
        self.link()
            .ask(|reply| UaMsg::Cellular { event, reply })
            .await
    }

    /// Answers the ringing incoming call `call_id` ([`Call::answer`]).
    pub async fn answer_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.call(call_id).answer().await
    }

    /// Hangs up call `call_id` ([`Call::hangup`]).
    pub async fn hangup(&self, call_id: &str) -> Result<(), EngineError> {
        self.call(call_id).hangup().await
    }

    /// Puts the peer of call `call_id` on hold ([`Call::hold`]).
    pub async fn hold_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.call(call_id).hold().await
    }

    /// Takes call `call_id` off hold ([`Call::resume`]).
    pub async fn resume_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.call(call_id).resume().await
    }

    /// Sends DTMF `digits` in call `call_id` ([`Call::send_dtmf`]).
    pub async fn send_dtmf(&self, call_id: &str, digits: &str) -> Result<(), EngineError> {
        self.call(call_id).send_dtmf(digits).await
    }

    /// Call `call_id`'s media report ([`Call::media`]).
    pub async fn call_media(&self, call_id: &str) -> Result<Option<MediaReport>, EngineError> {
        self.call(call_id).media().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalised_and_uris_refused() {
        assert_eq!(
            normalise_number("+1 (555) 123-4567").unwrap(),
            "+15551234567"
        );
        assert_eq!(
            normalise_number(" 0044.20/7946 0018 ").unwrap(),
            "00442079460018"
        );
        assert_eq!(normalise_number("*21#").unwrap(), "*21#");
        for uri in ["sip:bob@example.com", "tel:+1555", "bob@example.com"] {
            assert!(matches!(
                normalise_number(uri),
                Err(EngineError::WrongTargetKind {
                    expected: "telephone number",
                    ..
                })
            ));
        }
        for bad in ["", "+", "12a4", "1+2", &"9".repeat(33)] {
            assert!(
                matches!(
                    normalise_number(bad),
                    Err(EngineError::InvalidTarget { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn numbers_are_not_uris() {
        assert!(looks_like_number("+1 555 123"));
        assert!(looks_like_number("911"));
        assert!(!looks_like_number("sip:911@example.com"));
        assert!(!looks_like_number("+"));
        assert!(!looks_like_number(""));
    }
}
