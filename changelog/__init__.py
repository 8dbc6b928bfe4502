"""ratecard.changelog stage."""
