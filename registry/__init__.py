"""ratecard.registry stage."""
