//! The simulated world's machinery: the virtual clock (and time zones), the seeded RNG and the
//! timer queue; and the simulated demand: rates over time ([`rate`]), `LoadProfile` traffic
//! ([`load`]) and message queues ([`queue`]).
pub mod clock;
pub mod load;
pub mod queue;
pub mod rate;
pub mod rng;
mod timers;
pub mod tz;

pub use clock::{format_rfc1123z, format_rfc3339, format_rfc3339_micro, parse_rfc3339, Clock};
pub use rng::Rng;
pub use timers::Timers;
