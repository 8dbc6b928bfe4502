"""ratecard.breakeven stage."""
