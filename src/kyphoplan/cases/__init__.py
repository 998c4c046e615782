"""A case: one patient, one procedure, from referral to follow-up."""
