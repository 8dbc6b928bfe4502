"""Derive stage: rates a vendor leaves out, from its documented conventions; quarantine of absurd values."""
