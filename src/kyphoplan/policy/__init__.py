"""The practice's clinical-policy setting: audited, append-only versions (docs/pathway.md)."""
