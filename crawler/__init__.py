"""ratecard.crawler stage."""
