//! Configuration checks and their typed errors. Every error names the offending field
//! by its TOML path (`timers.t2`, `listeners[1].tls`), so a user can find it.

use crate::config::EngineConfig;
use std::collections::HashMap;
use std::net::SocketAddr;
use switchboard_actors::vocab::TransportKind;
use thiserror::Error;

/// A configuration the engine refuses. Always the embedder's (or user's) fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A field's value is out of range or malformed.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The TOML path of the field, e.g. `timers.t2`.
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two listeners would bind the same socket (TCP and TLS share the TCP port space).
    #[error("listeners[{second}] binds {addr}, already bound by listeners[{first}]")]
    DuplicateListener {
        /// The address.
        addr: SocketAddr,
        /// The index of the first listener using it.
        first: usize,
        /// The index of the duplicate.
        second: usize,
    },
    /// A TLS listener without `tls = { cert_path, key_path }`.
    #[error("listeners[{index}] ({addr}) is TLS but has no certificate and key")]
    TlsWithoutCert {
        /// The listener's index.
        index: usize,
        /// Its address.
        addr: SocketAddr,
    },
    /// The TOML text does not parse or has unknown fields.
    #[error("config file: {message}")]
    Toml {
        /// The parser's message.
        message: String,
        /// Byte range of the offending text, when known.
        span: Option<std::ops::Range<usize>>,
    },
}

pub(crate) fn invalid(field: impl Into<String>, reason: &'static str) -> ConfigError {
    ConfigError::Invalid {
        field: field.into(),
        reason,
    }
}

/// Longest timer value accepted (10 minutes): larger values are typos, not tuning.
const MAX_TIMER_MS: u64 = 600_000;

impl EngineConfig {
    /// Checks the configuration; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_timers()?;
        self.validate_limits()?;
        self.validate_listeners()?;
        if self.user_agent.trim().is_empty() {
            return Err(invalid("user_agent", "must not be empty"));
        }
        if self.user_agent.chars().any(|c| c.is_control()) {
            return Err(invalid("user_agent", "must not contain control characters"));
        }
        if self.event_channel_bound == 0 {
            return Err(invalid("event_channel_bound", "must be at least 1"));
        }
        if self.mailbox.transport_inbound == 0 {
            return Err(invalid("mailbox.transport_inbound", "must be at least 1"));
        }
        if self.mailbox.transaction == 0 {
            return Err(invalid("mailbox.transaction", "must be at least 1"));
        }
        if self.calls.call_limit == 0 {
            return Err(invalid("calls.call_limit", "must be at least 1"));
        }
        if !(1..=600).contains(&self.calls.ring_timeout_secs) {
            return Err(invalid("calls.ring_timeout_secs", "must be 1..=600"));
        }
        self.media.validate()?;
        let r = &self.restart;
        if r.window_ms == 0 {
            return Err(invalid("restart.window_ms", "must be at least 1"));
        }
        if r.max_backoff_ms < r.backoff_ms {
            return Err(invalid(
                "restart.max_backoff_ms",
                "must be >= restart.backoff_ms",
            ));
        }
        Ok(())
    }

    fn validate_timers(&self) -> Result<(), ConfigError> {
        let t = &self.timers;
        for (field, value) in [
            ("timers.t1", t.t1),
            ("timers.t2", t.t2),
            ("timers.t4", t.t4),
        ] {
            if value == 0 {
                return Err(invalid(field, "must be at least 1 ms"));
            }
            if value > MAX_TIMER_MS {
                return Err(invalid(field, "must be at most 600000 ms"));
            }
        }
        if t.t2 < t.t1 {
            return Err(invalid(
                "timers.t2",
                "must be >= timers.t1 (RFC 3261 §17.1.2.2)",
            ));
        }
        Ok(())
    }

    fn validate_limits(&self) -> Result<(), ConfigError> {
        let l = &self.limits;
        // RFC 3261 §18.1.1: messages up to 1300 bytes must fit a UDP datagram path.
        if l.max_message_size < 1300 {
            return Err(invalid(
                "limits.max_message_size",
                "must be at least 1300 bytes",
            ));
        }
        if l.max_message_size > 16 * 1024 * 1024 {
            return Err(invalid("limits.max_message_size", "must be at most 16 MiB"));
        }
        if l.max_headers == 0 {
            return Err(invalid("limits.max_headers", "must be at least 1"));
        }
        if l.max_header_len < 64 {
            return Err(invalid(
                "limits.max_header_len",
                "must be at least 64 bytes",
            ));
        }
        if l.max_header_len > l.max_message_size {
            return Err(invalid(
                "limits.max_header_len",
                "must not exceed limits.max_message_size",
            ));
        }
        Ok(())
    }

    fn validate_listeners(&self) -> Result<(), ConfigError> {
        // Sockets are (UDP | TCP-space, addr); TLS listens on TCP. Port 0 never clashes.
        let mut seen: HashMap<(bool, SocketAddr), usize> = HashMap::new();
        for (index, l) in self.listeners.iter().enumerate() {
            match (&l.transport, &l.tls) {
                (TransportKind::Tls, None) => {
                    return Err(ConfigError::TlsWithoutCert {
                        index,
                        addr: l.addr,
                    })
                }
                (TransportKind::Tls, Some(files)) => {
                    if files.cert_path.as_os_str().is_empty() {
                        return Err(invalid(
                            format!("listeners[{index}].tls.cert_path"),
                            "must not be empty",
                        ));
                    }
                    if files.key_path.as_os_str().is_empty() {
                        return Err(invalid(
                            format!("listeners[{index}].tls.key_path"),
                            "must not be empty",
                        ));
                    }
                }
                (_, Some(_)) => {
                    return Err(invalid(
                        format!("listeners[{index}].tls"),
                        "only a tls listener takes a certificate",
                    ))
                }
                (_, None) => {}
            }
            if l.addr.port() == 0 {
                continue;
            }
            let key = (l.transport == TransportKind::Udp, l.addr);
            if let Some(&first) = seen.get(&key) {
                return Err(ConfigError::DuplicateListener {
                    addr: l.addr,
                    first,
                    second: index,
                });
            }
            seen.insert(key, index);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
