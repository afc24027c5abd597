//! Golden tests of whole command lines.
