//! [`AdmissionConfig`]: the call limit and the two policies, with validation.

use serde::{Deserialize, Serialize};

/// The call limit when none is configured (Webex's default: one active call and one
/// waiting or held).
pub const DEFAULT_CALL_LIMIT: u32 = 2;

/// What happens to an incoming call beyond the call limit. Either way the call is
/// reported missed with reason `CallLimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverLimit {
    /// Answer it 486 Busy Here.
    #[default]
    Reject486,
    /// Send nothing: the caller hears ringing until it gives up (or another device of
    /// the same account answers).
    Ignore,
}

/// What a cellular call the user answers does to the SIP call in conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CellularPolicy {
    /// End it with reason `CellularCall` (Exotel's behaviour).
    #[default]
    EndCall,
    /// Hold it, and resume it when the cellular call ends.
    HoldAndResume,
    /// Hold it, and leave it held when the cellular call ends (the user resumes it).
    HoldAndLeave,
}

/// The call manager's admission settings (TOML: `call_limit`, `over_limit`, `cellular`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdmissionConfig {
    /// How many calls may be alive at once (ringing, dialling, active or held); ≥ 1.
    pub call_limit: u32,
    /// What happens to an incoming call beyond the limit.
    pub over_limit: OverLimit,
    /// What an answered cellular call does to the SIP call in conversation.
    pub cellular: CellularPolicy,
    /// Only one call is in conversation at a time (a phone's rule, default): answering,
    /// dialling or resuming holds the active call first. `false` lets every call be
    /// active at once (an answering service or a load target has no user to switch).
    pub single_active: bool,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            call_limit: DEFAULT_CALL_LIMIT,
            over_limit: OverLimit::default(),
            cellular: CellularPolicy::default(),
            single_active: true,
        }
    }
}

/// An [`AdmissionConfig`] field out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdmissionConfigError {
    /// A field's value is out of range.
    #[error("invalid admission field `{field}` ({value}): {reason}")]
    Invalid {
        /// The field's name, as in TOML.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl AdmissionConfig {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), AdmissionConfigError> {
        if self.call_limit == 0 {
            return Err(AdmissionConfigError::Invalid {
                field: "call_limit",
                value: self.call_limit.to_string(),
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_seeds() {
        let c = AdmissionConfig::default();
        assert_eq!(c.call_limit, 2);
        assert_eq!(c.over_limit, OverLimit::Reject486);
        assert_eq!(c.cellular, CellularPolicy::EndCall);
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn zero_call_limit_names_the_field() {
        let c = AdmissionConfig {
            call_limit: 0,
            ..AdmissionConfig::default()
        };
        let err = c.validate().unwrap_err();
        let AdmissionConfigError::Invalid { field, value, .. } = &err;
        assert_eq!((*field, value.as_str()), ("call_limit", "0"));
        assert!(err.to_string().contains("call_limit"), "{err}");
    }
}
