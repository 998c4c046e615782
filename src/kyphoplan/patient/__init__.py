"""What the patient gets: the plan page, the printable PDF and the calendar file."""
