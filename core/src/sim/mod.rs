//! The simulated world's machinery: the virtual clock (and time zones), the seeded RNG and the
//! timer queue.
pub mod clock;
pub mod rng;
mod timers;
pub mod tz;

pub use clock::{format_rfc1123z, format_rfc3339, format_rfc3339_micro, parse_rfc3339, Clock};
pub use rng::Rng;
pub use timers::Timers;
