"""Verification visits (issue 4): roster, visits, answers, records and the public visitor check."""
