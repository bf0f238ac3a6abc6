"""The audit log: every full read of a resident's personal data, who made it and when."""
