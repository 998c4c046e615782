"""No tables: the patient pages read cases, plans and bookings."""
