//! Helpers shared by the unit tests.

/// A small deterministic generator (xorshift64): `next(below)` gives the
/// next number below `below`. Seeded tests repeat exactly, with no
/// dependency needed.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |below| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    }
}
