"""Plan versions: the engine's proposal, clinician edits as overlays, and sign-off."""
