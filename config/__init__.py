"""ratecard.config stage."""
