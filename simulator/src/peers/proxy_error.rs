//! Why a peer could not be built from its scenario config: each variant names the field.

/// A peer config the simulator refuses, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// A field that must not be empty is.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// `algorithm` is not `MD5` or `SHA-256`.
    #[error("`algorithm` = {value:?}: use \"MD5\" or \"SHA-256\"")]
    UnknownAlgorithm {
        /// What the config says.
        value: String,
    },
    /// `min_expires` is greater than `max_expires`.
    #[error("`min_expires` ({min_expires}) is greater than `max_expires` ({max_expires})")]
    ExpiresOutOfOrder {
        /// The configured minimum.
        min_expires: u32,
        /// The configured maximum.
        max_expires: u32,
    },
    /// A number outside the range its field allows.
    #[error("`{field}` = {value} is out of range ({range})")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value, as text.
        value: String,
        /// The allowed range, in words.
        range: &'static str,
    },
    /// A name that should be one of the configured users is not.
    #[error("`{field}` names {user:?}, who is not in `users`")]
    UnknownUser {
        /// The field.
        field: &'static str,
        /// The name.
        user: String,
    },
}

impl ServerError {
    /// The name of the config field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            ServerError::Empty { field }
            | ServerError::OutOfRange { field, .. }
            | ServerError::UnknownUser { field, .. } => field,
            ServerError::UnknownAlgorithm { .. } => "algorithm",
            ServerError::ExpiresOutOfOrder { .. } => "min_expires",
        }
    }
}
