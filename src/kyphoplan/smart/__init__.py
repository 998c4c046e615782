"""SMART App Launch 2.0 (EHR launch): a clinician opens kyphoplan from inside the EHR."""
