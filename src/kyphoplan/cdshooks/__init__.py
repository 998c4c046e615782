"""CDS Hooks 2.0 service: the kyphoplasty preparation plan as cards inside the EHR."""
