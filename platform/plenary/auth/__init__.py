"""Who someone is (people, tokens, join links) and what they may do (roles)."""
