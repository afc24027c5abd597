//! Golden tests of `kubectl explain`.
