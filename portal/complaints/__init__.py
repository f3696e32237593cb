"""Complaints about improper collection (issue 7)."""
