"""Ticket satisfaction survey: a signed link mailed after resolution, a public rating page, the Rating model."""
