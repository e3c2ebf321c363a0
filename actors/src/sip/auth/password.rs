//! The secret, kept out of logs.

use std::fmt;

/// A password. Its `Debug` prints `***`; it has no `Display`, so it cannot end up in a log
/// line or a `{:?}` of a struct holding it by accident. Read it with [`Password::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps a password.
    pub fn new(secret: impl Into<String>) -> Self {
        Password(secret.into())
    }

    /// The password itself, for hashing. Never log the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s)
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::new("Circle Of Life");
        assert_eq!(format!("{p:?}"), "***");
        assert_eq!(format!("{:?}", Some(p.clone())), "Some(***)");
        assert_eq!(p.expose(), "Circle Of Life");
    }
}
