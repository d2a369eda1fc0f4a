//! Browser-test support (see `webdriver`).
pub mod webdriver;
