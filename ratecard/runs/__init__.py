"""Runs: what each night (or backfill, reparse, demo) did, per vendor. Owns ``runs``/``run_vendors``."""
