//! `kubectl explain` (placeholder while the schema docs are generated).
use super::{Ctx, Error};

pub(super) fn explain(_ctx: &mut Ctx<'_>) -> Result<(), Error> {
    Err(Error::msg("error: explain is not available"))
}
