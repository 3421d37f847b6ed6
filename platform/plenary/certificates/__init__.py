"""Certificates of attendance: the rule, who is eligible, issuing, verifying, rendering."""
