"""ratecard.snapshots stage."""
