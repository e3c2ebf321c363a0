//! The `switchboard` command-line tool.
fn main() {}
